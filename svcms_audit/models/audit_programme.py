from odoo import fields, models


class SvcmsAuditProgramme(models.Model):
    """The audit programme of a management system for one year (GB/T 19011 clause 5)."""

    _name = "svcms.audit.programme"
    _description = "Audit Programme"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one(
        "svcms.management.system", string="Management System", required=True, index=True, check_company=True
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, index=True)
    audit_ids = fields.One2many("svcms.audit", "programme_id", string="Audits")
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("done", "Completed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
