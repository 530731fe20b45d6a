from odoo import fields, models


class SvcmsRelease(models.Model):
    """A release grouping changes deployed together (ISO/IEC 20000-1 8.5.3). Skeleton: the release area
    owns this file."""

    _name = "svcms.release"
    _description = "Release"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "planned_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    planned_date = fields.Date(tracking=True)
    change_ids = fields.One2many("svcms.change", "release_id", string="Changes")
