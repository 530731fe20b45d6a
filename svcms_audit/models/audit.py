from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.cron_failure_mixin import CRON_FAILURE_FIELDS
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

AUDIT_TYPES = [
    ("internal", "Internal Audit"),
    ("certification", "External Certification Audit"),
    ("supplier", "Supplier Audit"),
    ("supervisory", "GB/T 27922 Supervisory Evaluation"),
    ("re_evaluation", "GB/T 27922 Re-evaluation"),
]
AUDITOR_GROUP = "svcms_audit.group_audit_auditor"
LEAD_GROUP = "svcms_audit.group_audit_lead_auditor"
MANAGER_GROUP = "svcms_audit.group_audit_manager"
# the competence requirement every internal auditor meets on the audit date (data/audit_data.xml)
AUDITOR_REQUIREMENT = "REQ-INTERNAL-AUDITOR"
# audits done by our own employees: independence and qualification apply (certification audits and the
# GB/T 27922 supervisory evaluations and re-evaluations are done by the certification/evaluation body)
INTERNAL_TYPES = ("internal",)
# fields whose change re-checks independence and qualification once the plan is confirmed
TEAM_SCOPE_FIELDS = ("lead_auditor_id", "auditor_ids", "expert_ids", "department_ids", "process_ids", "date_start")
# GB/T 27922: a supervisory evaluation at least every 12 months, a re-evaluation at least every 36
DUE_MONTHS = {"supervisory": 12, "re_evaluation": 36}


