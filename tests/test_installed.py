"""What crosses addons, checked on the database `make test` installed."""


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
