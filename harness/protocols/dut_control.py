"""The charger's energy-manager port: chargebench plays the site's load manager over Modbus TCP, writing
the offered current and availability to the holding registers the DUT profile declares."""

from __future__ import annotations

from ..model import DutControl


class DutControlError(Exception):
    pass


class ModbusDutControl:
    def __init__(self, control: DutControl, address: str, timeout_s: float = 2.0):
        from pymodbus.client import ModbusTcpClient  # local: only benches with a control port need it

        host, _, port = address.rpartition(":")
        self.control = control
        self.client = ModbusTcpClient(host, port=int(port), timeout=timeout_s, retries=0)
        if not self.client.connect():
            raise DutControlError(f"DUT control port {address} does not answer")

    def _write(self, register: int, value: int) -> None:
        try:
            reply = self.client.write_register(register, value, device_id=self.control.unit_id)
        except Exception as exc:  # pymodbus raises ModbusException and socket errors
            raise DutControlError(f"writing register {register} failed: {exc}") from None
        if reply.isError():
            raise DutControlError(f"charger refused register {register} = {value}: {reply}")

    def set_current_limit(self, current_a: float) -> None:
        self._write(self.control.current_limit_register, int(round(current_a * self.control.current_limit_scale)))

    def set_available(self, available: bool) -> None:
        self._write(self.control.enable_register, 1 if available else 0)

    def close(self) -> None:
        self.client.close()
