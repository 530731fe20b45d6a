from odoo import fields, models


class SvcmsService(models.Model):
    """A service of the catalogue (ISO/IEC 20000-1 8.2.4)."""

    _name = "svcms.service"
    _description = "IT Service"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, code, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, index=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    owner_id = fields.Many2one("hr.employee", string="Service Owner", tracking=True, check_company=True)
    status = fields.Selection(
        [("pipeline", "Pipeline"), ("live", "Live"), ("retired", "Retired")],
        required=True,
        default="pipeline",
        tracking=True,
        index=True,
    )
    criticality = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")],
        required=True,
        default="medium",
        tracking=True,
    )
    customer_ids = fields.Many2many("res.partner", string="Customers")
    ci_ids = fields.Many2many("svcms.ci", string="Supporting CIs", check_company=True)
