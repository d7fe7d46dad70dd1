"""The engine: plan, step actions, clock, safety, run directory."""
