"""Fixtures for the cross-addon suite.

`make test` installs every svcms addon into a throwaway database and runs this suite against it
(SVCMS_TEST_DB, SVCMS_DB_PARAMS, ODOO_SRC). The repository checks need none of that.
"""

import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ADDONS = sorted(p.parent.name for p in REPO.glob("svcms_*/__manifest__.py"))
# tests/addons holds test-only Odoo addons: their tests run inside Odoo, not under pytest
collect_ignore = ["addons"]


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def addons():
    return ADDONS


@pytest.fixture(scope="session")
def odoo_env():
    db = os.environ.get("SVCMS_TEST_DB")
    if not db:
        pytest.fail("These tests need the database `make test` builds: run them with `make test`.")
    src = Path(os.environ["ODOO_SRC"])
    sys.path.insert(0, str(src))
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    params = json.loads(os.environ["SVCMS_DB_PARAMS"])
    # tests/addons: test-only addons `make test` installs beside ours (see scripts/svcms.py)
    addons_path = f"{src / 'odoo' / 'addons'},{src / 'addons'},{REPO},{REPO / 'tests' / 'addons'}"
    args = [f"--addons-path={addons_path}", f"--database={db}"]
    args += [f"--db_{key}={value}" for key, value in params.items() if key in ("host", "port", "user", "password")]
    if os.environ.get("SVCMS_DATA_DIR"):
        args.append(f"--data-dir={os.environ['SVCMS_DATA_DIR']}")
    config.parse_config(args, setup_logging=False)
    registry = Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        yield env
        cr.rollback()
