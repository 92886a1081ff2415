"""Allow `python -m childsafe`."""

from childsafe.cli import main

main()
