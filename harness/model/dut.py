"""What a charger claims (PICS/PIXIT): connectors, ratings, protocols, how it is controlled."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from .base import Strict
from .dut_hlc import DutHlc
from .dut_ocpp import OcppSection


class Connector(str, Enum):
    j1772 = "J1772"  # SAE J1772 / IEC 62196-2 Type 1, tethered
    j3400 = "J3400"  # SAE J3400 (NACS)
    type2_socket = "Type2-socket"  # IEC 62196-2 Type 2 socket outlet (cable coded by PP)
    type2_cable = "Type2-cable"  # IEC 62196-2 Type 2 tethered cable
    ccs1 = "CCS1"
    ccs2 = "CCS2"


class Supply(str, Enum):
    ac = "AC"
    dc = "DC"


class DutControl(Strict):
    """How the harness changes what the charger offers, playing the site's energy manager.

    Real wallboxes take a current limit from a local energy manager over Modbus TCP; the register map is the
    charger's own and is declared here. ``address`` is ``sim://NAME`` for the virtual lab.
    """

    protocol: str = Field(pattern="^modbus_tcp$", default="modbus_tcp")
    address: str = Field(description="host:port, or sim://dut for the virtual lab's charger")
    unit_id: int = Field(default=1, ge=0, le=247)
    current_limit_register: int = Field(ge=0, le=65535, description="holding register, amperes x scale")
    current_limit_scale: float = Field(default=10.0, gt=0)
    enable_register: int = Field(ge=0, le=65535, description="holding register: 1 available, 0 unavailable")


class DutProfile(Strict):
    """A charger under test, as its manufacturer declares it."""

    kind: str = Field(default="dut", pattern="^dut$")
    id: str
    manufacturer: str
    model: str
    serial: str | None = None
    firmware: str | None = None
    connector: Connector
    supply: Supply
    phases: int = Field(ge=1, le=3)
    nominal_voltage_v: float = Field(gt=0, le=1500, description="per phase for AC")
    max_current_a: float = Field(gt=0, le=1000)
    min_current_a: float = Field(default=6.0, ge=0)
    max_power_kw: float | None = Field(default=None, gt=0)
    protocols: list[str] = Field(default_factory=list, description="e.g. IEC61851-1, DIN70121, OCPP1.6J")
    features: list[str] = Field(default_factory=list, description="capability flags a test may require")
    control: DutControl | None = None
    ocpp: OcppSection = Field(default=None, description="OCPP claims and CSMS settings (dut_ocpp.py)")
    hlc: DutHlc | None = None  # high-level communication (DIN 70121 / ISO 15118), harness/model/dut_hlc.py

    def claims(self) -> set[str]:
        """Flags a test's ``requires`` is matched against."""
        flags = {f.lower() for f in self.features} | {p.lower() for p in self.protocols}
        flags.add(self.supply.value.lower())
        flags.add(f"connector:{self.connector.value.lower()}")
        flags.add(f"phases:{self.phases}")
        if self.control is not None:
            flags.add("control:current_limit")
        if self.hlc is not None:
            flags |= {f"payment:{p.lower()}" for p in self.hlc.payment}  # payment:pnc = Plug & Charge
            flags |= {f"energy:{m.lower()}" for m in self.hlc.energy_modes}  # energy:dc_bpt = bidirectional DC
            if self.hlc.interface:
                flags.add("hlc.interface")  # a PLC modem's interface: SLAC can run (raw Ethernet)
            if self.hlc.tls:
                flags.add("tls")  # the hlc section's claim is the one fact; features may repeat it
        return flags
