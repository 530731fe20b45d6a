from odoo import fields, models

IMPROVEMENT_SOURCES = [
    ("sla", "Missed Service Level"),
    ("audit", "Audit Observation"),
    ("management_review", "Management Review Decision"),
    ("evaluation", "GB/T 27922 Evaluation"),
    ("complaint", "Complaint"),
    ("nonconformity", "Nonconformity"),
    ("suggestion", "Suggestion"),
    ("other", "Other"),
]


class SvcmsImprovement(models.Model):
    """An opportunity in the continual improvement register (ISO/IEC 20000-1 10.2; procedure No.31 持续改进)."""

    _name = "svcms.improvement"
    _description = "Improvement Opportunity"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one(
        "svcms.management.system", string="Management System", index=True, check_company=True, tracking=True
    )
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    source_type = fields.Selection(IMPROVEMENT_SOURCES, string="Source", required=True, default="suggestion")
    source_ref = fields.Reference(selection="_selection_source_models", string="Source Record", copy=False)
    description = fields.Html()
    owner_id = fields.Many2one("res.users", string="Owner", tracking=True, index=True)
    state = fields.Selection(
        [
            ("draft", "Proposed"),
            ("approved", "Approved"),
            ("in_progress", "In Progress"),
            ("done", "Realised"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    action_ids = fields.One2many("svcms.capa.action", "improvement_id", string="Actions")

    def _selection_source_models(self):
        return [
            *self.env["svcms.nonconformity"]._selection_source_models(),
            ("svcms.nonconformity", self.env["svcms.nonconformity"]._description),
            ("svcms.evaluation.line", self.env["svcms.evaluation.line"]._description),
        ]
