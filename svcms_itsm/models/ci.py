from odoo import fields, models


class SvcmsCi(models.Model):
    """A configuration item (ISO/IEC 20000-1 8.2.5–8.2.6)."""

    _name = "svcms.ci"
    _description = "Configuration Item"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "identifier, id"
    _check_company_auto = True
    _rec_names_search = ["identifier", "name"]

    name = fields.Char(required=True, tracking=True)
    identifier = fields.Char(required=True, index=True, copy=False, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    type_id = fields.Many2one("svcms.ci.type", string="Type", required=True, index=True, tracking=True)
    status = fields.Selection(
        [("planned", "Planned"), ("active", "Active"), ("maintenance", "In Maintenance"), ("retired", "Retired")],
        required=True,
        default="active",
        tracking=True,
        index=True,
    )
    relation_ids = fields.One2many("svcms.ci.relation", "source_id", string="Relations")
