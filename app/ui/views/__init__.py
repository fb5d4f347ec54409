"""One module per screen; each view is a component that takes data and callbacks."""
