from odoo import fields, models


class SvcmsComplaint(models.Model):
    """A complaint names the IT service it is about (ISO/IEC 20000-1 8.3.2)."""

    _inherit = "svcms.complaint"

    service_id = fields.Many2one("svcms.service", string="IT Service", tracking=True, index="btree_not_null")
