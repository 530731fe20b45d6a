from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    svcms_refund_approval_limit = fields.Monetary(
        string="Refund Approval Limit",
        currency_field="currency_id",
        default=5000.0,
        help="Refunds above this amount must be approved by an after-sales manager.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    svcms_refund_approval_limit = fields.Monetary(
        related="company_id.svcms_refund_approval_limit",
        currency_field="currency_id",
        readonly=False,
    )
