from odoo import fields, models


class SvcmsKnownError(models.Model):
    """A problem whose cause is known, with its workaround, shared in the knowledge base (ISO/IEC 20000-1
    8.6.3). Skeleton: the problem area owns this file."""

    _name = "svcms.known.error"
    _description = "Known Error"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    problem_id = fields.Many2one("svcms.problem", index="btree_not_null", check_company=True)
    category_id = fields.Many2one("svcms.incident.category", string="Category", index=True, check_company=True)
    ci_ids = fields.Many2many("svcms.ci", string="Configuration Items", check_company=True)
    symptoms = fields.Html()
    root_cause = fields.Html()
    workaround = fields.Html()
