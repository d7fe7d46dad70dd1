"""What a DC (or HLC-capable AC) charger declares about its high-level communication (PICS/PIXIT).

Why separate from dut.py: one place for the HLC facts, so the base profile stays small.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Strict

HlcProtocol = Literal["din70121", "iso15118-2", "iso15118-20"]


class DutHlc(Strict):
    """How to reach the charger's SECC and what it claims to support."""

    protocols: list[HlcProtocol] = Field(min_length=1)
    sdp: str | None = Field(default=None, description="unicast SDP target host:port, or sim://sdp on the "
                                                          "virtual lab")
    interface: str | None = Field(default=None, description="PLC modem's network interface: SDP multicast "
                                                               "to ff02::1 on it (real benches)")
    modem_mac: str | None = Field(default=None, pattern=r"^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$",
                                  description="the EV-side PLC modem's MAC on `interface`: SLAC's CM_SET_KEY.REQ "
                                              "goes to it (default 00:B0:52:00:00:01, the Qualcomm local address)")
    payment: list[Literal["EIM", "PnC"]] = Field(default_factory=lambda: ["EIM"])
    tls: bool = Field(default=False, description="offers TLS (ISO 15118-2/-20)")
    tls_root: str | None = Field(default=None, description="V2G root CA (PEM) the EV trusts, or sim://v2g-root")
    contract_pki: str | None = Field(default=None, description="folder with the EV's Plug & Charge material "
                                     "(contract_chain.pem/.key, oem_prov_chain.pem/.key, v2g_root.pem; see "
                                     "harness.protocols.iso15118.pki_contract), or sim://v2g-pki")
    energy_modes: list[Literal["DC", "AC", "DC_BPT", "AC_BPT"]] = Field(default_factory=lambda: ["DC"])
    min_voltage_v: float = Field(default=150.0, ge=0, le=1500)
    current_tolerance_a: float = Field(default=5.0, gt=0, description="declared EVSECurrentRegulationTolerance")
    max_discharge_current_a: float | None = Field(default=None, ge=0, description="DC_BPT: the charger's "
                                                  "EVSEMaximumDischargeCurrent (default: max_current_a)")
    max_discharge_power_kw: float | None = Field(default=None, ge=0, description="DC_BPT: the charger's "
                                                 "EVSEMaximumDischargePower (default: max_power_kw)")
