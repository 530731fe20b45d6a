from odoo import fields, models


class SvcmsEvaluationLine(models.Model):
    """One indicator of a GB/T 27922 evaluation: points available, result, deductions."""

    _name = "svcms.evaluation.line"
    _description = "GB/T 27922 Evaluation Indicator"
    _order = "evaluation_id, sequence, id"
    _check_company_auto = True

    evaluation_id = fields.Many2one(
        "svcms.evaluation", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="evaluation_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    clause_id = fields.Many2one("svcms.clause", string="Indicator", required=True, index=True)
    points_available = fields.Float(digits=(5, 1))
    points_actual = fields.Float(digits=(5, 1))
