from datetime import date

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import AftersalesRequestsCase


@tagged("post_install", "-at_install")
class TestWarrantyEntitlement(AftersalesRequestsCase):
    """三包 boundaries counted from the delivery date of the serial (day 0 = delivery day)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._lots(1, "WAR")
        cls._deliver(cls.lot, "2026-03-01 10:00:00")

    def test_start_date_is_delivery_date(self):
        self.assertEqual(self.lot.warranty_start_date, date(2026, 3, 1))
        self.assertEqual(self.lot.warranty_policy_id, self.policy)
        self.assertEqual(self.lot.warranty_end_date, date(2027, 2, 28))
        self.assertEqual(self.lot.main_parts_warranty_end_date, date(2029, 2, 28))

    def test_return_window_day_7_vs_day_8(self):
        self.assertEqual(self.lot._svcms_entitlement(date(2026, 3, 8)), "return")
        self.assertEqual(self.lot._svcms_entitlement(date(2026, 3, 9)), "exchange")

    def test_exchange_window_day_15_vs_day_16(self):
        self.assertEqual(self.lot._svcms_entitlement(date(2026, 3, 16)), "exchange")
        self.assertEqual(self.lot._svcms_entitlement(date(2026, 3, 17)), "free_repair")

    def test_last_warranty_day_vs_day_after(self):
        self.assertEqual(self.lot._svcms_entitlement(date(2027, 2, 28)), "free_repair")
        self.assertEqual(self.lot._svcms_entitlement(date(2027, 3, 1)), "paid_repair")
        # a main part fault stays free until the end of the main parts warranty
        self.assertEqual(self.lot._svcms_entitlement(date(2027, 3, 1), main_part=True), "free_repair")
        self.assertEqual(self.lot._svcms_entitlement(date(2029, 3, 1), main_part=True), "paid_repair")

    def test_status_follows_today(self):
        for today, status in (
            ("2026-03-08", "return_window"),
            ("2026-03-16", "exchange_window"),
            ("2027-02-28", "in_warranty"),
            ("2027-03-01", "expired"),
        ):
            with freeze_time(today):
                self.env.invalidate_all()
                self.assertEqual(self.lot.warranty_status, status, today)

    def test_two_failed_warranty_repairs_give_exchange_or_return(self):
        Repair = self.env["repair.order"]
        for _i in range(2):
            self.assertEqual(self.lot._svcms_entitlement(date(2026, 6, 1)), "free_repair")
            repair = Repair.create(
                {
                    "product_id": self.product.id,
                    "lot_id": self.lot.id,
                    "partner_id": self.customer.id,
                    "under_warranty": True,
                }
            )
            repair.action_repair_start()
            repair.action_repair_end()
            self.assertEqual(repair.state, "done")
            self.env.invalidate_all()
        self.assertEqual(self.lot.failed_repair_count, 2)
        self.assertEqual(self.lot._svcms_entitlement(date(2026, 6, 1)), "failed_repairs_exchange_or_return")
        # after the warranty the rule no longer applies
        self.assertEqual(self.lot._svcms_entitlement(date(2027, 3, 1)), "paid_repair")

    def test_paid_repairs_are_not_failed_warranty_repairs(self):
        repair = self.env["repair.order"].create(
            {"product_id": self.product.id, "lot_id": self.lot.id, "partner_id": self.customer.id}
        )
        repair.action_repair_start()
        repair.action_repair_end()
        self.env.invalidate_all()
        self.assertEqual(self.lot.failed_repair_count, 0)

    def test_invoice_date_fallback_without_delivery(self):
        lot = self._lots(1, "INV")
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(self.product, warehouse.lot_stock_id, 1, lot_id=lot)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, lot, "the serial is reserved, not delivered")
        invoice = order._create_invoices()
        invoice.invoice_date = date(2026, 4, 10)
        invoice.action_post()
        self.env.invalidate_all()
        self.assertEqual(lot.warranty_start_date, date(2026, 4, 10))
        self.assertEqual(lot._svcms_entitlement(date(2026, 4, 17)), "return")
        self.assertEqual(lot._svcms_entitlement(date(2026, 4, 18)), "exchange")
        self.assertEqual(order.order_line.svcms_warranty_end_date, date(2027, 4, 9))

    def test_undelivered_serial_has_no_entitlement(self):
        lot = self._lots(1, "NEW")
        self.assertEqual(lot.warranty_status, "not_delivered")
        self.assertEqual(lot._svcms_entitlement(date(2026, 3, 2)), "none")

    def test_sale_line_shows_warranty_end(self):
        line = self.lot._svcms_sale_lines()
        self.assertEqual(len(line), 1)
        self.assertEqual(line.svcms_warranty_start_date, date(2026, 3, 1))
        self.assertEqual(line.svcms_warranty_end_date, date(2027, 2, 28))

    def test_policy_resolution_product_before_category_before_default(self):
        Policy = self.env["svcms.warranty.policy"]
        sub = self.env["product.category"].create({"name": "Sub", "parent_id": self.categ.id})
        product = self.env["product.product"].create({"name": "Sub AC", "categ_id": sub.id})
        self.assertEqual(Policy._policy_by_product(product)[product.id], self.policy, "inherited from the parent")
        own = Policy.create({"name": "Own", "product_tmpl_id": product.product_tmpl_id.id, "warranty_months": 24})
        self.assertEqual(Policy._policy_by_product(product)[product.id], own)

    def test_invalid_windows_are_refused(self):
        with self.assertRaises(ValidationError):
            self.policy.exchange_days = 5
        with self.assertRaises(ValidationError):
            self.policy.main_parts_warranty_months = 6

    def test_warranty_status_query_count_does_not_grow(self):
        lots = self._lots(100, "QC")
        self._deliver(lots, "2026-05-01 09:00:00")
        for batch in (lots[:10], lots):
            self.env.invalidate_all()
            batch = self.env["stock.lot"].browse(batch.ids)
            with self.assertQueryCount(8):
                statuses = set(batch.mapped("warranty_status"))
            self.assertTrue(statuses <= {"return_window", "exchange_window", "in_warranty", "expired"})
