from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .obligation import RESULTS
from .workflow_mixin import Transition

# Deadline of a follow-up activity when the evaluator gives none.
DEFAULT_FOLLOW_UP_DAYS = 30


class SvcmsComplianceEvaluation(models.Model):
    """One compliance evaluation of an obligation (合规性评价). Once done it is a record: immutable."""

    _name = "svcms.compliance.evaluation"
    _description = "Compliance Evaluation"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("4.2", "9.1")}
    _svcms_evidence_date_field = "date"
    _svcms_evidence_domain = [("state", "=", "done")]
    _order = "date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        # with separation of duties, someone other than the evaluator (and whoever recorded it) confirms it
        "done": Transition(
            ("draft",),
            "done",
            "approved_by_id",
            "approved_date",
            "svcms_base.group_svcms_user",
            ("evaluator_id", "create_uid"),
        ),
    }
    # a done evaluation is a record: only archiving remains possible
    _svcms_frozen_fields = "__all__"
    _svcms_writable_when_locked = ("active",)
    _svcms_deletable_states = ("draft",)

    obligation_id = fields.Many2one(
        "svcms.obligation",
        string="Compliance Obligation",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    obligation_type = fields.Selection(related="obligation_id.obligation_type")
    date = fields.Date(string="Evaluation Date", required=True, default=fields.Date.context_today, tracking=True)
    evaluator_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, index=True, tracking=True
    )
    result = fields.Selection(RESULTS, tracking=True)
    evidence = fields.Text(help="Records examined, interviews, observations supporting the result.")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "svcms_compliance_evaluation_attachment_rel",
        "evaluation_id",
        "attachment_id",
        string="Evidence Files",
    )
    follow_up = fields.Text(string="Follow-up Action", help="Required when the result is not compliant.")
    follow_up_user_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        compute="_compute_follow_up_user_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    follow_up_deadline = fields.Date(string="Follow-up Deadline")
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")],
        required=True,
        default="draft",
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", string="Confirmed By", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Confirmed On", readonly=True, copy=False, tracking=True)
    can_done = fields.Boolean(compute="_compute_svcms_can")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(related="obligation_id.company_id", store=True, index=True, precompute=True)

    @api.depends("obligation_id.name", "date")
    def _compute_display_name(self):
        for evaluation in self:
            date = fields.Date.to_string(evaluation.date) if evaluation.date else ""
            evaluation.display_name = f"{evaluation.obligation_id.name or ''} {date}".strip()

    @api.depends("obligation_id")
    def _compute_follow_up_user_id(self):
        for evaluation in self:
            if not evaluation.follow_up_user_id:
                evaluation.follow_up_user_id = evaluation.obligation_id.owner_id

    def action_done(self):
        self._svcms_check_transition("done")
        today = fields.Date.context_today(self)
        for evaluation in self:
            if not evaluation.result:
                raise UserError(self.env._("Give the result of the evaluation before marking it done."))
            if evaluation.date > today:
                raise UserError(self.env._("An evaluation cannot be done in the future."))
            if evaluation.result != "compliant" and not evaluation.follow_up:
                raise UserError(
                    self.env._("Describe the follow-up action: %s is not fully compliant.", evaluation.display_name)
                )
        self._svcms_transition("done")
        self.filtered(lambda e: e.result != "compliant")._schedule_follow_up_activity()
        return True

    def _schedule_follow_up_activity(self):
        if not self:
            return
        activity_type = self.env.ref("svcms_base.mail_activity_type_compliance_follow_up")
        model_id = self.env["ir.model"]._get_id(self._name)
        default_deadline = fields.Date.context_today(self) + relativedelta(days=DEFAULT_FOLLOW_UP_DAYS)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": evaluation.id,
                    "user_id": (evaluation.follow_up_user_id or evaluation.evaluator_id).id,
                    "date_deadline": evaluation.follow_up_deadline or default_deadline,
                    "summary": addressed.env._("Follow up: %s", addressed.obligation_id.name),
                    "note": evaluation.follow_up,
                    "automated": True,
                }
                for evaluation in self
                # in the language of whoever follows up
                for addressed in [evaluation._svcms_for_user(evaluation.follow_up_user_id or evaluation.evaluator_id)]
            ]
        )
