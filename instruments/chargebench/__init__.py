"""Instruments whose command set chargebench defines (documented in docs/instruments/)."""
