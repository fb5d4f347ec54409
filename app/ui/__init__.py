"""TagTrail's Flet client.

Pure-Python modules hold the UI's logic and are unit-tested without flet: `places` (recent
locations; import of an old location-tag book), `scanflow` (what one scan does), `present` (how states read on
screen), `session` (the device's service and sync engine behind one object). The modules that
import flet (`theme`, `state`, `components`, `views`, `camera`, `main`) only draw that logic.
"""
