"""What crosses addons, checked on the database `make test` installed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest


def test_every_addon_installed(odoo_env, addons):
    states = dict(odoo_env["ir.module.module"].search([("name", "in", addons)]).mapped(lambda m: (m.name, m.state)))
    assert states == dict.fromkeys(addons, "installed")


def test_every_view_loads(odoo_env, addons):
    data = odoo_env["ir.model.data"].search([("module", "in", addons), ("model", "=", "ir.ui.view")])
    views = odoo_env["ir.ui.view"].browse(data.mapped("res_id")).exists()
    assert views, "the addons define no views"
    for view in views:
        root = view
        while root.inherit_id and root.mode == "extension":
            root = root.inherit_id
        if root.type == "qweb":
            continue
        arch = odoo_env[root.model].get_view(root.id, root.type)["arch"]
        assert arch, f"{view.xml_id} does not render"


def test_every_action_opens(odoo_env, addons):
    data = odoo_env["ir.model.data"].search([("module", "in", addons), ("model", "=", "ir.actions.act_window")])
    for action in odoo_env["ir.actions.act_window"].browse(data.mapped("res_id")):
        modes = [
            m
            for m in action.view_mode.split(",")
            if m not in ("list", "form", "kanban", "pivot", "graph", "calendar", "activity", "hierarchy")
        ]
        assert not modes, f"{action.xml_id}: unknown view modes {modes}"
        odoo_env[action.res_model].get_views([(False, m) for m in action.view_mode.split(",")])


def test_application_menu_is_translated(odoo_env):
    menu = odoo_env.ref("svcms_base.menu_svcms_root")
    assert menu.name == "Service Management"
    assert menu.with_context(lang="zh_CN").name == "服务管理体系"


def test_chinese_is_installed(odoo_env):
    assert odoo_env["res.lang"]._lang_get("zh_CN").active


# Terms of the code and of the structure (fields, selections, views, menus, actions), not of data records:
# the test database also holds the demo data, which `make i18n` does not install.
STRUCTURE_TERMS = (
    "code:",
    "model:ir.model,",
    "model:ir.model.fields,",
    "model:ir.model.fields.selection,",
    "model:ir.model.constraint,",
    "model_terms:ir.ui.view,",
    "model:ir.ui.menu,",
    "model:ir.actions.act_window,",
    "model_terms:ir.actions.act_window,",
    "model:res.groups,",
)


def test_pot_files_are_current(repo, addons, tmp_path):
    """Every message the addons show is in their .pot (and so, by test_every_addon_ships_chinese, in Chinese):
    a message added to the code without `make i18n` would reach Chinese users in English."""
    db = os.environ.get("SVCMS_TEST_DB")
    if not db:
        pytest.fail("This test needs the database `make test` builds: run it with `make test`.")
    params = json.loads(os.environ["SVCMS_DB_PARAMS"])
    src = Path(os.environ["ODOO_SRC"])
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\n" + "".join(f"db_{key} = {value}\n" for key, value in params.items()))
    exported = tmp_path / "current.pot"
    addons_path = f"--addons-path={src / 'odoo' / 'addons'},{src / 'addons'},{repo}"
    command = [sys.executable, str(src / "odoo-bin"), addons_path, "i18n", "export", "-c", str(conf), "-d", db]
    done = subprocess.run([*command, "-l", "pot", "-o", str(exported), "--", *addons], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    pots = {addon: repo / addon / "i18n" / f"{addon}.pot" for addon in addons}
    committed = {addon: {entry.msgid for entry in polib.pofile(str(pot))} for addon, pot in pots.items()}
    missing = []
    for entry in polib.pofile(str(exported)):
        if not any(occurrence.startswith(STRUCTURE_TERMS) for occurrence, _line in entry.occurrences):
            continue
        for module in re.findall(r"module: (\w+)", entry.comment):
            if module in committed and entry.msgid not in committed[module]:
                missing.append(f"{module}: {entry.msgid[:80]!r}")
    assert not missing, f"{len(missing)} terms missing from the .pot files (run `make i18n`): {missing[:5]}"
