from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import OperationsDataMixin


@tagged("post_install", "-at_install")
class TestSparePartPriceList(OperationsDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()
        cls.part.product_tmpl_id.write(
            {"svcms_is_spare_part": True, "svcms_part_published": True, "default_code": "PCB-T01"}
        )
        cls.hidden_part = cls._create_product("测试内部件 未公示", 88.0, tracking="none")
        cls.hidden_part.svcms_is_spare_part = True
        cls.appliance.product_tmpl_id.svcms_spare_part_ids = [Command.link(cls.part.id)]
        cls.env["stock.quant"]._update_available_quantity(cls.part, cls.stock_location, 7.0)

    def test_compatible_parts_and_stock(self):
        template = self.part.product_tmpl_id
        self.assertEqual(template.svcms_part_compatible_tmpl_ids, self.appliance.product_tmpl_id)
        self.assertEqual(self.appliance.product_tmpl_id.svcms_spare_part_ids.qty_available, 7.0)

    def test_public_price_list_shows_published_parts_only(self):
        response = self.url_open("/spare-parts")
        self.assertEqual(response.status_code, 200)
        self.assertIn("测试主控板", response.text)
        self.assertIn("PCB-T01", response.text)
        self.assertIn("120.00", response.text)
        self.assertIn("测试空调 KFR-26", response.text, "the compatible product is listed")
        self.assertNotIn("测试内部件", response.text)
