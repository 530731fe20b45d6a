"""Server-side integrity of returns, recalls and customer relationship records (#8).

Every refusal is tried as the acting (non-admin) user, through the ORM and through XML-RPC, and then the
test checks that nothing was written: stock, credit notes, amounts and statuses stay as they were.
"""

import contextlib
import xmlrpc.client
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import OperationsCase, OperationsDataMixin, RelationshipCase

RETURN_LOGGER = "odoo.addons.svcms_aftersales.models.return_visit"


class RefusalMixin:
    """``assertRaisesRegex`` in a savepoint, like Odoo's ``assertRaises``: a refused create or write that
    already reached the database is rolled back, so the checks after it see what really stays."""

    @contextlib.contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex):
        with self.assertRaises(expected_exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), expected_regex)


class ReturnIntegrityMixin(RefusalMixin, OperationsDataMixin):
    @classmethod
    def _setup_integrity_data(cls):
        cls.company.svcms_refund_approval_limit = 5000.0
        cls.inspection = cls.warehouse._svcms_get_return_location()
        cls.as_billing_user = new_test_user(
            cls.env,
            login="int_as_billing",
            password="int_as_billing_pw",
            groups="stock.group_stock_user,svcms_aftersales.group_aftersales_user,account.group_account_invoice",
        )
        cls.stock_only_user = new_test_user(cls.env, login="int_stock_only", groups="stock.group_stock_user")
        # two foreign currencies: the refund limit is in the company currency
        cls.strong_currency = cls._create_currency("SVA", rate=0.125)  # 1 SVA = 8 units of company currency
        cls.weak_currency = cls._create_currency("SVB", rate=2.0)  # 1 SVB = 0.5 unit of company currency

    @classmethod
    def _create_currency(cls, name, rate):
        """A currency worth 1/rate units of the company currency (Odoo's rates are relative to a base
        currency, which need not be the company's: the Chinese demo company keeps its books in CNY)."""
        currency = cls.env["res.currency"].create({"name": name, "symbol": name, "rounding": 0.01})
        company_currency = cls.company.currency_id
        company_rate = company_currency._get_rates(cls.company, fields.Date.today())[company_currency.id]
        cls.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "rate": rate * company_rate,
                "name": date(2000, 1, 1),
                "company_id": cls.company.id,
            }
        )
        return currency

    @classmethod
    def _sell_and_deliver_foreign(cls, product, lot, currency, price):
        pricelist = cls.env["product.pricelist"].create({"name": f"价目表 {currency.name}", "currency_id": currency.id})
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "warehouse_id": cls.warehouse.id,
                "pricelist_id": pricelist.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1.0, "price_unit": price})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        move = picking.move_ids
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_id": lot.id,
                            "quantity": 1.0,
                            "product_uom_id": product.uom_id.id,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": picking.location_dest_id.id,
                            "picking_id": picking.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        picking.button_validate()
        invoice = order._create_invoices()
        invoice.action_post()
        return order, picking, invoice

    @classmethod
    def _sell_and_deliver_quantity(cls, product, quantity):
        """An untracked product sold and delivered ``quantity`` times in one delivery line."""
        cls.env["stock.quant"]._update_available_quantity(product, cls.stock_location, quantity)
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "warehouse_id": cls.warehouse.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": quantity})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        return order, picking

    def _return_values(self, picking, product, lot=None, **values):
        return {
            "partner_id": self.customer.id,
            "picking_id": picking.id,
            "product_id": product.id,
            "lot_id": lot.id if lot else False,
            "reason": "质量问题退货",
            **values,
        }

    def _inspected_return(self, picking, product, lot, user):
        ret = self.env["svcms.return.order"].with_user(user).create(self._return_values(picking, product, lot))
        ret.action_create_return()
        ret.action_receive()
        ret.inspection_result = "resellable"
        ret.action_inspect()
        return ret

    def _credit_notes(self):
        return self.env["account.move"].search_count([("move_type", "=", "out_refund")])


