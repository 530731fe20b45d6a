from odoo import fields, models

EVALUATION_TYPES = [
    ("self", "Self-evaluation"),
    ("supervisory", "Supervisory Evaluation"),
    ("re_evaluation", "Re-evaluation"),
]
LEVELS = [
    ("none", "Below Standard"),
    ("compliant", "Compliant (达标)"),
    ("three_star", "Three Stars"),
    ("four_star", "Four Stars"),
    ("five_star", "Five Stars"),
]


class SvcmsEvaluation(models.Model):
    """A GB/T 27922 evaluation over the indicator tree (自我评价, 监督评价, 重新评价)."""

    _name = "svcms.evaluation"
    _description = "GB/T 27922 Evaluation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "evaluation_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one(
        "svcms.management.system", string="Management System", required=True, index=True, check_company=True
    )
    evaluation_type = fields.Selection(EVALUATION_TYPES, string="Type", required=True, default="self")
    evaluation_date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    line_ids = fields.One2many("svcms.evaluation.line", "evaluation_id", string="Indicators")
    score = fields.Float(digits=(5, 1), readonly=True)
    level = fields.Selection(LEVELS, readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Concluded"), ("approved", "Approved")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
