"""Drivers for this maker's instruments."""
