from odoo import fields, models


class SvcmsChangeRiskQuestion(models.Model):
    """A question of the change risk questionnaire; its answers carry weights that add up to the risk score."""

    _name = "svcms.change.risk.question"
    _description = "Change Risk Question"
    _order = "sequence, id"

    name = fields.Char(string="Question", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    answer_ids = fields.One2many("svcms.change.risk.answer", "question_id", string="Answers")
