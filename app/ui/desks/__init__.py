"""Each More-screen tool's state (a *desk*): an observable that owns the tool's actions."""
