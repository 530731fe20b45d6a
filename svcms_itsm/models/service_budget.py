from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

BILL_TYPES = ("in_invoice", "in_refund")


class SvcmsServiceBudget(models.Model):
    """The yearly budget of an IT service (ISO/IEC 20000-1 8.4.1 budgeting and accounting for services).

    The actual cost is read from the posted vendor bills whose lines carry the service (refunds count
    negative): one aggregate for every budget shown, whatever the number of bills."""

    _name = "svcms.service.budget"
    _description = "IT Service Budget"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _order = "year desc, service_id"
    _check_company_auto = True
    _svcms_evidence_clauses = {"iso20000": ("8.4.1",)}
    _svcms_evidence_date_field = None

    service_id = fields.Many2one("svcms.service", required=True, index=True, check_company=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True)
    budget_amount = fields.Monetary(string="Budget", currency_field="currency_id", tracking=True)
    forecast_amount = fields.Monetary(
        string="Forecast", currency_field="currency_id", tracking=True, help="Expected cost for the whole year."
    )
    actual_amount = fields.Monetary(
        string="Actual", currency_field="currency_id", compute="_compute_actual", help="Posted vendor bills."
    )
    variance = fields.Monetary(
        currency_field="currency_id", compute="_compute_actual", help="Actual minus budget: above 0 is an overrun."
    )
    variance_percent = fields.Float(string="Variance (%)", compute="_compute_actual", digits=(16, 1))
    note = fields.Text()

    _service_year_uniq = models.Constraint(
        "UNIQUE(service_id, company_id, year)", "A service has one budget per company and year."
    )

    @api.constrains("year")
    def _check_year(self):
        for budget in self:
            if not 2000 <= budget.year <= 2100:
                raise ValidationError(self.env._("%(year)s is not a valid budget year.", year=budget.year))

    @api.depends("service_id", "year")
    def _compute_display_name(self):
        for budget in self:
            budget.display_name = f"{budget.service_id.display_name or ''} {budget.year or ''}".strip()

    @api.depends("service_id", "year", "company_id", "budget_amount")
    def _compute_actual(self):
        budgets = self.filtered(lambda b: b.service_id and b.year)
        totals = {}
        if budgets:
            years = budgets.mapped("year")
            domain = (
                Domain("svcms_service_id", "in", budgets.service_id.ids)
                & Domain("company_id", "in", budgets.company_id.ids)
                & Domain("parent_state", "=", "posted")
                & Domain("move_id.move_type", "in", BILL_TYPES)
                & Domain("display_type", "=", "product")
                & Domain("date", ">=", fields.Date.to_date(f"{min(years)}-01-01"))
                & Domain("date", "<=", fields.Date.to_date(f"{max(years)}-12-31"))
            )
            # vendor bills may be out of reach of the reader: the totals only
            groups = (
                self.env["account.move.line"]
                .sudo()
                ._read_group(domain, ["svcms_service_id", "company_id", "date:year"], ["balance:sum"])
            )
            totals = {(service.id, company.id, year.year): amount for service, company, year, amount in groups}
        for budget in self:
            actual = totals.get((budget.service_id.id, budget.company_id.id, budget.year), 0.0)
            budget.actual_amount = actual
            budget.variance = actual - budget.budget_amount
            budget.variance_percent = budget.variance / budget.budget_amount * 100 if budget.budget_amount else 0.0
