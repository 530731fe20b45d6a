from odoo import fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

    svcms_request_id = fields.Many2one(
        "svcms.service.request", string="Service Request", index="btree_not_null", copy=False, check_company=True
    )
