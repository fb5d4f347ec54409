"""The domain core of TagTrail: pure Python, standard library only, no I/O and no clock reads."""
