from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    svcms_refund_approval_limit = fields.Monetary(
        string="Refund Approval Limit",
        currency_field="currency_id",
        default=5000.0,
        help="Refunds above this amount must be approved by an after-sales manager.",
    )

    @api.constrains("svcms_refund_approval_limit")
    def _check_svcms_refund_approval_limit(self):
        for company in self:
            if company.currency_id.compare_amounts(company.svcms_refund_approval_limit, 0.0) < 0:
                raise ValidationError(self.env._("The refund approval limit of %s cannot be negative.", company.name))


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    svcms_refund_approval_limit = fields.Monetary(
        related="company_id.svcms_refund_approval_limit",
        currency_field="currency_id",
        readonly=False,
    )
