from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import OperationsDataMixin


@tagged("post_install", "-at_install")
class TestAftersalesManagerWithoutInventory(OperationsDataMixin, TransactionCase):
    """An after-sales manager who has no Inventory rights opens the after-sales menus that show products and
    serials: each view loads (quantities and stock counters are left out), nothing raises an access error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()
        cls.part.product_tmpl_id.svcms_is_spare_part = True
        cls.appliance.product_tmpl_id.svcms_spare_part_ids = [Command.link(cls.part.id)]
        cls._sell_and_deliver(cls.appliance, cls.lot_1, invoice=False)
        cls.service_manager = new_test_user(
            cls.env, login="as_mgr_no_stock", groups="base.group_user,svcms_aftersales.group_aftersales_manager"
        )

    def _view_fields(self, model, view_type, view_id=False):
        """The fields the web client would read: those of the view as this user receives it."""
        arch = model.get_views([(view_id, view_type)])["views"][view_type]["arch"]
        nested = ("list", "kanban") if view_type == "form" else ("kanban",)
        fields = [
            node.get("name")
            for node in etree.fromstring(arch).iter("field")
            if not any(ancestor.tag in nested for ancestor in node.iterancestors())
        ]
        return {name: {} for name in fields}

    def _open(self, xmlid):
        """Open the action's list and the first record's form as the manager: ``(list rows, form values)``."""
        action = self.env.ref(xmlid)
        model = self.env[action.res_model].with_user(self.service_manager)
        model = model.with_context(**safe_eval(action.context or "{}"))
        domain = safe_eval(action.domain or "[]")
        rows = model.web_search_read(domain, self._view_fields(model, "list", action.view_id.id))["records"]
        self.assertTrue(rows, f"{xmlid} shows records")
        form = model.browse(rows[0]["id"]).web_read(self._view_fields(model, "form"))
        return rows, form[0]

    def test_spare_parts_open_without_quantities(self):
        rows, form = self._open("svcms_aftersales.action_svcms_spare_parts")
        self.assertIn("测试主控板", [row["name"] for row in rows])
        self.assertNotIn("qty_available", rows[0], "on-hand quantities need Inventory rights")
        self.assertIn("list_price", form)

    def test_serial_numbers_open_with_warranty(self):
        rows, form = self._open("svcms_aftersales.stock_lot_action_warranty")
        self.assertIn(self.lot_1.id, [row["id"] for row in rows])
        self.assertIn("warranty_status", rows[0])
        self.assertNotIn("partner_ids", rows[0], "customers are read from stock moves")
        self.assertNotIn("delivery_count", form, "stock counters need Inventory rights")
        self.assertIn("warranty_end_date", form)

    def test_parts_used_in_repairs_needs_inventory(self):
        menus = self.env["ir.ui.menu"].with_user(self.service_manager)._visible_menu_ids()
        self.assertNotIn(self.env.ref("svcms_aftersales.menu_aftersales_repair_part_consumption").id, menus)
        self.assertIn(self.env.ref("svcms_aftersales.menu_aftersales_spare_parts").id, menus)
        self.assertIn(self.env.ref("svcms_aftersales.menu_stock_lot_warranty").id, menus)
