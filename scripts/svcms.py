#!/usr/bin/env python3
"""SVCMS developer entry point: set up, run and test the addons on Odoo 19.

Standard library only: this script creates the virtualenv everything else runs in.

    python3 scripts/svcms.py --help   # every command (run, test, stop, shell, i18n, env, bench)
    python3 scripts/svcms.py run      # demo database on http://localhost:8069 (admin/admin)
    python3 scripts/svcms.py test     # fresh database, every Odoo test + the pytest suite

The code lives in the package scripts/svcms/ (common, odoo_src, venv, postgres, commands, cli).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from svcms.cli import main  # the package scripts/svcms/ beside this script

if __name__ == "__main__":
    sys.exit(main())
