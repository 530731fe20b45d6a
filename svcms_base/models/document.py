from odoo import fields, models


class SvcmsDocument(models.Model):
    """One revision of a controlled document (manual, procedure, instruction, form, external)."""

    _name = "svcms.document"
    _description = "Controlled Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "number, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    number = fields.Char(index=True, copy=False, tracking=True)
    document_type_id = fields.Many2one("svcms.document.type", required=True, string="Type")
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    body = fields.Html()
    clause_ids = fields.Many2many("svcms.clause", string="Clauses Covered")
