from odoo import fields, models


class SvcmsChangeRiskAnswer(models.Model):
    _name = "svcms.change.risk.answer"
    _description = "Change Risk Answer"
    _order = "question_id, sequence, id"

    question_id = fields.Many2one("svcms.change.risk.question", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Answer", required=True, translate=True)
    weight = fields.Integer(help="Added to the risk score of a change giving this answer.")
