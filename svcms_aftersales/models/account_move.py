from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    svcms_return_order_id = fields.Many2one(
        "svcms.return.order", string="Return Order", index="btree_not_null", copy=False, readonly=True
    )
