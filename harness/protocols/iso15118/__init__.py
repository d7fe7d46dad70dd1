"""ISO 15118 / DIN SPEC 70121: the EV side of high-level communication."""
