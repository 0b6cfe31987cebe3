"""``python -m skill``: the project's developer commands (see skill/dev/cli.py)."""

import sys

from skill.dev.cli import main

sys.exit(main())
