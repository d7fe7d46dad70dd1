"""Yokogawa precision power analyzers."""
