from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsChangeRiskResponse(models.Model):
    """The answer a change gives to one risk question."""

    _name = "svcms.change.risk.response"
    _description = "Change Risk Response"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "change_id, sequence, id"

    _svcms_parent_field = "change_id"
    _svcms_parent_lines_field = "risk_response_ids"

    change_id = fields.Many2one("svcms.change", required=True, ondelete="cascade", index=True)
    question_id = fields.Many2one("svcms.change.risk.question", required=True, ondelete="restrict")
    sequence = fields.Integer(related="question_id.sequence", store=True)
    answer_id = fields.Many2one("svcms.change.risk.answer", domain="[('question_id', '=', question_id)]")
    weight = fields.Integer(related="answer_id.weight")
    company_id = fields.Many2one(related="change_id.company_id", store=True)

    @api.constrains("question_id", "answer_id")
    def _check_answer(self):
        for response in self:
            if response.answer_id and response.answer_id.question_id != response.question_id:
                raise ValidationError(
                    self.env._(
                        "“%(answer)s” is not an answer to “%(question)s”.",
                        answer=response.answer_id.name,
                        question=response.question_id.name,
                    )
                )
