"""Everything that moves data between a device and the central store."""
