from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command, Domain

USER_GROUP = "svcms_itsm.group_itsm_user"
MANAGER_GROUP = "svcms_itsm.group_itsm_manager"
CAB_GROUP = "svcms_itsm.group_itsm_cab"
# a change in these states still holds its planned window (conflicts, blackouts)
SCHEDULED_STATES = ("draft", "assessment", "approval", "approved", "implementing")
CONTENT_STATES = ("draft", "assessment")


class SvcmsChange(models.Model):
    """A change to a service or CI (ISO/IEC 20000-1 8.5.1).

    Standard changes come from a pre-approved template and are approved on submission; normal changes are
    decided by the votes of a change advisory board (``svcms.cab``); emergency changes by the emergency
    authority of the company's change policy, and always get a post-implementation review.
    """

    _name = "svcms.change"
    _description = "Change"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.5.1",)}
    _svcms_evidence_domain = [("state", "not in", ("draft", "cancelled"))]

    _svcms_transitions = {
        "submit": Transition(("draft",), "assessment", group=USER_GROUP),
        "standard_approve": Transition(("draft",), "approved", "approved_by_id", "approved_date", USER_GROUP),
        "request_approval": Transition(("assessment",), "approval", "submitted_by_id", "submitted_date", USER_GROUP),
        # a CAB vote: guard only (state, board membership group, no vote on one's own change)
        "vote": Transition(("approval",), None, group=CAB_GROUP, distinct_from=("requested_by_id",)),
        "approve": Transition(
            ("approval",), "approved", "approved_by_id", "approved_date", CAB_GROUP, ("requested_by_id",)
        ),
        "reject": Transition(
            ("approval",), "rejected", "rejected_by_id", "rejected_date", CAB_GROUP, ("requested_by_id",)
        ),
        "emergency_approve": Transition(
            ("approval",), "approved", "approved_by_id", "approved_date", USER_GROUP, ("requested_by_id",)
        ),
        "override_conflicts": Transition(
            ("assessment", "approval", "approved"), None, "override_by_id", "override_date", MANAGER_GROUP
        ),
        "start": Transition(("approved",), "implementing", None, "actual_start", USER_GROUP),
        "complete": Transition(("implementing",), "done", "completed_by_id", "actual_end", USER_GROUP),
        "to_review": Transition(("implementing",), "review", "completed_by_id", "actual_end", USER_GROUP),
        "close_review": Transition(("review",), "done", "reviewed_by_id", "reviewed_date", USER_GROUP),
        "cancel": Transition(("draft", "assessment", "approval", "approved"), "cancelled", group=USER_GROUP),
    }
    _svcms_workflow_fields = ("outcome", "cmdb_applied")
    _svcms_separation_default = True
    _svcms_creator_fields = ("requested_by_id",)
    _svcms_fixed_fields = ("change_type", "template_id")
    _svcms_frozen_fields = (
        "subject",
        "description",
        "implementation_plan",
        "backout_plan",
        "planned_start",
        "planned_end",
        "service_ids",
        "ci_ids",
        "risk_response_ids",
        "cmdb_update_ids",
        "cab_id",
        "company_id",
    )
    _svcms_editable_states = CONTENT_STATES
    _svcms_field_editable_states = {
        "task_ids": ("draft", "assessment", "approval", "approved", "implementing"),
        "pir_summary": ("implementing", "review"),
        "lessons_learned": ("implementing", "review"),
        "conflict_override_reason": ("assessment", "approval", "approved"),
    }
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    change_type = fields.Selection(
        [("standard", "Standard"), ("normal", "Normal"), ("emergency", "Emergency")],
        required=True,
        default="normal",
        tracking=True,
        index=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("assessment", "Assessment"),
            ("approval", "Awaiting Approval"),
            ("approved", "Approved"),
            ("implementing", "Implementing"),
            ("review", "Post-Implementation Review"),
            ("done", "Done"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    outcome = fields.Selection(
        [("successful", "Successful"), ("failed", "Failed"), ("backed_out", "Backed Out")],
        tracking=True,
        copy=False,
        index=True,
        readonly=True,
        help="How the implementation ended.",
    )
    requested_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True, copy=False)
    is_major_impact = fields.Boolean(
        string="Major Impact",
        compute="_compute_major_impact",
        store=True,
        tracking=True,
        help="Meets the change policy's criteria of a major impact: "
        "the change goes through service design and transition.",
    )
    # in the reader's language: not stored
    major_impact_reason = fields.Char(compute="_compute_major_impact_reason")
    planned_start = fields.Datetime(tracking=True, index=True)
    planned_end = fields.Datetime(tracking=True)
    actual_start = fields.Datetime(readonly=True, copy=False)
    actual_end = fields.Datetime(readonly=True, copy=False, index=True)
    service_ids = fields.Many2many("svcms.service", string="Affected Services", check_company=True)
    ci_ids = fields.Many2many("svcms.ci", string="Affected CIs", check_company=True)
    incident_ids = fields.Many2many(
        "svcms.incident", "svcms_change_incident_rel", "change_id", "incident_id", string="Incidents"
    )
    problem_ids = fields.One2many("svcms.problem", "change_id", string="Problems Fixed")
    release_id = fields.Many2one("svcms.release", index="btree_not_null", check_company=True)

    template_id = fields.Many2one(
        "svcms.change.template", string="Standard Change Template", check_company=True, index="btree_not_null"
    )
    description = fields.Html(help="What changes and why.")
    implementation_plan = fields.Html()
    backout_plan = fields.Html(string="Back-out Plan", help="How the change is undone if it fails.")
    cab_id = fields.Many2one("svcms.cab", string="Change Advisory Board", check_company=True, tracking=True)
    impacted_customer_count = fields.Integer(string="Customers Affected", compute="_compute_major_impact", store=True)
    risk_response_ids = fields.One2many("svcms.change.risk.response", "change_id", string="Risk Questionnaire")
    risk_score = fields.Integer(compute="_compute_risk", store=True)
    risk_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")], compute="_compute_risk", store=True, tracking=True
    )
    vote_ids = fields.One2many("svcms.change.vote", "change_id", string="Votes", readonly=True)
    approve_count = fields.Integer(string="Approvals", compute="_compute_vote_counts")
    quorum = fields.Integer(related="cab_id.quorum")
    next_voter_id = fields.Many2one("res.users", string="Next to Vote", compute="_compute_vote_counts")
    task_ids = fields.One2many("svcms.change.task", "change_id", string="Implementation Tasks")
    cmdb_update_ids = fields.One2many("svcms.change.cmdb.update", "change_id", string="CMDB Updates")
    cmdb_applied = fields.Boolean(string="CMDB Updated", readonly=True, copy=False)
    pir_summary = fields.Text(string="Post-Implementation Review")
    lessons_learned = fields.Text()

    conflict_change_ids = fields.Many2many("svcms.change", string="Conflicting Changes", compute="_compute_conflicts")
    blackout_ids = fields.Many2many("svcms.change.blackout", string="Blackout Periods", compute="_compute_conflicts")
    has_conflict = fields.Boolean(compute="_compute_conflicts")
    conflict_warning = fields.Text(compute="_compute_conflicts")
    conflict_override_reason = fields.Text(tracking=True, copy=False)
    override_by_id = fields.Many2one("res.users", string="Conflicts Overridden By", readonly=True, copy=False)
    override_date = fields.Datetime(string="Conflicts Overridden On", readonly=True, copy=False)

    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    rejected_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    rejected_date = fields.Datetime(string="Rejected On", readonly=True, copy=False)
    completed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_date = fields.Datetime(string="Reviewed On", readonly=True, copy=False)

    can_submit = fields.Boolean(compute="_compute_svcms_can")
    can_request_approval = fields.Boolean(compute="_compute_svcms_can")
    can_vote = fields.Boolean(compute="_compute_svcms_can")
    can_emergency_approve = fields.Boolean(compute="_compute_svcms_can")
    can_override_conflicts = fields.Boolean(compute="_compute_svcms_can")
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_complete = fields.Boolean(compute="_compute_svcms_can")
    can_close_review = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    # ------------------------------------------------------------------ create

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code("svcms.change") or "/"
        changes = super().create(vals_list)
        questions = self.env["svcms.change.risk.question"].search([])
        for change in changes:
            if change.template_id:
                change._svcms_apply_template()
            if change.change_type != "standard" and not change.risk_response_ids and questions:
                change.risk_response_ids = [
                    Command.create({"question_id": q.id})
                    for q in questions
                    if not q.company_id or q.company_id == change.company_id
                ]
            if not change.cab_id and change.change_type == "normal":
                change.cab_id = change._svcms_policy().cab_id
        return changes

    def _svcms_apply_template(self):
        self.ensure_one()
        template = self.template_id
        values = {}
        for name in ("description", "implementation_plan", "backout_plan"):
            if not self[name] and template[name]:
                values[name] = template[name]
        if not self.service_ids and template.service_ids:
            values["service_ids"] = [Command.set(template.service_ids.ids)]
        if template.task_names and not self.task_ids:
            values["task_ids"] = [
                Command.create({"name": line.strip(), "sequence": index})
                for index, line in enumerate(template.task_names.splitlines())
                if line.strip()
            ]
        if values:
            self.write(values)

    @api.constrains("change_type", "template_id")
    def _check_standard_template(self):
        for change in self:
            if change.change_type == "standard" and not change.template_id:
                raise ValidationError(
                    self.env._("A standard change must be based on a pre-approved standard change template.")
                )

    @api.constrains("planned_start", "planned_end")
    def _check_window(self):
        for change in self:
            if change.planned_start and change.planned_end and change.planned_end <= change.planned_start:
                raise ValidationError(
                    self.env._("%(change)s: the planned window must end after it starts.", change=change.display_name)
                )

    @api.depends("name", "subject")
    def _compute_display_name(self):
        for change in self:
            change.display_name = f"{change.name} {change.subject}" if change.subject else change.name

    # ------------------------------------------------------------------ policy, impact, risk

    def _svcms_policy(self):
        self.ensure_one()
        return self.env["svcms.change.policy"].sudo()._svcms_for_company(self.company_id)

    @api.depends("service_ids.criticality", "ci_ids.type_id", "company_id")
    def _compute_major_impact(self):
        for change, (customers, reasons) in self._svcms_major_impact_reasons().items():
            change.impacted_customer_count = customers
            change.is_major_impact = bool(reasons)

    @api.depends("service_ids.criticality", "ci_ids.type_id", "company_id")
    def _compute_major_impact_reason(self):
        for change, (_customers, reasons) in self._svcms_major_impact_reasons().items():
            change.major_impact_reason = "; ".join(reasons) or False

    def _svcms_major_impact_reasons(self):
        """{change: (customers affected, [why the change has a major impact])} against its company's policy."""
        policies = self.env["svcms.change.policy"].sudo().search([("company_id", "in", self.company_id.ids)])
        policy_by_company = {policy.company_id: policy for policy in policies}
        result = {}
        for change in self:
            policy = policy_by_company.get(change.company_id)
            impact = change.ci_ids.sudo()._svcms_impact()
            customers = set(impact["customers"]) | set(change.service_ids.sudo().customer_ids.ids)
            reasons = []
            if policy:
                critical = change.service_ids.filtered(lambda s: s.criticality == "critical")
                if policy.major_if_critical_service and critical:
                    reasons.append(
                        self.env._("critical service %(services)s", services=", ".join(critical.mapped("name")))
                    )
                if policy.major_customer_threshold and len(customers) > policy.major_customer_threshold:
                    reasons.append(
                        self.env._(
                            "%(count)s customers affected (more than %(limit)s)",
                            count=len(customers),
                            limit=policy.major_customer_threshold,
                        )
                    )
                major_types = change.ci_ids.type_id & policy.major_ci_type_ids
                if major_types:
                    reasons.append(self.env._("CI types %(types)s", types=", ".join(major_types.mapped("name"))))
            result[change] = (len(customers), reasons)
        return result

    @api.depends("risk_response_ids.answer_id.weight", "company_id")
    def _compute_risk(self):
        policies = self.env["svcms.change.policy"].sudo().search([("company_id", "in", self.company_id.ids)])
        policy_by_company = {policy.company_id: policy for policy in policies}
        for change in self:
            policy = policy_by_company.get(change.company_id)
            medium = policy.risk_medium_score if policy else 4
            high = policy.risk_high_score if policy else 8
            score = sum(change.risk_response_ids.answer_id.mapped("weight"))
            change.risk_score = score
            change.risk_level = "high" if score >= high else "medium" if score >= medium else "low"

    def action_fill_from_impact(self):
        """Add the CIs and services an outage of the affected CIs impacts (``svcms.ci._svcms_impact``)."""
        for change in self:
            impact = change.ci_ids._svcms_impact()
            cis = self.env["svcms.ci"].browse(list(impact["cis"])).exists()
            services = self.env["svcms.service"].browse(list(impact["services"])).exists()
            change.write(
                {
                    "ci_ids": [Command.link(ci.id) for ci in cis],
                    "service_ids": [Command.link(service.id) for service in services],
                }
            )
        return True

    # ------------------------------------------------------------------ votes

    @api.depends("vote_ids.decision", "cab_id.member_ids", "state", "requested_by_id")
    def _compute_vote_counts(self):
        for change in self:
            change.approve_count = len(change.vote_ids.filtered(lambda v: v.decision == "approve"))
            change.next_voter_id = change._svcms_pending_voters()[:1] if change.cab_id.voting == "sequential" else False

    def _svcms_pending_voters(self):
        """Board members who may still vote, in the board's order (the requester never votes)."""
        self.ensure_one()
        voted = self.sudo().vote_ids.user_id
        members = self.sudo().cab_id.member_ids.sorted(lambda m: (m.sequence, m.id)).user_id
        return members - voted - self.requested_by_id

    def action_vote_approve(self):
        return self._svcms_vote_wizard("approve")

    def action_vote_reject(self):
        return self._svcms_vote_wizard("reject")

    def action_vote_abstain(self):
        return self._svcms_vote_wizard("abstain")

    def _svcms_vote_wizard(self, decision):
        self.ensure_one()
        self._svcms_check_vote()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Vote on %(change)s", change=self.display_name),
            "res_model": "svcms.change.vote.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_change_id": self.id, "default_decision": decision},
        }

    def _svcms_check_vote(self):
        """Raise unless the current user may vote now on each change of ``self``."""
        self._svcms_check_transition("vote")
        user = self.env.user
        for change in self:
            if change.change_type != "normal":
                raise UserError(
                    self.env._("%(change)s is not a normal change: no board votes on it.", change=change.display_name)
                )
            members = change.sudo().cab_id.member_ids.user_id
            if user not in members:
                raise AccessError(
                    self.env._(
                        "You are not a member of the change advisory board of %(change)s: you cannot vote on it.",
                        change=change.display_name,
                    )
                )
            if user in change.sudo().vote_ids.user_id:
                raise UserError(self.env._("You have already voted on %(change)s.", change=change.display_name))
            if change.cab_id.voting == "sequential":
                pending = change._svcms_pending_voters()
                if pending[:1] != user:
                    raise UserError(
                        self.env._(
                            "The board votes in order: %(user)s votes next on %(change)s.",
                            user=pending[:1].name,
                            change=change.display_name,
                        )
                    )

    def _svcms_can(self, action):
        """Buttons: a vote only for the members of this change's board whose turn it is; an emergency
        approval only for the emergency authority."""
        can = super()._svcms_can(action)
        if not can or action not in ("vote", "emergency_approve"):
            return can
        if action == "emergency_approve":
            return self.change_type == "emergency" and self._svcms_policy()._svcms_is_emergency_authority(self.env.user)
        try:
            self._svcms_check_vote()
        except (UserError, AccessError):
            return False
        return True

    def action_vote(self, decision, comment=False):
        """Cast the current user's vote; the change is decided once the quorum approves or a member rejects."""
        if decision not in ("approve", "reject", "abstain"):
            raise UserError(self.env._("Unknown vote: %(decision)s.", decision=decision))
        self._svcms_check_vote()
        self.env["svcms.change.vote"].sudo().create(
            [
                {
                    "change_id": change.id,
                    "user_id": self.env.uid,
                    "decision": decision,
                    "comment": comment or False,
                    "vote_date": fields.Datetime.now(),
                }
                for change in self
            ]
        )
        for change in self:
            change._svcms_decide()
        return True

    def _svcms_decide(self):
        self.ensure_one()
        votes = self.sudo().vote_ids
        if "reject" in votes.mapped("decision"):
            self._svcms_transition("reject")
            self.message_post(body=self.env._("Rejected by a vote of the change advisory board."))
        elif len(votes.filtered(lambda v: v.decision == "approve")) >= (self.cab_id.quorum or 1):
            self._svcms_check_approvable()
            self._svcms_transition("approve")
            self.message_post(body=self.env._("Approved: the change advisory board reached its quorum."))
        elif not self._svcms_pending_voters():
            self._svcms_transition("reject")
            self.message_post(
                body=self.env._("Rejected: every board member voted and the quorum of approvals was not reached.")
            )

    # ------------------------------------------------------------------ transitions

    def _svcms_check_ready(self):
        """What a change needs before it is approved: back-out plan, planned window, answered risk questions."""
        for change in self:
            missing = []
            if not change.backout_plan or not Markup(change.backout_plan).striptags().strip():
                missing.append(self.env._("a back-out plan"))
            if not change.planned_start or not change.planned_end:
                missing.append(self.env._("a planned window"))
            if change.risk_response_ids.filtered(lambda r: not r.answer_id):
                missing.append(self.env._("an answer to every risk question"))
            if change.change_type == "normal" and not change.cab_id:
                missing.append(self.env._("a change advisory board"))
            if missing:
                raise UserError(
                    self.env._(
                        "%(change)s cannot go for approval yet: it needs %(missing)s.",
                        change=change.display_name,
                        missing=", ".join(missing),
                    )
                )

    def _svcms_check_approvable(self):
        """A major-impact change needs its design and transition plan (when the release area provides them)."""
        self._svcms_check_ready()
        if "svcms.transition.plan" not in self.env:
            return
        Plan = self.env["svcms.transition.plan"].sudo()
        link = next((n for n, f in Plan._fields.items() if f.type == "many2one" and f.comodel_name == self._name), None)
        for change in self.filtered("is_major_impact"):
            if not link or not Plan.search_count([(link, "=", change.id)], limit=1):
                raise UserError(
                    self.env._(
                        "%(change)s has a major impact (%(reason)s): it needs a design and transition plan before "
                        "it is approved.",
                        change=change.display_name,
                        reason=change.major_impact_reason,
                    )
                )

    def action_submit(self):
        for change in self:
            if change.change_type == "standard":
                change._svcms_check_ready()
                change._svcms_transition("standard_approve")
                change.message_post(
                    body=self.env._(
                        "Standard change from the pre-approved template %(template)s: approved on submission.",
                        template=change.template_id.name,
                    )
                )
            else:
                change._svcms_transition("submit")
        return True

    def action_request_approval(self):
        self._svcms_check_ready()
        return self._svcms_transition("request_approval")

    def action_emergency_approve(self):
        for change in self:
            if change.change_type != "emergency":
                raise UserError(self.env._("%(change)s is not an emergency change.", change=change.display_name))
            if not change._svcms_policy()._svcms_is_emergency_authority(self.env.user):
                raise AccessError(
                    self.env._(
                        "Only the emergency change authority of the change policy may approve %(change)s.",
                        change=change.display_name,
                    )
                )
        self._svcms_check_approvable()
        return self._svcms_transition("emergency_approve")

    def action_override_conflicts(self):
        self._svcms_check_transition("override_conflicts")
        for change in self:
            if not (change.conflict_override_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Give the reason for scheduling %(change)s despite its conflicts.", change=change.display_name
                    )
                )
        self._svcms_transition("override_conflicts")
        for change in self:
            change.message_post(
                body=self.env._("Schedule conflicts overridden: %(reason)s", reason=change.conflict_override_reason)
            )
        return True

    def action_start(self):
        for change in self:
            if change.has_conflict and not change.override_by_id:
                raise UserError(
                    self.env._(
                        "%(change)s cannot be scheduled: %(conflicts)s A manager may override with a reason.",
                        change=change.display_name,
                        conflicts=change.conflict_warning,
                    )
                )
        return self._svcms_transition("start")

    def action_complete_successful(self):
        return self._svcms_complete("successful")

    def action_complete_failed(self):
        return self._svcms_complete("failed")

    def action_complete_backed_out(self):
        return self._svcms_complete("backed_out")

    def _svcms_complete(self, outcome):
        reviewed = self.filtered(lambda c: outcome != "successful" or c.change_type == "emergency")
        reviewed._svcms_transition("to_review", {"outcome": outcome})
        direct = self - reviewed
        direct._svcms_transition("complete", {"outcome": outcome})
        direct._svcms_apply_cmdb_updates()
        return True

    def action_close_review(self):
        for change in self:
            if not (change.pir_summary or "").strip() or not (change.lessons_learned or "").strip():
                raise UserError(
                    self.env._(
                        "%(change)s needs its post-implementation review and lessons learned before it is closed.",
                        change=change.display_name,
                    )
                )
        self._svcms_transition("close_review")
        self.filtered(lambda c: c.outcome == "successful")._svcms_apply_cmdb_updates()
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def _svcms_apply_cmdb_updates(self):
        """Apply the CMDB updates listed on successfully completed changes, noted on each CI."""
        for change in self:
            updates = change.cmdb_update_ids.filtered(lambda u: not u.applied)
            if updates:
                updates._svcms_apply()
            change._svcms_write_workflow({"cmdb_applied": True})

    # ------------------------------------------------------------------ conflicts

    @api.depends("planned_start", "planned_end", "ci_ids", "service_ids", "state", "company_id")
    @api.depends_context("lang")
    def _compute_conflicts(self):
        scheduled = self.filtered(lambda c: c.planned_start and c.planned_end and c.state in SCHEDULED_STATES and c.id)
        others = self.browse()
        blackouts = self.env["svcms.change.blackout"]
        if scheduled:
            start = min(scheduled.mapped("planned_start"))
            end = max(scheduled.mapped("planned_end"))
            window = Domain("planned_start", "<", end) & Domain("planned_end", ">", start)
            others = self.sudo().search(
                window
                & Domain("state", "not in", ("cancelled", "rejected"))
                & Domain("ci_ids", "in", scheduled.ci_ids.ids)
                & Domain("company_id", "in", scheduled.company_id.ids)
            )
            blackouts = blackouts.sudo().search(
                Domain("date_start", "<", end)
                & Domain("date_end", ">", start)
                & Domain("company_id", "in", scheduled.company_id.ids)
            )
        for change in self:
            conflicts = self.browse()
            periods = self.env["svcms.change.blackout"]
            if change in scheduled:
                conflicts = others.filtered(
                    lambda o, c=change: o.id != c.id
                    and o.company_id == c.company_id
                    and o.planned_start < c.planned_end
                    and o.planned_end > c.planned_start
                    and o.ci_ids & c.ci_ids
                )
                periods = blackouts.filtered(
                    lambda b, c=change: b.company_id == c.company_id
                    and b.date_start < c.planned_end
                    and b.date_end > c.planned_start
                    and b._svcms_applies_to(c)
                )
            change.conflict_change_ids = conflicts
            change.blackout_ids = periods
            change.has_conflict = bool(conflicts or periods)
            lines = [
                self.env._(
                    "%(change)s works on %(cis)s in an overlapping window.",
                    change=other.display_name,
                    cis=", ".join((other.ci_ids & change.ci_ids).mapped("display_name")),
                )
                for other in conflicts
            ]
            lines += [
                self.env._("The window falls in the blackout period %(period)s.", period=period.name)
                for period in periods
            ]
            change.conflict_warning = "\n".join(lines) or False
