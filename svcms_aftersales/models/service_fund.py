from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class SvcmsServiceFund(models.Model):
    """The annual after-sales service fund (售后服务经费): a share of posted revenue plus a compensation reserve."""

    _name = "svcms.service.fund"
    _description = "After-sales Service Fund"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    basis_percent = fields.Float(
        string="Share of Revenue (%)", default=1.0, tracking=True, help="Share of the year's posted revenue set aside."
    )
    revenue_amount = fields.Monetary(
        string="Posted Revenue", readonly=True, help="Untaxed customer invoices minus credit notes posted in the year."
    )
    revenue_date = fields.Datetime(string="Revenue Updated On", readonly=True)
    compensation_reserve = fields.Monetary(tracking=True, help="Reserve for compensation paid to customers.")
    budget_amount = fields.Monetary(string="Budget", compute="_compute_amounts", store=True)
    line_ids = fields.One2many("svcms.service.fund.line", "fund_id", string="Costs")
    consumed_amount = fields.Monetary(
        string="Consumed", compute="_compute_amounts", store=True, help="Posted costs of the fund."
    )
    remaining_amount = fields.Monetary(string="Remaining", compute="_compute_amounts", store=True)
    consumption_percent = fields.Float(string="Consumption (%)", compute="_compute_amounts", store=True)
    notes = fields.Html()

    _company_year_uniq = models.Constraint(
        "UNIQUE(company_id, year)", "A company has one after-sales service fund per year."
    )

    @api.constrains("year", "basis_percent", "compensation_reserve")
    def _check_values(self):
        for fund in self:
            if not 2000 <= fund.year <= 2100:
                raise ValidationError(self.env._("The fund year %s is not a valid year.", fund.year))
            if fund.basis_percent < 0 or fund.compensation_reserve < 0:
                raise ValidationError(self.env._("The revenue share and the reserve cannot be negative."))

    @api.depends("year", "company_id")
    def _compute_name(self):
        for fund in self:
            fund.name = self.env._("After-sales fund %(year)s", year=fund.year)

    @api.depends("revenue_amount", "basis_percent", "compensation_reserve", "line_ids.amount", "line_ids.state")
    def _compute_amounts(self):
        consumed = (
            dict(
                self.env["svcms.service.fund.line"]._read_group(
                    [("fund_id", "in", self.ids), ("state", "=", "posted")], ["fund_id"], ["amount:sum"]
                )
            )
            if self.ids
            else {}
        )
        for fund in self:
            fund.budget_amount = fund.revenue_amount * fund.basis_percent / 100 + fund.compensation_reserve
            fund.consumed_amount = (
                consumed.get(fund, 0.0)
                if fund.id
                else sum(fund.line_ids.filtered(lambda line: line.state == "posted").mapped("amount"))
            )
            fund.remaining_amount = fund.budget_amount - fund.consumed_amount
            fund.consumption_percent = 100.0 * fund.consumed_amount / fund.budget_amount if fund.budget_amount else 0.0

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted_costs(self):
        """Posted costs are the fund's accounts: a fund holding any is kept."""
        posted = self.line_ids.filtered(lambda line: line.state != "draft")
        if posted and not self.env.su:
            raise UserError(
                self.env._(
                    "%(fund)s has posted costs: it is evidence and cannot be deleted.", fund=posted[0].fund_id.name
                )
            )

    def _posted_revenue(self):
        """{fund: untaxed posted revenue of its company and year}, one SQL aggregate for all funds."""
        if not self:
            return {}
        years = self.mapped("year")
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("company_id", "in", self.company_id.ids),
                    ("invoice_date", ">=", date(min(years), 1, 1)),
                    ("invoice_date", "<=", date(max(years), 12, 31)),
                ],
                ["company_id", "invoice_date:year"],
                ["amount_untaxed_signed:sum"],
            )
        )
        revenue = {(company.id, year_start.year): amount for company, year_start, amount in groups}
        return {fund: revenue.get((fund.company_id.id, fund.year), 0.0) for fund in self}

    def action_update_revenue(self):
        now = fields.Datetime.now()
        for fund, amount in self._posted_revenue().items():
            fund.write({"revenue_amount": amount, "revenue_date": now})
        return True

    def action_view_costs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Costs"),
            "res_model": "svcms.service.fund.line",
            "view_mode": "list,form",
            "domain": [("fund_id", "=", self.id)],
            "context": {"default_fund_id": self.id},
        }
