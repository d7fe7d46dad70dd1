"""The simulated charger's energy-manager port: Modbus TCP holding registers for the offered current
and availability, at the addresses the DUT profile declares (as a real wallbox's register map would)."""

from __future__ import annotations

from typing import Any

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from .lab import VirtualLab


def build_server(lab: VirtualLab, control: Any, host: str = "127.0.0.1", port: int = 0) -> ModbusTcpServer:
    cur_reg = control.current_limit_register
    en_reg = control.enable_register
    scale = control.current_limit_scale

    async def on_access(fc: int, start_address: int, address: int, count: int, regs: list[int],
                        set_values: list[int] | None) -> None:
        if set_values is None:
            return None
        for offset, value in enumerate(set_values):
            reg = address + offset
            if reg == cur_reg:
                lab.set_setpoint(int(value) / scale)
            elif reg == en_reg:
                lab.set_available(bool(value))
        return None

    initial = int(round(lab.ratings.max_current_a * scale))
    blocks = sorted([(cur_reg, initial), (en_reg, 1)])
    device = SimDevice(id=control.unit_id, action=on_access,
                       simdata=[SimData(reg, values=val, datatype=DataType.UINT16) for reg, val in blocks])
    return ModbusTcpServer(device, address=(host, port))
