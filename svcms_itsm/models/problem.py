from odoo import fields, models


class SvcmsProblem(models.Model):
    """The unknown cause of one or more incidents (ISO/IEC 20000-1 8.6.3). Skeleton: the problem area
    owns this file."""

    _name = "svcms.problem"
    _description = "Problem"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("analysis", "Root Cause Analysis"),
            ("known_error", "Known Error"),
            ("fixing", "Fix in Progress"),
            ("review", "Effectiveness Review"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="new",
        tracking=True,
        index=True,
    )
    category_id = fields.Many2one("svcms.incident.category", string="Category", check_company=True)
    ci_ids = fields.Many2many("svcms.ci", string="Configuration Items", check_company=True)
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    incident_ids = fields.One2many("svcms.incident", "problem_id", string="Incidents")
    known_error_ids = fields.One2many("svcms.known.error", "problem_id", string="Known Errors")
    change_id = fields.Many2one("svcms.change", string="Fix Change", tracking=True, check_company=True)
