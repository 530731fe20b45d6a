from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OperationsCase


@tagged("post_install", "-at_install")
class TestInstallationOnDelivery(OperationsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.appliance.installation_required = True
        cls.appliance.svcms_installation_checklist = "通电试机\n用户验收"

    def _installations(self, picking):
        return self.env["svcms.service.request"].search(
            [("installation_picking_id", "=", picking.id), ("request_type", "=", "installation")]
        )

    def test_validated_delivery_creates_one_request_per_serial(self):
        order, picking, _invoice = self._sell_and_deliver(self.appliance, self.lot_1, invoice=False)
        requests = self._installations(picking)
        self.assertEqual(len(requests), 1)
        self.assertEqual(requests.lot_id, self.lot_1)
        self.assertEqual(requests.partner_id, self.customer)
        self.assertEqual(requests.sale_order_id, order)
        self.assertEqual(requests.installation_check_ids.mapped("name"), ["通电试机", "用户验收"])

    def test_no_request_without_installation_flag(self):
        _order, picking, _invoice = self._sell_and_deliver(self.fridge, self.fridge_lot, invoice=False)
        self.assertFalse(self._installations(picking))

    def test_warehouse_user_validation_creates_request_once(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.appliance.id, "product_uom_qty": 2.0})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.picked = True
        picking.with_user(self.warehouse_user).button_validate()
        requests = self._installations(picking)
        self.assertEqual(requests.lot_id, self.lot_1 | self.lot_2, "one installation request per serial")
        picking._svcms_create_installations()
        self.assertEqual(len(self._installations(picking)), 2, "no duplicate when called again")

    def test_acceptance_needs_checklist_and_signature(self):
        _order, picking, _invoice = self._sell_and_deliver(self.appliance, self.lot_1, invoice=False)
        request = self._installations(picking)
        request.state = "in_progress"
        request.signature = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
        with self.assertRaises(UserError):
            request.action_done()
        request.installation_check_ids.is_done = True
        request.action_done()
        self.assertEqual(request.state, "done")
        self.assertTrue(request.installation_accepted)
