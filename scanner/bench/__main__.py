"""`python -m scanner.bench`: see scanner.bench."""

from __future__ import annotations

import sys

from scanner.bench import main

sys.exit(main())
