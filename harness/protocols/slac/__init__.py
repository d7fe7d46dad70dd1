"""ISO 15118-3 SLAC, EV side: signal-level attenuation characterisation over HomePlug Green PHY."""