@tagged("post_install", "-at_install")
class TestReturnIntegrity(ReturnIntegrityMixin, OperationsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_integrity_data()
        cls.order, cls.delivery, cls.invoice = cls._sell_and_deliver(cls.appliance, cls.lot_1)

    # ------------------------------------------------------------------ frozen once submitted
    def test_returned_goods_are_frozen_once_submitted(self):
        Return = self.env["svcms.return.order"].with_user(self.warehouse_user)
        ret = Return.create(self._return_values(self.delivery, self.appliance, self.lot_1))
        ret.reason = "开机异响，七日内退货"  # a draft is freely edited
        ret.action_create_return()
        self.assertEqual((ret.state, ret.submitted_by_id), ("waiting", self.warehouse_user))
        amount = ret.refund_amount
        for values in (
            {"quantity": 0.5},
            {"lot_id": self.lot_2.id},
            {"product_id": self.fridge.id},
            {"picking_id": self.delivery.id},
            {"return_date": date(2020, 1, 1)},
            {"partner_id": self.customer.copy().id},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "can no longer change"):
                ret.write(values)
        ret.invalidate_recordset()
        self.assertEqual((ret.quantity, ret.lot_id, ret.refund_amount), (1.0, self.lot_1, amount))

    def test_status_documents_and_amount_are_written_by_the_workflow_only(self):
        ret = (
            self.env["svcms.return.order"]
            .with_user(self.billing_user)
            .create(self._return_values(self.delivery, self.appliance, self.lot_1))
        )
        fake_credit_note = self.invoice.copy()
        for values in (
            {"state": "done"},
            {"decision": "refund"},
            {"credit_note_id": fake_credit_note.id},
            {"refund_amount": 1.0},
            {"decided_by_id": self.manager.id},
            {"return_picking_id": self.delivery.id},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "workflow buttons"):
                ret.write(values)
        with self.assertRaisesRegex(UserError, "workflow buttons"):
            self.env["svcms.return.order"].with_user(self.billing_user).create(
                self._return_values(self.delivery, self.appliance, self.lot_1, state="inspected")
            )
        ret.invalidate_recordset()
        self.assertEqual((ret.state, ret.decision, ret.credit_note_id), ("draft", False, self.env["account.move"]))
        self.assertEqual(ret.refund_amount, 3000.0)

    def test_inspection_result_is_recorded_while_received_only(self):
        ret = self._inspected_return(self.delivery, self.appliance, self.lot_1, self.warehouse_user)
        self.assertEqual(ret.inspected_by_id, self.warehouse_user)
        with self.assertRaisesRegex(UserError, "can no longer change"):
            ret.inspection_result = "defective"
        with self.assertRaisesRegex(UserError, "defective"):
            ret.action_repair()
        self.assertFalse(ret.can_repair)
        self.assertEqual((ret.state, ret.inspection_result, ret.repair_id.id), ("inspected", "resellable", False))

    # ------------------------------------------------------------------ cumulative quantity
    def test_cumulative_return_never_exceeds_the_delivered_quantity(self):
        order, delivery = self._sell_and_deliver_quantity(self.part, 2.0)
        Return = self.env["svcms.return.order"].with_user(self.warehouse_user)
        first = Return.create(self._return_values(delivery, self.part, quantity=1.0))
        with self.assertRaisesRegex(ValidationError, "delivered 2.0"):
            Return.create(self._return_values(delivery, self.part, quantity=1.5))
        second = Return.create(self._return_values(delivery, self.part, quantity=1.0))
        with self.assertRaisesRegex(ValidationError, "take back 3.0"):
            Return.create(self._return_values(delivery, self.part, quantity=1.0))
        with self.assertRaisesRegex(ValidationError, "take back 2.5"):
            second.quantity = 1.5
        first.action_create_return()
        self.assertEqual(Return.search_count([("picking_id", "=", delivery.id)]), 2)
        self.assertEqual(self.env["stock.picking"].search_count([("return_id", "=", delivery.id)]), 1)
        # a cancelled return gives its quantity back
        first.action_cancel()
        third = Return.create(self._return_values(delivery, self.part, quantity=1.0))
        self.assertEqual(third.state, "draft")

    def test_a_serial_is_returned_once_and_only_from_its_delivery(self):
        Return = self.env["svcms.return.order"].with_user(self.warehouse_user)
        Return.create(self._return_values(self.delivery, self.appliance, self.lot_1))
        with self.assertRaisesRegex(ValidationError, "T-AC-0001"):
            Return.create(self._return_values(self.delivery, self.appliance, self.lot_1))
        with self.assertRaisesRegex(ValidationError, "T-AC-0002"):
            Return.create(self._return_values(self.delivery, self.appliance, self.lot_2))
        with self.assertRaisesRegex(ValidationError, "delivered 0"):
            Return.create(self._return_values(self.delivery, self.fridge, self.fridge_lot))
        self.assertEqual(self._lot_locations(self.lot_1).usage, "customer", "nothing came back")
        self.assertEqual(Return.search_count([("picking_id", "=", self.delivery.id)]), 1)

    # ------------------------------------------------------------------ refunds
    def test_warehouse_clerk_prepares_but_never_refunds(self):
        ret = self._inspected_return(self.delivery, self.appliance, self.lot_1, self.warehouse_user)
        before = self._credit_notes()
        self.assertFalse(ret.can_refund)
        with self.assertRaises(AccessError):
            ret.action_refund()
        self.assertEqual((ret.state, ret.credit_note_id.id, self._credit_notes()), ("inspected", False, before))

    def test_billing_user_refunds_with_own_rights(self):
        ret = self._inspected_return(self.delivery, self.appliance, self.lot_1, self.billing_user)
        self.assertTrue(ret.can_refund)
        ret.action_refund()
        credit_note = ret.credit_note_id
        self.assertEqual((credit_note.state, credit_note.amount_total), ("posted", 3000.0))
        self.assertEqual(credit_note.create_uid, self.billing_user)
        self.assertEqual((ret.decided_by_id, ret.decision, ret.state), (self.billing_user, "refund", "done"))

    def test_refund_limit_is_compared_in_company_currency(self):
        # 1,000 SVA = 8,000 in the company currency: above the limit of 5,000, although 1,000 < 5,000.
        lot = self._create_lot(self.appliance, "T-AC-FX-01")
        __, delivery, invoice = self._sell_and_deliver_foreign(self.appliance, lot, self.strong_currency, 1000.0)
        ret = self._inspected_return(delivery, self.appliance, lot, self.billing_user)
        self.assertEqual((ret.currency_id, ret.refund_amount), (self.strong_currency, 1000.0))
        self.assertAlmostEqual(ret.refund_amount_company, 8000.0)
        before = self._credit_notes()
        self.assertFalse(ret.can_refund)
        with self.assertRaisesRegex(UserError, "approval limit"):
            ret.action_refund()
        self.assertEqual((ret.state, ret.credit_note_id.id, self._credit_notes()), ("inspected", False, before))
        # The after-sales manager (no billing rights) approves it: a credit note of 1,000 SVA.
        ret.with_user(self.manager).action_refund()
        credit_note = ret.credit_note_id
        self.assertEqual((credit_note.state, credit_note.currency_id), ("posted", self.strong_currency))
        self.assertEqual((credit_note.amount_total, credit_note.reversed_entry_id), (1000.0, invoice))
        self.assertEqual(ret.decided_by_id, self.manager)

    def test_refund_in_weak_currency_below_limit_after_conversion(self):
        # 6,000 SVB = 3,000 in the company currency: within the limit, although 6,000 > 5,000.
        lot = self._create_lot(self.fridge, "T-RF-FX-01")
        __, delivery, __ = self._sell_and_deliver_foreign(self.fridge, lot, self.weak_currency, 6000.0)
        ret = self._inspected_return(delivery, self.fridge, lot, self.billing_user)
        self.assertAlmostEqual(ret.refund_amount_company, 3000.0)
        ret.action_refund()
        self.assertEqual(
            (ret.credit_note_id.amount_total, ret.credit_note_id.currency_id), (6000.0, self.weak_currency)
        )

    def test_refund_above_limit_needs_the_manager(self):
        __, delivery, invoice = self._sell_and_deliver(self.fridge, self.fridge_lot)
        ret = self._inspected_return(delivery, self.fridge, self.fridge_lot, self.billing_user)
        for user in (self.billing_user, self.as_billing_user):
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "approval limit"):
                ret.with_user(user).action_refund()
        self.assertEqual((ret.state, ret.credit_note_id.id), ("inspected", False))
        self.assertFalse(invoice.reversal_move_ids)
        ret.with_user(self.manager).action_refund()
        self.assertEqual((ret.credit_note_id.amount_total, ret.credit_note_id.state), (6000.0, "posted"))
        self.assertEqual(ret.credit_note_id.reversed_entry_id, invoice)

    def test_negative_limits_and_prices_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.svcms_refund_approval_limit = -1.0
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["res.config.settings"].create({"svcms_refund_approval_limit": -100.0}).execute()
        self.assertEqual(self.company.svcms_refund_approval_limit, 5000.0)
        self.part.product_tmpl_id.svcms_is_spare_part = True
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.part.product_tmpl_id.list_price = -5.0
        self.assertEqual(self.part.list_price, 120.0)

    # ------------------------------------------------------------------ evidence
    def test_decided_return_is_evidence(self):
        ret = self._inspected_return(self.delivery, self.appliance, self.lot_1, self.billing_user)
        ret.action_refund()
        with self.assertRaisesRegex(UserError, "evidence"):
            ret.with_user(self.manager).unlink()
        self.assertTrue(ret.exists())

    def test_draft_return_may_be_deleted(self):
        ret = (
            self.env["svcms.return.order"]
            .with_user(self.warehouse_user)
            .create(self._return_values(self.delivery, self.appliance, self.lot_1))
        )
        ret.with_user(self.manager).unlink()
        self.assertFalse(ret.exists())

    # ------------------------------------------------------------------ least privilege
    def test_returns_clerk_sees_only_the_requests_of_their_returns(self):
        self.customer.phone = "13800138000"
        Request = self.env["svcms.service.request"]
        handled, other = Request.create(
            [
                {"partner_id": self.customer.id, "request_type": "return", "product_id": self.appliance.id},
                {"partner_id": self.customer.id, "request_type": "repair_onsite", "description": "<p>私密故障描述</p>"},
            ]
        )
        clerk_requests = Request.with_user(self.warehouse_user)
        self.assertFalse(clerk_requests.search([("id", "in", (handled | other).ids)]))
        # a return cannot be tied to another customer's request to read it
        stranger = Request.create({"partner_id": self.env["res.partner"].create({"name": "陌生客户"}).id})
        Return = self.env["svcms.return.order"].with_user(self.warehouse_user)
        with self.assertRaisesRegex(ValidationError, "is not about"):
            Return.create(self._return_values(self.delivery, self.appliance, self.lot_1, request_id=stranger.id))
        ret = Return.create(self._return_values(self.delivery, self.appliance, self.lot_1, request_id=handled.id))
        self.assertEqual(clerk_requests.search([("id", "in", (handled | other | stranger).ids)]), handled)
        self.assertEqual(handled.with_user(self.warehouse_user).partner_phone, "13800138000")
        with self.assertRaises(AccessError):
            other.with_user(self.warehouse_user).read(["description"])
        # once the return is cancelled, the request is out of sight again
        ret.action_cancel()
        self.assertFalse(clerk_requests.search([("id", "=", handled.id)]))

    def test_inventory_user_without_returns_group_sees_no_return_nor_request(self):
        ret = self.env["svcms.return.order"].create(self._return_values(self.delivery, self.appliance, self.lot_1))
        with self.assertRaises(AccessError):
            ret.with_user(self.stock_only_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["svcms.service.request"].with_user(self.stock_only_user).search([])
        # validating the return receipt from Inventory still moves the return order on
        ret.action_create_return()
        picking = ret.return_picking_id.with_user(self.stock_only_user)
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual((ret.state, ret.received_by_id), ("received", self.stock_only_user))


@tagged("post_install", "-at_install")
class TestRelationshipEvidence(RefusalMixin, RelationshipCase):
    """Recalls, visits, funds, disclosures and disposals keep their history."""

    def test_recall_with_contacted_customers_is_never_deleted(self):
        recall = (
            self.env["svcms.recall"]
            .with_user(self.as_user)
            .create({"title": "测试召回 证据", "product_id": self.air_conditioner.id})
        )
        line = (
            self.env["svcms.recall.line"]
            .with_user(self.as_user)
            .create({"recall_id": recall.id, "partner_id": self.zhang.id})
        )
        with self.assertRaisesRegex(UserError, "workflow buttons"):
            line.write({"contacted": True})
        line.action_mark_contacted()
        self.assertEqual((line.contacted, line.contacted_by_id), (True, self.as_user))
        recall.action_cancel()
        with self.assertRaisesRegex(UserError, "evidence"):
            recall.with_user(self.as_manager).unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            line.with_user(self.as_manager).unlink()
        self.assertTrue(recall.exists() and line.exists())
        # a draft recall nobody was told about is removed freely
        empty = self.env["svcms.recall"].create({"title": "草稿召回", "product_id": self.fridge.id})
        empty.with_user(self.as_manager).unlink()
        self.assertFalse(empty.exists())

    def test_recall_scope_is_frozen_once_started(self):
        recall = (
            self.env["svcms.recall"]
            .with_user(self.as_user)
            .create(
                {
                    "title": "测试召回 范围",
                    "product_id": self.air_conditioner.id,
                    "scope": "production_dates",
                    "production_date_from": date(2026, 1, 1),
                    "production_date_to": date(2026, 1, 31),
                }
            )
        )
        recall.action_open()
        self.assertEqual((recall.state, recall.opened_by_id), ("open", self.as_user))
        with self.assertRaisesRegex(UserError, "can no longer change"):
            recall.production_date_to = date(2026, 12, 31)
        with self.assertRaisesRegex(UserError, "workflow buttons"):
            recall.state = "done"
        self.assertEqual(recall.production_date_to, date(2026, 1, 31))

    def test_completed_visit_is_evidence(self):
        Visit = self.env["svcms.return.visit"].with_user(self.as_user)
        visit = Visit.create({"name": "回访 证据", "partner_id": self.zhang.id, "planned_date": fields.Date.today()})
        visit.satisfaction = 2
        visit.action_done()
        self.assertEqual(visit.done_by_id, self.as_user)
        with self.assertRaisesRegex(UserError, "can no longer change"):
            visit.satisfaction = 5
        with self.assertRaisesRegex(UserError, "evidence"):
            visit.with_user(self.as_manager).unlink()
        self.assertEqual((visit.exists(), visit.satisfaction), (visit, 2))
        planned = Visit.create({"name": "回访 待删", "partner_id": self.li.id, "planned_date": fields.Date.today()})
        planned.with_user(self.as_manager).unlink()
        self.assertFalse(planned.exists())

    def test_posted_fund_costs_are_evidence(self):
        year = fields.Date.today().year - 7
        fund = self.env["svcms.service.fund"].create({"year": year})
        Line = self.env["svcms.service.fund.line"].with_user(self.as_user)
        posted, draft = Line.create(
            [
                {"fund_id": fund.id, "name": "已入账维修费", "amount": 100.0, "date": date(year, 3, 1)},
                {"fund_id": fund.id, "name": "草稿费用", "amount": 50.0, "date": date(year, 3, 2)},
            ]
        )
        posted.action_post()
        self.assertEqual(fund.consumed_amount, 100.0)
        with self.assertRaisesRegex(UserError, "can no longer change"):
            posted.amount = 1.0
        with self.assertRaisesRegex(UserError, "evidence"):
            posted.with_user(self.as_manager).unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            fund.with_user(self.as_manager).unlink()
        with self.assertRaises(AccessError):
            posted.action_cancel()  # a manager's correction
        posted.with_user(self.as_manager).action_cancel()
        self.assertEqual((posted.exists(), posted.amount, fund.consumed_amount), (posted, 100.0, 0.0))
        draft.with_user(self.as_manager).unlink()
        self.assertFalse(draft.exists())
        with self.assertRaisesRegex(ValidationError, "positive"):
            Line.create({"fund_id": fund.id, "name": "负数", "amount": -1.0, "date": date(year, 3, 3)})
        with self.assertRaisesRegex(ValidationError, "negative"):
            fund.with_user(self.as_manager).compensation_reserve = -10.0

    def test_published_disclosure_is_withdrawn_before_it_changes(self):
        disclosure = (
            self.env["svcms.defect.disclosure"]
            .with_user(self.as_user)
            .create(
                {
                    "name": "测试缺陷公告",
                    "product_id": self.fridge.id,
                    "description": "<p>门封条老化</p>",
                    "risk": "漏冷",
                    "remedy": "免费更换",
                }
            )
        )
        disclosure.action_publish()
        self.assertEqual((disclosure.published, disclosure.published_by_id), (True, self.as_user))
        with self.assertRaisesRegex(UserError, "can no longer change"):
            disclosure.risk = "无风险"
        with self.assertRaisesRegex(UserError, "evidence"):
            disclosure.with_user(self.as_manager).unlink()
        disclosure.action_unpublish()
        disclosure.risk = "漏冷，食品变质"
        self.assertEqual((disclosure.state, disclosure.published), ("withdrawn", False))

    def test_disposed_record_is_fixed(self):
        disposal = (
            self.env["svcms.disposal"]
            .with_user(self.as_user)
            .create({"product_id": self.fridge.id, "quantity": 1.0, "method": "recycling"})
        )
        disposal.action_done()
        with self.assertRaisesRegex(UserError, "can no longer change"):
            disposal.quantity = 5.0
        disposal.notes = "回收联单 2026-001"
        with self.assertRaises(AccessError):
            disposal.action_reset_to_draft()
        self.assertEqual((disposal.state, disposal.quantity, disposal.done_by_id), ("done", 1.0, self.as_user))

    def test_care_event_lifecycle(self):
        event = self.env["svcms.care.event"].with_user(self.as_user).create({"name": "测试关怀活动"})
        with self.assertRaisesRegex(UserError, "workflow buttons"):
            event.state = "done"
        with self.assertRaisesRegex(UserError, "this step needs"):
            event.action_done()
        self.assertIs(event.action_start(), True)
        event.action_done()
        self.assertEqual((event.state, event.done_by_id), ("done", self.as_user))
        with self.assertRaisesRegex(UserError, "evidence"):
            event.with_user(self.as_manager).unlink()


@tagged("post_install", "-at_install")
class TestReturnVisitCronRobustness(RelationshipCase):
    """One broken visit never stops the daily job, and is never silently retried forever."""

    def test_one_broken_visit_is_skipped_and_reported(self):
        Visit = self.env["svcms.return.visit"]
        today = fields.Date.context_today(Visit)
        Visit.search([("state", "=", "planned")]).planned_date = today
        overdue = Visit.create(
            [
                {"name": f"回访 超期 {n}", "partner_id": self.zhang.id, "planned_date": today - timedelta(days=10 + n)}
                for n in range(4)
            ]
        )
        broken = overdue[3]  # the oldest: first in line
        # Break it for real: the database refuses to mark this one visit missed.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE svcms_return_visit ADD CONSTRAINT svcms_test_broken_visit"
                " CHECK (id != %s OR state != 'missed')",
                broken.id,
            )
        )
        with self.assertLogs(RETURN_LOGGER, level="ERROR") as logs, mute_logger("odoo.sql_db"):
            self.assertEqual(Visit._mark_missed_visits(batch_size=2), (1, 2))
        self.assertIn(str(broken.id), logs.output[0])
        self.assertEqual(broken.state, "planned")
        self.assertEqual(broken.cron_failure_count, 1)
        self.assertIn("svcms_test_broken_visit", broken.cron_failure_message)
        # the note is in the language of the company (whoever follows the visit reads it)
        note_start = (
            broken._svcms_for_company()
            .env._(
                "The daily job could not mark this visit missed: %s. It will try again on its next run; "
                "please check the visit.",
                "\x00",
            )
            .split("\x00")[0]
        )
        self.assertTrue(broken.message_ids.filtered(lambda m: note_start in (m.body or "")))
        # the next run goes past the broken visit: the others first, then it is tried again and counted again
        with self.assertLogs(RETURN_LOGGER, level="ERROR"), mute_logger("odoo.sql_db"):
            self.assertIs(Visit._cron_mark_missed_visits(batch_size=10), True)
        self.assertEqual(set((overdue - broken).mapped("state")), {"missed"})
        self.assertEqual((broken.state, broken.cron_failure_count), ("planned", 2))
        with self.assertLogs(RETURN_LOGGER, level="ERROR"), mute_logger("odoo.sql_db"):
            self.assertEqual(Visit._mark_missed_visits(batch_size=10), (0, 0))
        self.assertEqual(broken.cron_failure_count, 3)
        self.assertEqual(len(broken.message_ids.filtered(lambda m: note_start in (m.body or ""))), 1)
        # once repaired, it is processed like the others
        self.env.cr.execute(SQL("ALTER TABLE svcms_return_visit DROP CONSTRAINT svcms_test_broken_visit"))
        self.assertEqual(Visit._mark_missed_visits(batch_size=10), (1, 0))
        self.assertEqual(broken.state, "missed")