class SvcmsAudit(models.Model):
    """One audit: plan, team, checklist, findings and report (ISO/IEC 20000-1 9.2; procedure No.28 内部审核)."""

    _name = "svcms.audit"
    _description = "Audit"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.cron.failure.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "start": Transition(("draft",), "in_progress", "started_by_id", "started_date", AUDITOR_GROUP),
        "submit": Transition(("in_progress",), "reported", "submitted_by_id", "submitted_date", AUDITOR_GROUP),
        "rework": Transition(("reported",), "in_progress", None, None, LEAD_GROUP),
        "approve": Transition(("reported",), "approved", "approved_by_id", "approved_date", LEAD_GROUP),
        "cancel": Transition(("draft", "in_progress"), "cancelled", None, None, AUDITOR_GROUP),
        "reset": Transition(("cancelled",), "draft", None, None, AUDITOR_GROUP),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_writable_when_locked = CRON_FAILURE_FIELDS
    _svcms_editable_states = ("draft", "in_progress")
    _svcms_deletable_states = ("draft", "cancelled")
    _svcms_lock_chatter = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    programme_id = fields.Many2one("svcms.audit.programme", index=True, check_company=True)
    management_system_id = fields.Many2one("svcms.management.system", required=True, index=True, check_company=True)
    audit_type = fields.Selection(AUDIT_TYPES, string="Type", required=True, default="internal", tracking=True)
    date_start = fields.Date(string="Start", required=True, tracking=True, index=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    lead_auditor_id = fields.Many2one("hr.employee", tracking=True, check_company=True)
    auditor_ids = fields.Many2many(
        "hr.employee", "svcms_audit_auditor_rel", "audit_id", "employee_id", string="Auditors", check_company=True
    )
    expert_ids = fields.Many2many(
        "hr.employee",
        "svcms_audit_expert_rel",
        "audit_id",
        "employee_id",
        string="Technical Experts",
        check_company=True,
    )
    clause_ids = fields.Many2many("svcms.clause", string="Clauses Audited")
    process_ids = fields.Many2many("svcms.process", string="Processes Audited", check_company=True)
    department_ids = fields.Many2many("hr.department", string="Departments Audited", check_company=True)
    line_ids = fields.One2many("svcms.audit.line", "audit_id", string="Checklist")
    state = fields.Selection(
        [
            ("draft", "Planned"),
            ("in_progress", "In Progress"),
            ("reported", "Report Submitted"),
            ("approved", "Approved"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    objective = fields.Text(string="Audit Objective")
    criteria = fields.Text(string="Audit Criteria", help="Standards, procedures and requirements audited against.")
    agenda = fields.Html(
        help="The audit plan: opening meeting, interviews per department and process, closing meeting."
    )
    certification_body = fields.Char(help="External audits: the certification or evaluation body.")
    external_auditors = fields.Char(help="External audits: the auditors' names (they are not our employees).")
    conclusion = fields.Html(help="Overall conclusion of the audit: conformity and effectiveness of the system.")
    started_by_id = fields.Many2one("res.users", string="Plan Confirmed By", readonly=True, copy=False)
    started_date = fields.Datetime(string="Plan Confirmed On", readonly=True, copy=False)
    submitted_by_id = fields.Many2one("res.users", string="Report Submitted By", readonly=True, copy=False)
    submitted_date = fields.Datetime(string="Report Submitted On", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    finding_count = fields.Integer(string="Findings", compute="_compute_counts")
    nonconformity_count = fields.Integer(string="Nonconformities", compute="_compute_counts")
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_submit = fields.Boolean(compute="_compute_svcms_can")
    can_rework = fields.Boolean(compute="_compute_svcms_can")
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    _dates_check = models.Constraint("CHECK(date_end >= date_start)", "An audit cannot end before it starts.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = self.env["ir.sequence"].next_by_code("svcms.audit") or "/"
        return super().create(vals_list)

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for audit in self:
            audit.display_name = (
                f"{audit.reference} {audit.name}" if audit.reference and audit.reference != "/" else audit.name
            )

    @api.depends("line_ids.result", "line_ids.nonconformity_ids")
    def _compute_counts(self):
        for audit in self:
            audit.finding_count = len(
                audit.line_ids.filtered(lambda line: line.result in ("observation", "improvement", "minor", "major"))
            )
            audit.nonconformity_count = len(audit.line_ids.nonconformity_ids)

    @api.onchange("programme_id")
    def _onchange_programme_id(self):
        if self.programme_id:
            self.management_system_id = self.programme_id.management_system_id

    # ------------------------------------------------------------------ independence and qualification
    def _svcms_team(self):
        self.ensure_one()
        return self.lead_auditor_id | self.auditor_ids | self.expert_ids

    def _svcms_check_independence(self):
        """No member of the team audits their own department (or one below it) or a process they own."""
        for audit in self.sudo():
            if audit.audit_type not in INTERNAL_TYPES:
                continue
            audited = audit.department_ids
            audited_all = (
                self.env["hr.department"].sudo().search([("id", "child_of", audited.ids)]) if audited else audited
            )
            problems = []
            for member in audit._svcms_team():
                if member.department_id and member.department_id in audited_all:
                    problems.append(
                        self.env._(
                            "%(member)s belongs to the audited department %(department)s",
                            member=member.name,
                            department=member.department_id.display_name,
                        )
                    )
                owned = audit.process_ids.filtered(lambda p, m=member: m.user_id and p.owner_id == m.user_id)
                for process in owned:
                    problems.append(
                        self.env._(
                            "%(member)s owns the audited process %(process)s",
                            member=member.name,
                            process=process.display_name,
                        )
                    )
            if problems:
                raise ValidationError(
                    self.env._(
                        "Audit %(audit)s is not independent: auditors may not audit their own work.\n%(problems)s",
                        audit=audit.display_name,
                        problems="\n".join(problems),
                    )
                )

    def _svcms_check_qualification(self):
        """Lead auditor and auditors of an internal audit hold a valid 内审员证 on the audit's start date."""
        for audit in self.sudo():
            if audit.audit_type not in INTERNAL_TYPES:
                continue
            if not audit.lead_auditor_id:
                raise ValidationError(
                    self.env._(
                        "Audit %(audit)s needs a lead auditor before its plan is confirmed.", audit=audit.display_name
                    )
                )
            auditors = audit.lead_auditor_id | audit.auditor_ids
            gaps = auditors._svcms_check_competence(
                [AUDITOR_REQUIREMENT], raise_if_missing=False, on_date=audit.date_start
            )
            if gaps:
                raise ValidationError(
                    self.env._(
                        "Audit %(audit)s: every auditor must be qualified on %(date)s.\n%(gaps)s",
                        audit=audit.display_name,
                        date=fields.Date.to_string(audit.date_start),
                        gaps="\n".join(gap["message"] for gap in gaps),
                    )
                )

    def write(self, vals):
        """Once the plan is confirmed, a change of team, scope or date is checked again (independence and
        qualification); later steps (submit, approve) do not re-judge a team that was checked."""
        result = super().write(vals)
        if set(vals) & {*TEAM_SCOPE_FIELDS, "audit_type"}:
            confirmed = self.filtered(lambda a: a.state in ("in_progress", "reported", "approved"))
            confirmed._svcms_check_independence()
            confirmed._svcms_check_qualification()
        return result

    # ------------------------------------------------------------------ approval: the lead auditor's own user
    def _svcms_check_transition(self, action):  # pylint: disable=missing-return; the parent returns None
        super()._svcms_check_transition(action)
        if action == "approve":
            for audit in self.sudo():
                lead_user = audit.lead_auditor_id.user_id
                if lead_user and lead_user != self.env.user:
                    raise UserError(
                        self.env._(
                            "Only the lead auditor of %(audit)s (%(lead)s) approves its report.",
                            audit=audit.display_name,
                            lead=audit.lead_auditor_id.name,
                        )
                    )
                if not lead_user and not self.env.user.has_group(MANAGER_GROUP):
                    raise UserError(
                        self.env._(
                            "Audit %(audit)s has no lead auditor with a user: only an audit manager approves it.",
                            audit=audit.display_name,
                        )
                    )

    # ------------------------------------------------------------------ buttons
    def action_start(self):
        self._svcms_check_transition("start")
        self._svcms_check_independence()
        self._svcms_check_qualification()
        return self._svcms_transition("start")

    def action_submit(self):
        for audit in self:
            unanswered = audit.line_ids.filtered(lambda line: not line.result)
            if unanswered:
                raise UserError(
                    self.env._(
                        "Audit %(audit)s: %(count)s checklist line(s) have no result yet.",
                        audit=audit.display_name,
                        count=len(unanswered),
                    )
                )
        return self._svcms_transition("submit")

    def action_rework(self):
        return self._svcms_transition("rework")

    def action_approve(self):
        return self._svcms_transition("approve")

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_reset(self):
        return self._svcms_transition("reset")

    def action_generate_checklist(self):
        """One checklist line per clause audited and its sub-clauses, skipping the clauses already on it."""
        for audit in self:
            audit._svcms_check_unlocked({"line_ids"})
            if not audit.clause_ids:
                raise UserError(
                    self.env._("Choose the clauses audited first (audit %(audit)s).", audit=audit.display_name)
                )
            clauses = self.env["svcms.clause"].search([("id", "child_of", audit.clause_ids.ids)])
            clauses -= audit.line_ids.clause_id
            start = max(audit.line_ids.mapped("sequence") or [0])
            self.env["svcms.audit.line"].create(
                [
                    {
                        "audit_id": audit.id,
                        "clause_id": clause.id,
                        "sequence": start + index + 1,
                        "question": self.env._("Is %(clause)s met? Show the evidence.", clause=clause.display_name),
                    }
                    for index, clause in enumerate(
                        clauses.sorted(lambda c: (c.standard, c.parent_path or "", c.sequence, c.code))
                    )
                ]
            )
        return True

    def action_view_nonconformities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Nonconformities"),
            "res_model": "svcms.nonconformity",
            "view_mode": "list,form",
            "domain": [("audit_line_id.audit_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------ reminders (daily cron)
    @api.model
    def _cron_audit_reminders(self):
        """GB/T 27922 evaluations due, planned audits not started: activities for the people in charge."""
        Systems = self.env["svcms.management.system"].sudo()
        systems = Systems.search(Domain("standard", "=", "gbt27922") & Systems._svcms_cron_retry_domain())
        systems._svcms_cron_process(lambda batch: batch._svcms_remind_evaluations_due())
        late = self.sudo().search(
            Domain("state", "=", "draft")
            & Domain("programme_id", "!=", False)
            & Domain("date_start", "<", fields.Date.context_today(self))
            & self._svcms_cron_retry_domain()
        )
        late._svcms_cron_process(lambda batch: batch._svcms_remind_not_started())
        return True

    def _svcms_remind_not_started(self):
        activity_type = self.env.ref("svcms_audit.mail_activity_audit_not_started")
        for audit in self:
            if audit.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t):
                continue
            user = audit.lead_auditor_id.user_id or audit.programme_id.approved_by_id or audit.create_uid
            addressed = audit._svcms_for_user(user)
            addressed.activity_schedule(
                "svcms_audit.mail_activity_audit_not_started",
                user_id=user.id,
                summary=addressed.env._(
                    "Planned audit %(audit)s should have started on %(date)s",
                    audit=audit.display_name,
                    date=fields.Date.to_string(audit.date_start),
                ),
            )

    @api.model
    def _svcms_evaluation_due_dates(self, systems):
        """``{(system_id, audit_type): due date}`` of the next supervisory evaluation and re-evaluation.

        Based on the last approved audit of each type (a re-evaluation counts as the year's supervisory
        evaluation too); a system never evaluated is due today."""
        today = fields.Date.context_today(self)
        last = {}
        for system, audit_type, date_end in self.sudo()._read_group(
            [
                ("management_system_id", "in", systems.ids),
                ("state", "=", "approved"),
                ("audit_type", "in", list(DUE_MONTHS)),
            ],
            ["management_system_id", "audit_type"],
            ["date_end:max"],
        ):
            last[system.id, audit_type] = date_end
        due = {}
        for system in systems:
            re_evaluated = last.get((system.id, "re_evaluation"))
            supervised = max(filter(None, [last.get((system.id, "supervisory")), re_evaluated]), default=None)
            due[system.id, "supervisory"] = supervised + relativedelta(months=12) if supervised else today
            due[system.id, "re_evaluation"] = re_evaluated + relativedelta(months=36) if re_evaluated else today
        return due
