"""`python -m app` is the `tagtrail` command."""

from app.cli import main

main()
