"""Modbus TCP emulators of the virtual lab (energy meters), on pymodbus 3.16 SimDevice."""
