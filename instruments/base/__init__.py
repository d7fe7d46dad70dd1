"""Building blocks shared by every driver: transports, declared properties, role interfaces."""
