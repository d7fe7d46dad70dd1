"""chargebench: hardware-in-the-loop test and certification harness for EV chargers."""

__version__ = "0.1.0"
