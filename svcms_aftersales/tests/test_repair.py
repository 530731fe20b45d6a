from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import OperationsCase


@tagged("post_install", "-at_install")
class TestRepairFromRequest(OperationsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["stock.quant"]._update_available_quantity(cls.part, cls.stock_location, 10.0)
        cls.order, cls.delivery, cls.invoice = cls._sell_and_deliver(cls.appliance, cls.lot_1)

    def _request(self, **vals):
        values = {
            "partner_id": self.customer.id,
            "request_type": "repair_carry_in",
            "product_id": self.appliance.id,
            "lot_id": self.lot_1.id,
            "sale_order_id": self.order.id,
            "description": "<p>不制冷</p>",
            "part_line_ids": [Command.create({"product_id": self.part.id, "quantity": 1.0})],
        }
        values.update(vals)
        return self.env["svcms.service.request"].create(values)

    def test_repair_under_warranty_is_free(self):
        request = self._request()
        request.under_warranty = True
        request.action_svcms_create_repair()
        repair = request.repair_ids
        self.assertEqual(len(repair), 1)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.lot_id, self.lot_1)
        self.assertEqual(repair.partner_id, self.customer)
        self.assertEqual(repair.svcms_request_id, request)
        self.assertEqual(repair.move_ids.product_id, self.part, "parts used come from stock")
        self.assertEqual(repair.move_ids.repair_line_type, "add")
        self.assertFalse(repair.sale_order_id, "no quotation for a warranty repair")

    def test_paid_repair_is_quoted(self):
        request = self._request()
        request.under_warranty = False
        request.action_svcms_create_repair()
        repair = request.repair_ids
        self.assertFalse(repair.under_warranty)
        quotation = repair.sale_order_id
        self.assertTrue(quotation, "the paid repair is quoted through the repair's sale order")
        self.assertEqual(quotation.partner_id, self.customer)
        self.assertEqual(quotation.order_line.product_id, self.part)
        self.assertEqual(quotation.order_line.price_unit, 120.0)

    def test_repair_needs_serial(self):
        request = self._request(lot_id=False)
        with self.assertRaises(UserError):
            request.action_svcms_create_repair()

    def test_return_order_from_request_finds_delivery(self):
        request = self._request(request_type="return", part_line_ids=[])
        action = request.action_svcms_create_return_order()
        self.assertEqual(action["context"]["default_picking_id"], self.delivery.id)
        self.assertEqual(action["context"]["default_lot_id"], self.lot_1.id)


@tagged("post_install", "-at_install")
class TestMaintenancePlan(OperationsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-01-10"):
            cls._sell_and_deliver(cls.appliance, cls.lot_1, invoice=False)
            cls._sell_and_deliver(cls.appliance, cls.lot_2, invoice=False)
        cls.plan = cls.env["svcms.maintenance.plan"].create(
            {
                "name": "空调半年保养",
                "product_tmpl_id": cls.appliance.product_tmpl_id.id,
                "interval_months": 6,
                "lead_days": 10,
            }
        )

    def test_visits_due_once_per_interval(self):
        with freeze_time("2026-06-29"):
            requests, remaining = self.plan._generate_visits()
            self.assertFalse(requests, "not due before 10 days ahead of 2026-07-10")
        with freeze_time("2026-07-01"):
            requests, remaining = self.plan._generate_visits()
            self.assertEqual(len(requests), 2)
            self.assertEqual(remaining, 0)
            self.assertEqual(set(requests.mapped("request_type")), {"maintenance"})
            self.assertEqual(requests.lot_id, self.lot_1 | self.lot_2)
            self.assertEqual(set(requests.mapped("maintenance_due_date")), {fields.Date.to_date("2026-07-10")})
            self.assertEqual(requests.partner_id, self.customer)
            again, _remaining = self.plan._generate_visits()
            self.assertFalse(again, "generation is idempotent")
        with freeze_time("2027-01-05"):
            requests, _remaining = self.plan._generate_visits()
            self.assertEqual(set(requests.mapped("maintenance_due_date")), {fields.Date.to_date("2027-01-10")})
        self.assertEqual(self.plan.visit_count, 4)

    def test_batches_are_bounded(self):
        with freeze_time("2026-07-01"):
            first, remaining = self.plan._generate_visits(limit=1)
            self.assertEqual((len(first), remaining), (1, 1))
            second, remaining = self.plan._generate_visits(limit=1)
            self.assertEqual((len(second), remaining), (1, 0))
            self.assertNotEqual(first.lot_id, second.lot_id)

    def test_returned_serial_leaves_the_installed_base(self):
        self.env["stock.quant"]._update_available_quantity(
            self.appliance, self.env.ref("stock.stock_location_customers"), -1.0, lot_id=self.lot_2
        )
        with freeze_time("2026-07-01"):
            requests, _remaining = self.plan._generate_visits()
        self.assertEqual(requests.lot_id, self.lot_1)

    def test_only_managers_configure_plans(self):
        technician = new_test_user(
            self.env, login="ops_plan_tech", groups="svcms_aftersales.group_aftersales_technician"
        )
        self.assertEqual(self.plan.with_user(technician).name, "空调半年保养")
        with self.assertRaises(AccessError):
            self.plan.with_user(technician).write({"interval_months": 3})

    def _queries_of_due_visits(self):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.plan._due_visits(fields.Date.to_date("2026-07-01"))
        return self.cr.sql_log_count - before

    def test_due_visits_query_count_does_not_grow_with_installed_base(self):
        with freeze_time("2026-01-10"):
            small = self._queries_of_due_visits()
            for index in range(3, 8):
                lot = self._create_lot(self.appliance, f"T-AC-Q{index:03d}")
                self._sell_and_deliver(self.appliance, lot, invoice=False)
        self.assertEqual(len(self.plan._due_visits(fields.Date.to_date("2026-07-01"))), 7)
        self.assertLessEqual(self._queries_of_due_visits(), small)
