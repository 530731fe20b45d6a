"""Every demo role gets through its first hour: each menu of its apps opens without an access error."""

from lxml import etree

from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time

SVCMS_MODULES = ("svcms_base", "svcms_aftersales")

# login: the app menus (xml ids) that person works in, as the README lists them
ROLES = {
    "limin": ["svcms_base.menu_svcms_root"],  # management representative
    "gaoya": ["svcms_base.menu_svcms_root"],  # document controller
    "chenjing": ["svcms_base.menu_svcms_root"],  # internal auditor
    "zhengli": ["svcms_base.menu_svcms_root", "hr.menu_hr_root"],  # HR officer
    "wanglei": ["svcms_aftersales.menu_aftersales_root", "svcms_base.menu_svcms_root"],  # after-sales manager
    "zhaojing": ["svcms_aftersales.menu_aftersales_root"],  # service desk clerk
    "zhangwei": ["svcms_aftersales.menu_aftersales_root"],  # technician
    "huangjun": ["svcms_aftersales.menu_stock_return_orders", "svcms_aftersales.menu_aftersales_root"],  # warehouse
}
PORTAL_ROLES = ("zhangjianguo", "lixiuying")
PORTAL_PAGES = ("/my", "/my/complaints", "/my/complaints/new", "/my/service-requests", "/my/service-requests/new")


@tagged("post_install", "-at_install")
class TestDemoRoles(HttpCase):
    def _user(self, login):
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertTrue(user, f"demo user {login} is missing")
        return user

    def _our_menus(self, user):
        """The SVCMS menus this user sees, as the web client would list them."""
        data = self.env["ir.model.data"].search([("model", "=", "ir.ui.menu"), ("module", "in", SVCMS_MODULES)])
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return self.env["ir.ui.menu"].browse([d.res_id for d in data if d.res_id in visible])

    def _eval(self, expression, user):
        context = {
            "uid": user.id,
            "user": user,
            "time": time,
            "datetime": datetime,
            "dateutil": dateutil,
            "relativedelta": dateutil.relativedelta.relativedelta,
            "context_today": lambda: datetime.date.today(),
            "allowed_company_ids": user.company_ids.ids,
            "active_id": False,
            "active_ids": [],
        }
        return safe_eval(expression or "{}", context) if expression else {}

    def _open_action(self, menu, user):
        """Load the views and the first page of records, then the first record's form, as that user."""
        if not menu.action or menu.action._name != "ir.actions.act_window":
            return
        action = menu.action.sudo()
        env = self.env(user=user, context={"lang": "zh_CN", "tz": "Asia/Shanghai"})
        context = {**env.context, **self._eval(action.context, user)}
        model = env[action.res_model].with_context(**context)
        model.check_access("read")
        modes = [mode for mode in (action.view_mode or "list").split(",") if mode in ("list", "kanban", "form")]
        views = model.get_views([(False, mode) for mode in modes] + [(False, "search")])["views"]
        domain = self._eval(action.domain, user) or []
        first = modes[0] if modes and modes[0] != "form" else None
        records = model.browse()
        if first:
            fields = self._arch_fields(views[first]["arch"], model)
            result = model.web_search_read(domain, {name: {} for name in fields}, limit=80)
            records = model.browse([row["id"] for row in result["records"]])
        if "form" in views and records:
            fields = self._arch_fields(views["form"]["arch"], model)
            records[:1].web_read({name: {} for name in fields})

    def _arch_fields(self, arch, model):
        # the arch is already stripped of what the user's groups may not see
        names = {node.get("name") for node in etree.fromstring(arch).iter("field")}
        return [name for name in names if name in model._fields and model._fields[name].type != "properties"]

    def test_every_role_opens_every_menu_of_its_apps(self):
        for login, roots in ROLES.items():
            user = self._user(login)
            self.assertEqual(user.lang, "zh_CN", login)
            self.assertEqual(user.tz, "Asia/Shanghai", login)
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            for root in roots:
                self.assertIn(self.env.ref(root).id, visible, f"{login} does not see {root}")
            menus = self._our_menus(user)
            self.assertTrue(menus, login)
            for menu in menus:
                with self.subTest(login=login, menu=menu.complete_name):
                    self._open_action(menu, user)

    def test_demo_company_is_a_chinese_company(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id.code, "CN")
        self.assertEqual(company.currency_id.name, "CNY")
        self.assertEqual(company.chart_template, "cn")
        self.assertEqual(company.city, "佛山市")
        self.assertEqual(self.env.ref("stock.warehouse0").name, "美澜佛山总仓")
        taxes = self.env["account.tax"].search([("company_id", "=", company.id), ("type_tax_use", "=", "sale")])
        self.assertIn(13.0, taxes.mapped("amount"), "13 % VAT on goods")

    def test_portal_customers_see_their_own_products(self):
        for login in PORTAL_ROLES:
            user = self._user(login)
            self.assertTrue(user.share, login)
            self.assertEqual(user.lang, "zh_CN", login)
            delivered = self.env["svcms.service.request"].with_user(user)._portal_delivered_lots(user.partner_id)
            self.assertTrue(delivered, f"{login} has no delivered product to ask service for")
            self.authenticate(login, login)
            for page in PORTAL_PAGES:
                with self.subTest(login=login, page=page):
                    response = self.url_open(page)
                    self.assertEqual(response.status_code, 200, f"{login} {page}")
