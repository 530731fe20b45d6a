from odoo import fields, models


class SvcmsDocumentType(models.Model):
    _name = "svcms.document.type"
    _description = "Controlled Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        [
            ("manual", "Manual"),
            ("procedure", "Procedure"),
            ("instruction", "Work Instruction"),
            ("form", "Form / Record Template"),
            ("external", "External Document"),
        ],
        required=True,
    )
    sequence = fields.Integer(default=10)
    prefix = fields.Char(help="Letter used in document numbers, e.g. M for manuals: MC-SM-M-01.")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
