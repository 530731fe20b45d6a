from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    svcms_refund_approval_limit = fields.Monetary(
        related="company_id.svcms_refund_approval_limit",
        currency_field="currency_id",
        readonly=False,
    )
