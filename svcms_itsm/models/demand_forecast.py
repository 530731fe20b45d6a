from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsDemandForecast(models.Model):
    """The expected demand for a service over a period (ISO/IEC 20000-1 8.4.2 demand management):
    the input of the capacity plans."""

    _name = "svcms.demand.forecast"
    _description = "Service Demand Forecast"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _order = "period_start desc, service_id"
    _check_company_auto = True
    _svcms_evidence_clauses = {"iso20000": ("8.4.2",)}
    _svcms_evidence_date_field = "period_start"

    service_id = fields.Many2one("svcms.service", required=True, index=True, check_company=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    period_start = fields.Date(string="Period From", required=True, tracking=True)
    period_end = fields.Date(string="Period To", required=True, tracking=True)
    expected_users = fields.Integer(tracking=True, help="Users expected to use the service in the period.")
    expected_transactions = fields.Integer(
        tracking=True, help="Transactions (orders, mails, calls ...) expected in the period."
    )
    notes = fields.Text(help="Where the figures come from: business plans, new sites, seasonal peaks ...")

    _figures_positive = models.Constraint(
        "CHECK(expected_users >= 0 AND expected_transactions >= 0)", "Expected demand cannot be negative."
    )

    @api.depends("service_id", "period_start", "period_end")
    def _compute_display_name(self):
        for forecast in self:
            forecast.display_name = (
                f"{forecast.service_id.display_name or ''} {forecast.period_start or ''} – {forecast.period_end or ''}"
            )

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for forecast in self:
            if forecast.period_end < forecast.period_start:
                raise ValidationError(
                    self.env._("The forecast %(forecast)s ends before it starts.", forecast=forecast.display_name)
                )
