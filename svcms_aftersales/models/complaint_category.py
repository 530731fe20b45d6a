from odoo import fields, models


class SvcmsComplaintCategory(models.Model):
    _inherit = "svcms.complaint.category"

    onsite_required = fields.Boolean(
        string="On-site Visit Required", help="Complaints of this category need a technician on site."
    )
