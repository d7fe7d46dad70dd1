"""The virtual lab: a simulated charger (the DUT), coupled physics, and a wire-level emulator for every
instrument driver. It runs as its own process and is reached only over the same protocols as real
hardware; the engine and the drivers never import it."""
