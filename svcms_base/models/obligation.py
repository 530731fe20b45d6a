from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

RESULTS = [
    ("compliant", "Compliant"),
    ("partially_compliant", "Partially Compliant"),
    ("non_compliant", "Non-compliant"),
]


class SvcmsObligation(models.Model):
    """A legal, regulatory, contractual or other requirement the organisation must comply with
    (法律法规和其他要求), evaluated for compliance at a set frequency (合规性评价)."""

    _name = "svcms.obligation"
    _description = "Compliance Obligation"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("4.2",)}
    _svcms_evidence_date_field = None  # the register of obligations as it stands
    _order = "next_evaluation_date, id"
    _check_company_auto = True
    _rec_names_search = ["name", "reference"]

    name = fields.Char(string="Title", required=True, tracking=True)
    obligation_type = fields.Selection(
        [
            ("law", "Law"),
            ("regulation", "Regulation"),
            ("standard", "Standard"),
            ("contract", "Contract"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="law",
        index=True,
        tracking=True,
    )
    authority = fields.Char(string="Issuing Authority", tracking=True)
    reference = fields.Char(string="Reference / Number", tracking=True)
    effective_date = fields.Date(tracking=True)
    url = fields.Char(string="Source Link")
    applicability = fields.Text(help="Which provisions apply to the organisation, and to which activities.")
    applicable = fields.Boolean(
        default=True,
        tracking=True,
        help="Uncheck when the requirement was identified but does not apply: it then needs no evaluation.",
    )
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    management_system_ids = fields.Many2many("svcms.management.system", string="Management Systems", check_company=True)
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, index=True, tracking=True)
    evaluation_frequency = fields.Integer(
        string="Evaluation Frequency (Months)", default=12, required=True, tracking=True
    )
    evaluation_ids = fields.One2many("svcms.compliance.evaluation", "obligation_id", string="Compliance Evaluations")
    evaluation_count = fields.Integer(compute="_compute_evaluation_count")
    last_evaluation_date = fields.Date(compute="_compute_evaluation_status", store=True)
    last_result = fields.Selection(RESULTS, compute="_compute_evaluation_status", store=True)
    next_evaluation_date = fields.Date(
        compute="_compute_evaluation_status",
        store=True,
        index=True,
        help="Last evaluation date plus the evaluation frequency; the effective date while never evaluated.",
    )
    notes = fields.Text()
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    @api.constrains("evaluation_frequency")
    def _check_evaluation_frequency(self):
        if any(obligation.evaluation_frequency < 1 for obligation in self):
            raise ValidationError(self.env._("The evaluation frequency must be at least one month."))

    @api.depends("evaluation_ids")
    def _compute_evaluation_count(self):
        for obligation in self:
            obligation.evaluation_count = len(obligation.evaluation_ids)

    @api.depends(
        "applicable",
        "effective_date",
        "evaluation_frequency",
        "evaluation_ids.state",
        "evaluation_ids.date",
        "evaluation_ids.result",
    )
    def _compute_evaluation_status(self):
        # One query for all obligations: their done evaluations, newest first.
        latest = {}
        origin_ids = [obligation._origin.id for obligation in self if obligation._origin.id]
        if origin_ids:
            evaluations = (
                self.env["svcms.compliance.evaluation"]
                .sudo()
                .search_fetch(
                    [("obligation_id", "in", origin_ids), ("state", "=", "done")],
                    ["obligation_id", "date", "result"],
                    order="date desc, id desc",
                )
            )
            for evaluation in evaluations:
                latest.setdefault(evaluation.obligation_id.id, evaluation)
        for obligation in self:
            evaluation = latest.get(obligation._origin.id)
            obligation.last_evaluation_date = evaluation.date if evaluation else False
            obligation.last_result = evaluation.result if evaluation else False
            if not obligation.applicable:
                obligation.next_evaluation_date = False
            elif evaluation:
                months = max(obligation.evaluation_frequency, 1)
                obligation.next_evaluation_date = evaluation.date + relativedelta(months=months)
            else:
                obligation.next_evaluation_date = obligation.effective_date

    def action_new_evaluation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Compliance Evaluation"),
            "res_model": "svcms.compliance.evaluation",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_obligation_id": self.id},
        }

    def action_view_evaluations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.compliance.evaluation",
            "view_mode": "list,form",
            "domain": [("obligation_id", "=", self.id)],
            "context": {"default_obligation_id": self.id},
            "name": self.env._("Compliance Evaluations"),
        }
