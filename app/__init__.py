"""The TagTrail application: the Flet client and the `tagtrail` command (the composition root)."""
