"""CAN emulators of the virtual lab, reached through an emulated socketcand daemon."""
