"""Each tool's state (a *desk*): an observable object that owns the tool's actions."""
