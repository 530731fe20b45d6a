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
    args = [f"--addons-path={src / 'odoo' / 'addons'},{src / 'addons'},{REPO}", f"--database={db}"]
    args += [f"--db_{key}={value}" for key, value in params.items() if key in ("host", "port", "user", "password")]
    if os.environ.get("SVCMS_DATA_DIR"):
        args.append(f"--data-dir={os.environ['SVCMS_DATA_DIR']}")
    config.parse_config(args, setup_logging=False)
    registry = Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        yield env
        cr.rollback()
