from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsServiceFundLine(models.Model):
    """A cost charged to the after-sales service fund."""

    _name = "svcms.service.fund.line"
    _description = "Service Fund Cost"
    _order = "date desc, id desc"
    _check_company_auto = True

    fund_id = fields.Many2one("svcms.service.fund", string="Fund", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="fund_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="fund_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    cost_type = fields.Selection(
        [
            ("repair", "Repair"),
            ("parts", "Spare Parts"),
            ("compensation", "Compensation"),
            ("training", "Training"),
            ("other", "Other"),
        ],
        string="Cost Type",
        required=True,
        default="repair",
    )
    name = fields.Char(string="Description", required=True)
    amount = fields.Monetary(required=True)
    source_ref = fields.Reference(
        selection="_selection_source_ref",
        string="Source",
        help="Repair order, service request, complaint or training the cost comes from.",
    )

    @api.model
    def _selection_source_ref(self):
        models_ = ["repair.order", "svcms.service.request", "svcms.complaint", "svcms.training.session", "stock.scrap"]
        return [(model, self.env[model]._description) for model in models_ if model in self.env]

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.amount <= 0:
                raise ValidationError(self.env._("A fund cost must be a positive amount."))

    @api.constrains("date", "fund_id")
    def _check_year(self):
        for line in self:
            if line.date.year != line.fund_id.year:
                raise ValidationError(
                    self.env._(
                        "Cost %(cost)s is not dated in the fund's year %(year)s.",
                        cost=line.name,
                        year=line.fund_id.year,
                    )
                )
