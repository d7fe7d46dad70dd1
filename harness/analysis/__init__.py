"""Numbers from measurements: judging against limits with uncertainty (more analyses follow)."""

from .judge import judge

__all__ = ["judge"]
