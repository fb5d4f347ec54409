"""The tools' states (desks): one observable per tool on the More screen (app/ui/toolbox.py)."""