@tagged("post_install", "-at_install")
class TestReturnIntegrityRpc(ReturnIntegrityMixin, HttpCase):
    """The same rules through XML-RPC: a client that skips the form gets a fault and changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_operations_data()
        cls._setup_integrity_data()
        for user in (cls.warehouse_user, cls.billing_user, cls.manager):
            user.password = f"{user.login}_pw"
        cls.order, cls.delivery, cls.invoice = cls._sell_and_deliver(cls.fridge, cls.fridge_lot)

    def _rpc(self, user, model, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, f"{user.login}_pw", model, method, args, kwargs or {}
        )

    def _refused(self, user, model, method, args, kwargs=None):
        with mute_logger("odoo.http", "odoo.service.model"), self.assertRaises(xmlrpc.client.Fault) as caught:
            self._rpc(user, model, method, args, kwargs)
        return caught.exception.faultString

    def test_refunds_through_rpc(self):
        ret = self._inspected_return(self.delivery, self.fridge, self.fridge_lot, self.warehouse_user).sudo()
        before = self._credit_notes()
        # the clerk has no billing rights, the billing user is under the 6,000 > 5,000 limit
        self.assertIn("billing", self._refused(self.warehouse_user, "svcms.return.order", "action_refund", [ret.ids]))
        self.assertIn(
            "approval limit", self._refused(self.billing_user, "svcms.return.order", "action_refund", [ret.ids])
        )
        for values in ({"state": "done"}, {"credit_note_id": self.invoice.id}, {"refund_amount": 1.0}):
            self._refused(self.billing_user, "svcms.return.order", "write", [ret.ids, values])
        ret.invalidate_recordset()
        self.assertEqual((ret.state, ret.credit_note_id.id, ret.refund_amount), ("inspected", False, 6000.0))
        self.assertEqual(self._credit_notes(), before)
        # the manager may: the credit note is posted for the returned amount
        self.assertIs(self._rpc(self.manager, "svcms.return.order", "action_refund", [ret.ids]), True)
        ret.invalidate_recordset()
        self.assertEqual(
            (ret.state, ret.credit_note_id.state, ret.credit_note_id.amount_total), ("done", "posted", 6000.0)
        )
        self.assertEqual(ret.credit_note_id.reversed_entry_id, self.invoice)
        self.assertIn("evidence", self._refused(self.manager, "svcms.return.order", "unlink", [ret.ids]))
        self.assertTrue(ret.exists())

    def test_over_return_and_frozen_goods_through_rpc(self):
        values = self._return_values(self.delivery, self.fridge, self.fridge_lot)
        ret_id = self._rpc(self.warehouse_user, "svcms.return.order", "create", [values])
        ret = self.env["svcms.return.order"].browse(ret_id)
        self.assertIn("take back 2.0", self._refused(self.warehouse_user, "svcms.return.order", "create", [values]))
        self.assertEqual(self.env["svcms.return.order"].search_count([("picking_id", "=", self.delivery.id)]), 1)
        self.assertIs(self._rpc(self.warehouse_user, "svcms.return.order", "action_create_return", [[ret_id]]), True)
        self.assertIn(
            "can no longer change",
            self._refused(self.warehouse_user, "svcms.return.order", "write", [[ret_id], {"quantity": 0.5}]),
        )
        # skipping a step is refused and moves no stock
        self.assertIn(
            "this step needs", self._refused(self.warehouse_user, "svcms.return.order", "action_inspect", [[ret_id]])
        )
        ret.invalidate_recordset()
        self.assertEqual((ret.state, ret.quantity), ("waiting", 1.0))
        self.assertEqual(self._lot_locations(self.fridge_lot).usage, "customer")

    def test_negative_limit_through_rpc(self):
        admin = new_test_user(
            self.env, login="int_settings_admin", password="int_settings_admin_pw", groups="base.group_system"
        )
        self.assertIn(
            "cannot be negative",
            self._refused(admin, "res.company", "write", [self.company.ids, {"svcms_refund_approval_limit": -1.0}]),
        )
        self.company.invalidate_recordset()
        self.assertEqual(self.company.svcms_refund_approval_limit, 5000.0)

    def test_clerk_reads_no_foreign_request_through_rpc(self):
        request = self.env["svcms.service.request"].create(
            {"partner_id": self.customer.id, "request_type": "repair_onsite", "description": "<p>客户隐私</p>"}
        )
        self._refused(
            self.warehouse_user, "svcms.service.request", "read", [request.ids, ["partner_id", "description"]]
        )
