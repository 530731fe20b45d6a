"""`python3 -m svcms` (from scripts/) is the same as `python3 scripts/svcms.py`."""

import sys

from svcms.cli import main

sys.exit(main())
