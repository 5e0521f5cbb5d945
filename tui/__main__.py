"""``python -m tui`` runs the same entry point as the ``digest`` command."""

from tui.cli import main

raise SystemExit(main())
