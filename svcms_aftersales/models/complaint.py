from odoo import fields, models


class SvcmsComplaint(models.Model):
    _inherit = "svcms.complaint"

    service_request_id = fields.Many2one(
        "svcms.service.request", string="Service Request", index="btree_not_null", check_company=True, tracking=True
    )
