from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError

AGENT_GROUP = "svcms_itsm.group_itsm_user"


class SvcmsContinuityTest(models.Model):
    """A test of a continuity plan: the scenario played, the result, the recovery time achieved, the findings;
    follow-up actions are activities on the test (owner and due date)."""

    _name = "svcms.continuity.test"
    _description = "Service Continuity Test"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _order = "test_date desc, id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.7.2",)}
    _svcms_evidence_date_field = "test_date"
    _svcms_evidence_domain = [("state", "=", "done")]

    _svcms_transitions = {
        "confirm": Transition(("draft",), "done", "confirmed_by_id", "confirmed_date", AGENT_GROUP),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("draft",)
    _svcms_deletable_states = ("draft",)

    plan_id = fields.Many2one(
        "svcms.continuity.plan", string="Continuity Plan", required=True, index=True, check_company=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    test_date = fields.Date(string="Date", required=True, default=fields.Date.context_today, tracking=True)
    scenario = fields.Char(required=True, tracking=True)
    result = fields.Selection([("passed", "Passed"), ("partly", "Partly Passed"), ("failed", "Failed")], tracking=True)
    rto_achieved_hours = fields.Float(string="RTO Achieved (hours)", tracking=True)
    rto_hours = fields.Float(related="plan_id.rto_hours", string="RTO Target (hours)")
    rto_met = fields.Boolean(compute="_compute_rto_met", string="RTO Met")
    findings = fields.Html()
    follow_up = fields.Html(
        string="Follow-up Actions",
        help="Actions decided after the test; schedule each one as an activity (owner and due date).",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Recorded")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    confirmed_by_id = fields.Many2one("res.users", string="Recorded By", readonly=True, copy=False)
    confirmed_date = fields.Datetime(string="Recorded On", readonly=True, copy=False)
    can_confirm = fields.Boolean(compute="_compute_svcms_can")

    @api.depends("rto_achieved_hours", "plan_id.rto_hours", "result")
    def _compute_rto_met(self):
        for test in self:
            test.rto_met = bool(test.result) and test.rto_achieved_hours <= test.plan_id.rto_hours

    @api.constrains("rto_achieved_hours")
    def _check_rto_achieved(self):
        for test in self:
            if test.rto_achieved_hours < 0:
                raise ValidationError(
                    self.env._("The recovery time achieved in test %(test)s cannot be negative.", test=test.scenario)
                )

    @api.depends("plan_id", "scenario", "test_date")
    def _compute_display_name(self):
        for test in self:
            test.display_name = f"{test.plan_id.name or ''} / {test.scenario or ''} ({test.test_date or ''})"

    def action_confirm(self):
        for test in self:
            if not test.result:
                raise UserError(
                    self.env._("Give the result of test %(test)s before recording it.", test=test.display_name)
                )
            if test.test_date > fields.Date.context_today(self):
                raise UserError(
                    self.env._("Test %(test)s is dated in the future: record it once played.", test=test.display_name)
                )
        return self._svcms_transition("confirm")
