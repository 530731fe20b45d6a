from odoo.tests import HttpCase, new_test_user, tagged

from .common import OperationsDataMixin


@tagged("post_install", "-at_install")
class TestWarehouseReturnTour(OperationsDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()

    def test_warehouse_user_processes_return_to_credit_note(self):
        order, delivery, invoice = self._sell_and_deliver(self.appliance, self.lot_1)
        clerk = new_test_user(
            self.env,
            login="ops_tour_clerk",
            groups="stock.group_stock_user,svcms_aftersales.group_aftersales_returns,account.group_account_invoice",
        )
        return_order = self.env["svcms.return.order"].create(
            {
                "partner_id": self.customer.id,
                "picking_id": delivery.id,
                "product_id": self.appliance.id,
                "lot_id": self.lot_1.id,
                "reason": "七日内无理由退货",
                "user_id": clerk.id,
            }
        )
        self.start_tour(
            f"/odoo/action-svcms_aftersales.action_svcms_return_order/{return_order.id}",
            "svcms_warehouse_return_tour",
            login=clerk.login,
        )
        return_order.invalidate_recordset()
        credit_note = return_order.credit_note_id
        self.assertEqual(return_order.state, "done")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.amount_total, 3000.0)
        self.assertEqual(self._lot_locations(self.lot_1), self.warehouse.lot_stock_id)
        self.assertEqual(order.order_line.qty_invoiced, 0.0)
