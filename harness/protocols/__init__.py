"""chargebench package."""
