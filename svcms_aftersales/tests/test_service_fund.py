from datetime import date

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import RelationshipCase


@tagged("post_install", "-at_install")
class TestServiceFund(RelationshipCase):
    """The fund's budget follows posted revenue; its costs show how much of it is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Years before the demo data: the fund of the current year exists in demo.
        cls.year = fields.Date.today().year - 6

    def _invoice(self, amount, move_type="out_invoice", post=True, year=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.zhang.id,
                "invoice_date": date(year or self.year, 1, 15),
                "invoice_line_ids": [
                    Command.create({"name": "空调", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def test_budget_from_posted_revenue_and_consumption(self):
        fund = (
            self.env["svcms.service.fund"]
            .with_user(self.as_manager)
            .create({"year": self.year, "basis_percent": 2.0, "compensation_reserve": 1000.0})
        )
        baseline = fund._posted_revenue()[fund]
        self._invoice(100000.0)
        self._invoice(20000.0, move_type="out_refund")
        self._invoice(55555.0, post=False)  # draft: not revenue
        self._invoice(77777.0, year=self.year - 1)  # another year
        fund.action_update_revenue()
        self.assertAlmostEqual(fund.revenue_amount - baseline, 80000.0)
        self.assertAlmostEqual(fund.budget_amount, fund.revenue_amount * 0.02 + 1000.0)

        Line = self.env["svcms.service.fund.line"].with_user(self.as_user)
        day = date(self.year, 6, 1)
        lines = Line.create(
            [
                {"fund_id": fund.id, "cost_type": "repair", "name": "免费维修人工", "amount": 300.0, "date": day},
                {"fund_id": fund.id, "cost_type": "compensation", "name": "投诉补偿", "amount": 200.0, "date": day},
            ]
        )
        self.assertAlmostEqual(fund.consumed_amount, 0.0, msg="draft costs are not consumed yet")
        lines.action_post()
        self.assertEqual(lines.posted_by_id, self.as_user)
        self.assertAlmostEqual(fund.consumed_amount, 500.0)
        self.assertAlmostEqual(fund.remaining_amount, fund.budget_amount - 500.0)
        self.assertAlmostEqual(fund.consumption_percent, 100 * 500.0 / fund.budget_amount)

    def test_rules(self):
        fund = self.env["svcms.service.fund"].create({"year": self.year, "compensation_reserve": 1000.0})
        with self.assertRaises(AccessError):
            fund.with_user(self.as_user).write({"compensation_reserve": 99999.0})
        with self.assertRaises(AccessError):
            fund.with_user(self.technician_user).check_access("read")
        Line = self.env["svcms.service.fund.line"]
        with self.assertRaises(ValidationError):
            Line.create({"fund_id": fund.id, "name": "负数", "amount": -5.0, "date": date(self.year, 6, 1)})
        with self.assertRaises(ValidationError):
            Line.create({"fund_id": fund.id, "name": "跨年", "amount": 5.0, "date": date(self.year - 1, 12, 31)})
        with self.assertRaises(ValidationError):
            self.env["svcms.service.fund"].create({"year": self.year + 1, "basis_percent": -1.0})

    def test_revenue_of_many_funds_is_one_query(self):
        Fund = self.env["svcms.service.fund"]
        one = Fund.create({"year": self.year - 3})
        three = one | Fund.create({"year": self.year - 4}) | Fund.create({"year": self.year - 5})
        for funds in (one, three):
            funds.mapped("company_id.id")
            self.env.flush_all()
            with self.assertQueryCount(1):
                funds._posted_revenue()


@tagged("post_install", "-at_install")
class TestDisposal(RelationshipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Disposals of scrapped returns are recorded by after-sales staff who also work in the warehouse.
        cls.warehouse_as_user = new_test_user(
            cls.env, login="rel_wh_as_user", groups="svcms_aftersales.group_aftersales_user,stock.group_stock_user"
        )

    def test_disposal_of_a_scrapped_return(self):
        lot = self._create_lots(self.air_conditioner, ["DP-AC-0001"])
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.air_conditioner.id,
                "lot_id": lot.id,
                "scrap_qty": 1.0,
                "location_id": self.stock_location.id,
            }
        )
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        with Form(self.env["svcms.disposal"].with_user(self.warehouse_as_user)) as form:
            form.origin = "scrapped_return"
            form.scrap_id = scrap
            form.method = "dismantling"
            form.hazardous = True
            form.vendor_id = self.wang
        disposal = form.record
        self.assertEqual(
            (disposal.product_id, disposal.lot_id, disposal.quantity, disposal.move_id),
            (self.air_conditioner, lot, 1.0, scrap.move_ids),
        )
        self.assertTrue(disposal.name.startswith("FQ/"))
        disposal.action_done()
        self.assertEqual(disposal.state, "done")

    def test_hazardous_waste_needs_a_vendor(self):
        disposal = (
            self.env["svcms.disposal"]
            .with_user(self.as_user)
            .create(
                {"product_id": self.air_conditioner.id, "quantity": 2.0, "hazardous": True, "method": "dismantling"}
            )
        )
        with self.assertRaisesRegex(UserError, "licensed"):
            disposal.action_done()
        with self.assertRaises(ValidationError):
            disposal.quantity = 0
        with self.assertRaises(AccessError):
            disposal.with_user(self.technician_user).check_access("read")
