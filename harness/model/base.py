"""Shared pydantic base: every YAML-facing model forbids unknown keys.

A typo such as ``limts:`` in a certification suite must be an error, never silently ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Base for file models: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)
