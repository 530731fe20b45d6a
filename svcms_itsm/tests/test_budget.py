"""Budgeting of IT services (ISO/IEC 20000-1 8.4.1): actual cost from posted vendor bills only."""

from datetime import date

from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ItsmCase


@tagged("post_install", "-at_install")
class TestServiceBudget(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        if not cls.env["account.journal"].search_count([("type", "=", "purchase"), ("company_id", "=", company.id)]):
            cls.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        cls.vendor = cls.env["res.partner"].create({"name": "测试软件供方", "is_company": True})
        cls.contract = cls.env["svcms.supplier.contract"].create(
            {
                "name": "ERP 运维",
                "partner_id": cls.vendor.id,
                "service_ids": [Command.set(cls.service_erp.ids)],
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        cls.year = 2026
        Budget = cls.env["svcms.service.budget"].with_user(cls.user_manager)
        cls.budget_erp, cls.budget_mail = Budget.create(
            [
                {"service_id": cls.service_erp.id, "year": cls.year, "budget_amount": 10000.0},
                {"service_id": cls.service_mail.id, "year": cls.year, "budget_amount": 2000.0},
            ]
        )

    def _bill(self, amounts, move_type="in_invoice", post=True, bill_date=date(2026, 5, 10), contract=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.vendor.id,
                "invoice_date": bill_date,
                "date": bill_date,
                "svcms_contract_id": self.contract.id if contract else False,
                "invoice_line_ids": [
                    Command.create({"name": f"服务费 {amount}", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    for amount in amounts
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _actual(self, budget):
        budget.invalidate_recordset(["actual_amount", "variance", "variance_percent"])
        return budget.actual_amount

    def test_actual_from_posted_bills_only(self):
        bill = self._bill([3000.0, 1000.0])
        self.assertEqual(bill.invoice_line_ids.svcms_service_id, self.service_erp, "the contract's single service")
        self._bill([500.0], post=False)  # a draft bill is not a cost yet
        self._bill([400.0], move_type="in_refund")  # a refund lowers the cost
        self._bill([700.0], bill_date=date(2025, 12, 31))  # another year
        self.assertEqual(self._actual(self.budget_erp), 3600.0)
        self.assertEqual(self.budget_erp.variance, 3600.0 - 10000.0)
        self.assertAlmostEqual(self.budget_erp.variance_percent, -64.0)
        self.assertEqual(self._actual(self.budget_mail), 0.0)
        # a line moved to another service by hand counts there
        manual = self._bill([250.0], post=False)
        manual.invoice_line_ids.svcms_service_id = self.service_mail
        manual.action_post()
        self.assertEqual(self._actual(self.budget_mail), 250.0)
        self.assertEqual(self._actual(self.budget_erp), 3600.0)
        # a bill reset to draft no longer counts
        bill.button_draft()
        self.assertEqual(self._actual(self.budget_erp), -400.0)
        # every vendor bill of the contract, draft ones included
        self.contract.invalidate_recordset(["bill_count"])
        bills = self.env["account.move"].search([("svcms_contract_id", "=", self.contract.id)])
        self.assertIn("draft", bills.mapped("state"))
        self.assertEqual(self.contract.bill_count, len(bills))

    def test_actual_query_count_independent_of_bills(self):
        self._bill([100.0])
        budgets = self.budget_erp | self.budget_mail
        budgets.mapped("actual_amount")  # warm the caches of everything but the totals
        budgets.invalidate_recordset(["actual_amount", "variance", "variance_percent"])
        with self.assertQueryCount(3):
            budgets.mapped("actual_amount")
        self._bill([100.0] * 5)
        self._bill([50.0] * 5)
        self._bill([20.0], move_type="in_refund")
        budgets.mapped("actual_amount")
        budgets.invalidate_recordset(["actual_amount", "variance", "variance_percent"])
        with self.assertQueryCount(3):
            totals = budgets.mapped("actual_amount")
        self.assertEqual(totals, [100.0 + 500.0 + 250.0 - 20.0, 0.0])

    def test_one_budget_per_service_and_year(self):
        with self.assertRaises(UniqueViolation), self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env["svcms.service.budget"].create({"service_id": self.service_erp.id, "year": self.year})
        with self.assertRaisesRegex(ValidationError, "not a valid budget year"):
            self.env["svcms.service.budget"].create({"service_id": self.service_erp.id, "year": 26})

    def test_agent_reads_but_cannot_set_budget(self):
        budget = self.budget_erp.with_user(self.user_agent)
        self.assertEqual(budget.actual_amount, 0.0)
        with self.assertRaises(AccessError):
            budget.budget_amount = 99999
        with self.assertRaises(AccessError):
            self.env["svcms.service.budget"].with_user(self.user_agent).create(
                {"service_id": self.service_mail.id, "year": 2027}
            )
