"""The warehouse clerk finds and fills return orders by scanning the serial number (#13 item 4), and the
new return order form can be saved step by step without fields flagged before the clerk reaches them."""

import xmlrpc.client

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import OperationsDataMixin

RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


@tagged("post_install", "-at_install")
class TestReturnScanSerial(OperationsDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()
        cls.order, cls.delivery, cls.invoice = cls._sell_and_deliver(cls.appliance, cls.lot_1)
        cls.other_customer = cls.env["res.partner"].create({"name": "测试客户 李女士"})
        cls.clerk = cls.warehouse_user
        cls.Return = cls.env["svcms.return.order"]

    def _form(self):
        return Form(self.Return.with_user(self.clerk))

    def _count(self):
        return self.Return.search_count([])

    def _rpc_create(self, vals):
        with mute_logger(RPC_LOGGER):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, self.clerk.id, self.clerk.login, "svcms.return.order", "create", [vals]
            )

    def _assert_rpc_refused(self, vals, message):
        count = self._count()
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http", RPC_LOGGER):
            self._rpc_create(vals)
        self.assertIn(message, caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(self._count(), count)

    # ------------------------------------------------------------------ filling the return
    def test_scanning_a_delivered_serial_fills_the_return(self):
        form = self._form()
        form.scan_serial = " T-AC-0001 "
        self.assertEqual(form.picking_id, self.delivery)
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.product_id, self.appliance)
        self.assertEqual(form.lot_id, self.lot_1)
        self.assertEqual(form.quantity, 1.0)
        self.assertFalse(form.scan_serial, "the field is cleared for the next scan")
        # saved step by step: first what the scan filled, then the reason
        ret = form.save()
        self.assertEqual(ret.state, "draft")
        self.assertEqual(ret.create_uid, self.clerk)
        self.assertEqual((ret.picking_id, ret.lot_id), (self.delivery, self.lot_1))
        with Form(ret.with_user(self.clerk)) as form:
            form.reason = "开机异响"
        self.assertEqual(ret.reason, "开机异响")
        ret.with_user(self.clerk).action_create_return()
        self.assertEqual(ret.state, "waiting")

    def test_scanner_on_the_form_fills_the_return(self):
        form = self._form()
        form._barcode_scanned = "T-AC-0001"
        self.assertEqual(form.lot_id, self.lot_1)
        self.assertEqual(form.picking_id, self.delivery)
        self.assertEqual(form.save().partner_id, self.customer)

    def test_scan_serial_by_rpc_creates_the_return(self):
        ret_id = self._rpc_create({"scan_serial": "T-AC-0001", "reason": "七日无理由"})
        ret = self.Return.browse(ret_id)
        self.assertEqual(ret.partner_id, self.customer)
        self.assertEqual((ret.picking_id, ret.product_id), (self.delivery, self.appliance))
        self.assertEqual(ret.lot_id, self.lot_1)
        self.assertEqual(ret.create_uid, self.clerk)

    def test_found_by_serial_in_the_list(self):
        ret = self.Return.create({"scan_serial": "T-AC-0001"})
        search = self.Return.with_user(self.clerk).search
        self.assertEqual(search([("lot_id.name", "ilike", "AC-0001")]), ret)
        arch = etree.fromstring(self.Return.with_user(self.clerk).get_view(view_type="search")["arch"])
        first = arch.xpath("//field")[0]
        self.assertEqual(first.get("name"), "lot_id", "a serial scanned into the search bar searches serials")
        self.assertIn("lot_id.name", first.get("filter_domain"))

    # ------------------------------------------------------------------ refusals
    def test_unknown_serial_is_refused(self):
        form = self._form()
        with self.assertRaisesRegex(UserError, "No unit with serial number NO-SUCH-9"):
            form.scan_serial = "NO-SUCH-9"
        self.assertFalse(form.lot_id)
        self._assert_rpc_refused({"scan_serial": "NO-SUCH-9"}, "No unit with serial number NO-SUCH-9")

    def test_serial_of_another_customer_is_refused(self):
        form = self._form()
        form.partner_id = self.other_customer
        with self.assertRaisesRegex(UserError, "was not delivered to 测试客户 李女士"):
            form.scan_serial = "T-AC-0001"
        self.assertFalse(form.lot_id)
        self.assertFalse(form.picking_id)
        self._assert_rpc_refused(
            {"scan_serial": "T-AC-0001", "partner_id": self.other_customer.id}, "was not delivered to"
        )

    def test_serial_still_in_stock_is_refused(self):
        with self.assertRaisesRegex(UserError, "is not at a customer"):
            self._form().scan_serial = "T-AC-0002"
        self._assert_rpc_refused({"scan_serial": "T-AC-0002"}, "is not at a customer")

    def test_serial_already_returned_is_refused(self):
        ret = self.Return.create({"scan_serial": "T-AC-0001"})
        with self.assertRaisesRegex(UserError, f"already being returned with {ret.name}"):
            self._form().scan_serial = "T-AC-0001"
        self._assert_rpc_refused({"scan_serial": "T-AC-0001"}, "already being returned")

    def test_submitted_return_takes_no_serial(self):
        ret = self.Return.with_user(self.clerk).create({"scan_serial": "T-AC-0001"})
        ret.action_create_return()
        with self.assertRaisesRegex(UserError, "Only a draft return order"):
            ret.write({"scan_serial": "T-AC-0001"})
        self.assertEqual(ret.state, "waiting")

    # ------------------------------------------------------------------ nothing flagged before the user acts
    def test_new_form_saved_step_by_step_serial_asked_at_submission(self):
        """The clerk fills the delivery first and saves; the serial is asked for when the receipt is created."""
        form = self._form()
        form.picking_id = self.delivery
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.product_id, self.appliance)
        ret = form.save()
        self.assertFalse(ret.lot_id)
        with self.assertRaisesRegex(UserError, "Select the serial number"):
            ret.with_user(self.clerk).action_create_return()
        self.assertEqual(ret.state, "draft")
        with Form(ret.with_user(self.clerk)) as form:
            form.lot_id = self.lot_1
            form.reason = "外观破损"
        ret.with_user(self.clerk).action_create_return()
        self.assertEqual(ret.state, "waiting")

    def test_inspection_result_is_asked_by_the_transition_not_the_view(self):
        """A received return opens without a red inspection result: "Confirm Inspection" asks for it."""
        arch = etree.fromstring(self.Return.with_user(self.clerk).get_view(view_type="form")["arch"])
        for name in ("inspection_result", "lot_id"):
            field = arch.xpath(f"//field[@name='{name}']")[0]
            self.assertFalse(field.get("required"), f"{name} is asked for by its transition")
        ret = self.Return.with_user(self.clerk).create({"scan_serial": "T-AC-0001"})
        ret.action_create_return()
        ret.action_receive()
        self.assertEqual(ret.state, "received")
        with self.assertRaisesRegex(UserError, "Record the inspection result"):
            ret.action_inspect()
        self.assertEqual(ret.state, "received")


@tagged("post_install", "-at_install")
class TestReturnNotesInCompanyLanguage(OperationsDataMixin, HttpCase):
    """The notes the return order's buttons post are read by everybody following it: company language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()
        cls._sell_and_deliver(cls.appliance, cls.lot_1)
        cls.zh = cls.env["res.lang"].with_context(active_test=False).search([("code", "=", "zh_CN")])
        cls.company.partner_id.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.warehouse_user.write({"lang": "en_US"})

    def test_return_receipt_note_in_company_language(self):
        self.assertTrue(self.zh.active, "zh_CN is loaded")
        ret = self.env["svcms.return.order"].with_user(self.warehouse_user).create({"scan_serial": "T-AC-0001"})
        ret.action_create_return()
        ret.env.invalidate_all()
        bodies = " ".join(str(body) for body in ret.sudo().message_ids.mapped("body"))
        self.assertIn("已创建退货入库单", bodies)
        self.assertNotIn("Return receipt", bodies)
