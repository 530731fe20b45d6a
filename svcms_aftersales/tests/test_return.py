from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import OperationsCase


@tagged("post_install", "-at_install")
class TestReturnOrder(OperationsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.delivery, cls.invoice = cls._sell_and_deliver(cls.appliance, cls.lot_1)
        cls.inspection = cls.warehouse._svcms_get_return_location()

    def _new_return(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "picking_id": self.delivery.id,
            "product_id": self.appliance.id,
            "lot_id": self.lot_1.id,
            "reason": "开机异响",
        }
        values.update(vals)
        return self.env["svcms.return.order"].with_user(user or self.billing_user).create(values)

    def _receive(self, return_order, result):
        return_order.action_create_return()
        return_order.action_receive()
        return_order.inspection_result = result
        return_order.action_inspect()
        return return_order

    def test_return_receipt_uses_odoo_return_into_inspection(self):
        ret = self._new_return()
        self.assertTrue(ret.name.startswith("RMA/"))
        self.assertEqual(ret.sale_order_id, self.order)
        ret.action_create_return()
        picking = ret.return_picking_id
        self.assertEqual(picking.return_id, self.delivery, "created by Odoo's return wizard")
        self.assertEqual(picking.location_dest_id, self.inspection)
        self.assertEqual(picking.move_ids.origin_returned_move_id, self.delivery.move_ids)
        self.assertEqual(picking.svcms_return_order_id, ret)
        self.assertEqual(ret.state, "waiting")
        ret.action_receive()
        self.assertEqual(picking.state, "done")
        self.assertEqual(ret.state, "received")
        self.assertEqual(self._lot_locations(self.lot_1), self.inspection)
        line = self.order.order_line
        self.assertEqual(line.qty_delivered, 0.0, "the returned unit is no longer counted as delivered")
        self.assertEqual(self.delivery.svcms_return_order_count, 1)
        self.assertEqual(self.order.svcms_return_order_count, 1)

    def test_resellable_goes_back_to_stock_and_refund_reverses_invoice(self):
        available_before = self.appliance.with_context(warehouse_id=self.warehouse.id).qty_available
        ret = self._receive(self._new_return(), "resellable")
        self.assertEqual(ret.state, "inspected")
        self.assertEqual(self._lot_locations(self.lot_1), self.stock_location)
        self.assertEqual(ret.restock_move_id.state, "done")
        self.assertEqual(
            self.appliance.with_context(warehouse_id=self.warehouse.id).qty_available, available_before + 1
        )
        self.assertEqual(ret.refund_amount, 3000.0)
        ret.action_refund()
        credit_note = ret.credit_note_id
        self.assertEqual(ret.state, "done")
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)
        self.assertEqual(credit_note.amount_total, 3000.0)
        self.assertEqual(credit_note.svcms_return_order_id, ret)
        self.assertEqual(self.order.order_line.qty_invoiced, 0.0, "the credit note is linked to the sale line")

    def test_scrap_moves_the_unit_to_scrap(self):
        ret = self._receive(self._new_return(), "scrap")
        self.assertEqual(ret.scrap_id.state, "done")
        self.assertEqual(self._lot_locations(self.lot_1), ret.scrap_id.scrap_location_id)
        self.assertEqual(self._lot_locations(self.lot_1).usage, "inventory")

    def test_exchange_delivers_another_serial(self):
        ret = self._receive(self._new_return(user=self.warehouse_user), "defective")
        self.assertEqual(self._lot_locations(self.lot_1), self.inspection, "defective units stay in inspection")
        ret.action_exchange()
        picking = ret.exchange_picking_id
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertEqual(picking.svcms_return_order_id, ret)
        move_line = picking.move_ids.move_line_ids
        self.assertEqual(move_line.lot_id, self.lot_2, "the only serial left in stock is reserved")
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(self._lot_locations(self.lot_2).usage, "customer")
        self.assertEqual(self.order.order_line.qty_delivered, 1.0, "the replacement counts as delivered")
        self.assertFalse(ret.credit_note_id)

    def test_repair_of_defective_unit(self):
        ret = self._receive(self._new_return(), "defective")
        ret.action_repair()
        repair = ret.repair_id
        self.assertEqual(repair.lot_id, self.lot_1)
        self.assertEqual(repair.partner_id, self.customer)
        self.assertEqual(repair.picking_id, ret.return_picking_id)
        self.assertEqual(repair.product_location_src_id, self.inspection)

    def test_reject_needs_reason_and_sends_unit_back(self):
        ret = self._new_return()
        ret.action_create_return()
        ret.action_receive()
        with self.assertRaises(UserError):
            ret.action_reject()
        ret.reject_reason = " "
        with self.assertRaises(UserError):
            ret.action_reject()
        # the decision is the workflow's: no client writes it, blank reason or not
        with self.assertRaises(UserError):
            ret.write({"decision": "reject", "reject_reason": "x"})
        self.assertEqual((ret.state, ret.decision), ("received", False))
        with self.assertRaises(ValidationError):
            ret._svcms_trusted().write({"decision": "reject", "reject_reason": " "})
        ret.reject_reason = "超过七日退货期且无质量问题"
        ret.action_reject()
        self.assertEqual(ret.state, "rejected")
        self.assertEqual(ret.decided_by_id, self.billing_user)
        self.assertEqual(ret.reject_picking_id.location_dest_id.usage, "customer")
        self.assertEqual(ret.reject_picking_id.move_ids.move_line_ids.lot_id, self.lot_1)

    def test_warehouse_user_cannot_refund(self):
        ret = self._receive(self._new_return(user=self.warehouse_user), "resellable")
        with self.assertRaises(AccessError):
            ret.action_refund()
        self.assertFalse(ret.credit_note_id)
        self.assertEqual(ret.state, "inspected")

    def test_refund_above_limit_needs_manager(self):
        order, delivery, invoice = self._sell_and_deliver(self.fridge, self.fridge_lot)
        self.company.svcms_refund_approval_limit = 5000.0
        ret = self._new_return(picking_id=delivery.id, product_id=self.fridge.id, lot_id=self.fridge_lot.id)
        self._receive(ret, "resellable")
        with self.assertRaises(UserError):
            ret.action_refund()
        ret.with_user(self.manager).action_refund()
        self.assertEqual(ret.credit_note_id.amount_total, 6000.0)
        self.assertEqual(ret.credit_note_id.reversed_entry_id, invoice)

    def test_serial_is_required_and_state_is_enforced(self):
        ret = self._new_return(lot_id=False)
        with self.assertRaises(UserError):
            ret.action_create_return()
        with self.assertRaises(UserError):
            ret.action_refund()

    def test_return_receives_only_the_returned_serial(self):
        """Two units delivered together, one comes back: the receipt receives that serial, once."""
        lot_3 = self._create_lot(self.appliance, "T-AC-0003")
        _order, delivery, _invoice = self.env["svcms.aftersales.demo.story"]._deliver_serial(
            self.customer, self.lot_2 | lot_3, invoice=False
        )
        for returned in (lot_3, self.lot_2):
            ret = self._new_return(picking_id=delivery.id, lot_id=returned.id, user=self.warehouse_user)
            ret.action_create_return()
            lines = ret.return_picking_id.move_ids.move_line_ids
            self.assertEqual((lines.lot_id, lines.quantity), (returned, 1.0))
            ret.action_receive()
            self.assertEqual(self._lot_locations(returned), self.inspection)
        self.assertFalse(self._lot_locations(self.lot_1) & self.inspection, "the first delivery stayed")

    def test_start_from_delivery(self):
        action = self.delivery.with_user(self.warehouse_user).action_svcms_create_return_order()
        self.assertEqual(action["res_model"], "svcms.return.order")
        self.assertEqual(action["context"]["default_lot_id"], self.lot_1.id)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    def test_technician_cannot_read_returns(self):
        ret = self._new_return()
        technician = new_test_user(
            self.env, login="ops_ret_tech", groups="svcms_aftersales.group_aftersales_technician"
        )
        with self.assertRaises(AccessError):
            ret.with_user(technician).read(["name"])
        self.assertEqual(ret.with_user(self.warehouse_user).read(["name"])[0]["name"], ret.name)
