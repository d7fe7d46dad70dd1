"""The ``ocpp:`` section of a DUT profile: which OCPP versions, security profiles, feature profiles (1.6)
and functional blocks (2.0.1) the charger claims, and how the CSMS reaches it (PIXIT).

The claims are added to the profile's ``protocols``/``features`` flags when the profile is validated, so a
suite's ``applicability.requires`` can name them (``ocpp1.6j``, ``ocpp2.0.1``, ``ocpp:sp2``,
``ocpp16:smartcharging``, ``ocpp201:k``, ``ocpp:ocmf``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr, ValidationInfo

from .base import Strict

FEATURE_PROFILES_16 = ("Core", "FirmwareManagement", "LocalAuthListManagement", "Reservation", "SmartCharging",
                       "RemoteTrigger", "Security")
BLOCKS_201 = tuple("ABCDEFGHIJKLMNOP")


class DutOcpp(Strict):
    """OCPP PICS/PIXIT of the charger."""

    versions: list[Literal["1.6", "2.0.1"]] = Field(min_length=1, description="the first is used in a run")
    charge_point_id: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,48}$")
    csms: str = Field(default="sim://csms", description="where the CSMS listens (host:port), the charger "
                      "being configured with ws(s)://host:port/ocpp/<id>; sim://csms on the virtual lab")
    pki: str | None = Field(default="sim://ocpp-pki", description="test PKI folder (CA, server, client certs)")
    security_profile: int = Field(default=0, ge=0, le=3, description="the profile used in this run")
    security_profiles: list[int] = Field(default_factory=lambda: [0], description="profiles the charger claims")
    password: SecretStr | None = Field(default=None, description="Basic auth password (SP1/SP2); never reported")
    feature_profiles: list[Literal[FEATURE_PROFILES_16]] = Field(default_factory=lambda: ["Core"])  # type: ignore[valid-type]
    blocks: list[Literal[BLOCKS_201]] = Field(default_factory=lambda: ["A", "B"])  # type: ignore[valid-type]
    connectors: int = Field(default=1, ge=1, le=8)
    heartbeat_interval_s: int = Field(default=60, ge=1, le=86400)
    strict_schema: bool = Field(default=True, description="answer schema violations with a CallError")
    meter_accuracy_class: Literal["A", "B", "C"] | None = Field(default=None, description="EN 50470-3 class")
    ocmf_public_key: str | None = Field(default=None, description="hex DER SubjectPublicKeyInfo of the meter")

    @property
    def version(self) -> str:
        return self.versions[0]

    def claims(self) -> set[str]:
        flags = {"ocpp1.6j" if v == "1.6" else "ocpp2.0.1" for v in self.versions}
        flags |= {f"ocpp:sp{p}" for p in set(self.security_profiles)}
        flags.add(f"ocpp:run_sp{self.security_profile}")
        if self.security_profile in (1, 2):
            flags.add("ocpp:basic_auth")
        if self.security_profile >= 2:
            flags.add("ocpp:tls")
        if self.security_profile == 3:
            flags.add("ocpp:mtls")
        flags |= {f"ocpp16:{f.lower()}" for f in self.feature_profiles}
        flags |= {f"ocpp201:{b.lower()}" for b in self.blocks}
        if self.ocmf_public_key:
            flags.add("ocpp:ocmf")
        if self.meter_accuracy_class:
            flags.add("ocpp:meter_class")
        return flags


def _claim(value: DutOcpp | None, info: ValidationInfo) -> DutOcpp | None:
    """Add the section's claims to the already validated ``features`` (fields validate in order)."""
    if value is not None and isinstance(info.data.get("features"), list):
        features = info.data["features"]
        features.extend(sorted(f for f in value.claims() if f not in features))
    return value


OcppSection = Annotated[DutOcpp | None, AfterValidator(_claim)]
