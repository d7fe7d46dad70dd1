"""Driver keys used in bench files, mapped to driver classes (imported on demand)."""

from __future__ import annotations

import importlib
from typing import Any

from .base.instrument import Instrument
from .base.transport import Listener, VisaTransport

DRIVERS: dict[str, str] = {
    "yokogawa.wt": "instruments.yokogawa.wt:YokogawaWT",
    "chargebench.eve": "instruments.chargebench.eve:ChargebenchEve",
    "hioki.pw": "instruments.hioki.pw:HiokiPW",
    "chroma.63200a": "instruments.chroma.dcload:Chroma63200A",
    "itech.it8000": "instruments.itech.it8000:ItechIT8000",
    "ea.psb": "instruments.ea.psb:EaPsb10000",
    "ea.psb_modbus": "instruments.ea.psb_modbus:EaPsb10000Modbus",
    "chroma.61800": "instruments.chroma.acsource:Chroma61800",
    "keysight.ac6900": "instruments.keysight.ac6900:KeysightAC6900",
    "chroma.63800": "instruments.chroma.acload:Chroma63800",
    "eastron.sdm630": "instruments.eastron.sdm630:EastronSDM630",
    "gavazzi.em24": "instruments.gavazzi.em24:GavazziEM24",
    "chargebench.bev": "instruments.chargebench.bev:ChargebenchBev",
}


def driver_class(key: str) -> type[Instrument]:
    if key not in DRIVERS:
        raise KeyError(f"unknown driver {key!r}: expected one of {', '.join(sorted(DRIVERS))}")
    module, _, cls = DRIVERS[key].partition(":")
    return getattr(importlib.import_module(module), cls)


def open_transport(kind: str, address: str, name: str, timeout_s: float = 2.0,
                   listener: Listener | None = None) -> Any:
    """The transport a driver's ``TRANSPORT`` names: scpi (pyvisa), modbus (pymodbus) or can (python-can)."""
    if kind == "modbus":
        from .base.modbus import ModbusTransport

        return ModbusTransport(address, name=name, timeout_s=timeout_s, listener=listener)
    if kind == "can":
        from .base.can import CanTransport

        return CanTransport(address, name=name, timeout_s=timeout_s, listener=listener)
    return VisaTransport(address, name=name, timeout_s=timeout_s, listener=listener)


def open_instrument(driver: str, address: str, name: str | None = None, timeout_s: float = 2.0,
                    listener: Listener | None = None, **options: Any) -> Instrument:
    """Open a driver on its address: a VISA resource (``TCPIP::host::port::SOCKET``), ``host:port[/unit]``
    for Modbus TCP, or ``socketcand://host:port/can0`` (and other python-can forms) for CAN."""
    cls = driver_class(driver)
    transport = open_transport(cls.TRANSPORT, address, name or driver, timeout_s, listener)
    try:
        return cls(transport, name=name, **options)
    except Exception:
        transport.close()
        raise
