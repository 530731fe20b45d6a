from odoo import fields, models


class SvcmsChangeTemplate(models.Model):
    """A pre-approved standard change: changes made from it need no board and are approved on submission."""

    _name = "svcms.change.template"
    _description = "Standard Change Template"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    description = fields.Html()
    implementation_plan = fields.Html()
    backout_plan = fields.Html(string="Back-out Plan")
    task_names = fields.Text(string="Implementation Tasks", help="One task per line, copied to each change.")
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    approved_by_id = fields.Many2one(
        "res.users", string="Pre-approved By", default=lambda self: self.env.user, readonly=True, tracking=True
    )
    change_count = fields.Integer(compute="_compute_change_count", string="Changes")

    def _compute_change_count(self):
        counts = dict(
            self.env["svcms.change"]._read_group([("template_id", "in", self.ids)], ["template_id"], ["__count"])
        )
        for template in self:
            template.change_count = counts.get(template, 0)
