"""``python -m tools``: the project's developer commands (see tools/cli.py)."""

import sys

from tools.cli import main

sys.exit(main())
