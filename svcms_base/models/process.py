from odoo import fields, models


class SvcmsProcess(models.Model):
    _name = "svcms.process"
    _description = "Process"
    _inherit = ["mail.thread"]
    _order = "sequence, code, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    owner_id = fields.Many2one("res.users", string="Process Owner", tracking=True)
    document_ids = fields.Many2many("svcms.document", string="Procedure Documents")
    raci_line_ids = fields.One2many("svcms.raci.line", "process_id", string="Responsibilities")
