from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    svcms_refund_approval_limit = fields.Monetary(
        related="company_id.svcms_refund_approval_limit",
        currency_field="currency_id",
        readonly=False,
    )
    svcms_service_hotline = fields.Char(related="company_id.svcms_service_hotline", readonly=False)
