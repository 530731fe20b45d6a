from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import html2plaintext

IMPACT_URGENCY = [("1", "High"), ("2", "Medium"), ("3", "Low")]
PRIORITIES = [("1", "P1 Critical"), ("2", "P2 High"), ("3", "P3 Medium"), ("4", "P4 Low")]

OPEN_STATES = ("new", "assigned", "in_progress", "waiting")
DONE_STATES = ("resolved", "closed", "cancelled")
CLOSED_STATES = ("closed", "cancelled")
AGENT = "svcms_itsm.group_itsm_user"
MANAGER = "svcms_itsm.group_itsm_manager"
# a change of these may make an incident major (svcms.major.incident._svcms_detect)
MAJOR_TRIGGERS = {"priority", "impact", "urgency", "ci_ids", "service_ids"}


class SvcmsIncident(models.Model):
    """An unplanned interruption or degradation of an IT service (ISO/IEC 20000-1 8.6.1).

    Its lifecycle is declared below (``svcms.workflow.mixin``), its response and resolution
    commitments come from the SLA engine (policies per priority), it is filed by phone, e-mail (team
    alias) or the portal (``svcms.intake.mixin``) and its priority follows the company's impact x
    urgency matrix (``svcms.incident.priority``) unless a manager overrides it with a reason.
    """

    _name = "svcms.incident"
    _description = "Incident"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "svcms.sla.mixin",
        "svcms.workflow.mixin",
        "svcms.intake.mixin",
        "svcms.evidence.mixin",
    ]
    _order = "priority, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _rec_names_search = ["name", "subject"]

    _svcms_intake_subject_field = "subject"
    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    # the SLA lines' team is a department: incidents are escalated to their service team's leader instead
    _svcms_sla_team_field = None
    _svcms_sla_user_field = "user_id"
    _svcms_sla_start_field = "date_reported"
    _svcms_evidence_clauses = {"iso20000": ("8.6.1",)}
    _svcms_evidence_date_field = "date_reported"
    # the open work a team member carries (least-open-work assignment of the team)
    _svcms_open_domain = [("state", "in", OPEN_STATES)]

    _svcms_transitions = {
        "assign": Transition(("new",), "assigned", group=AGENT),
        "start": Transition(("new", "assigned"), "in_progress", group=AGENT),
        "wait": Transition(("assigned", "in_progress"), "waiting", group=AGENT),
        "resume": Transition(("waiting",), "in_progress", group=AGENT),
        "resolve": Transition(OPEN_STATES, "resolved", None, "resolved_date", group=AGENT),
        "close": Transition(("resolved",), "closed", None, "closed_date", group=AGENT),
        "reopen": Transition(("resolved",), "in_progress", group=AGENT),
        "cancel": Transition(OPEN_STATES, "cancelled", group=AGENT),
    }
    _svcms_workflow_fields = (
        "resolved_at_first_contact",
        "waited",
        "reopen_count",
        "reassignment_count",
        "functional_escalation_count",
        "escalated",
        "escalation_date",
        "priority_overridden",
    )
    _svcms_frozen_fields = (
        "subject",
        "description",
        "partner_id",
        "impact",
        "urgency",
        "priority",
        "category_id",
        "ci_ids",
        "service_ids",
        "resolution",
        "parent_id",
        "date_reported",
    )
    _svcms_editable_states = (*OPEN_STATES, "resolved")
    _svcms_deletable_states = ("new", "cancelled")

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    description = fields.Html()
    partner_id = fields.Many2one("res.partner", string="Caller", tracking=True, index=True)
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id", store=True, index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("portal", "Portal"),
            ("walk_in", "Walk-in"),
            ("monitoring", "Monitoring Alert"),
        ],
        required=True,
        default="phone",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("assigned", "Assigned"),
            ("in_progress", "In Progress"),
            ("waiting", "Waiting for Caller"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
    )
    impact = fields.Selection(IMPACT_URGENCY, required=True, default="3", tracking=True)
    urgency = fields.Selection(IMPACT_URGENCY, required=True, default="3", tracking=True)
    priority = fields.Selection(
        PRIORITIES,
        compute="_compute_priority",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
        help="From the company's priority matrix (impact x urgency); a manager may override it with a reason.",
    )
    priority_overridden = fields.Boolean(readonly=True, copy=False, tracking=True)
    priority_reason = fields.Char(string="Priority Override Reason", tracking=True, copy=False)
    category_id = fields.Many2one("svcms.incident.category", tracking=True, check_company=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        tracking=True,
        index=True,
        domain=[("share", "=", False)],
        check_company=True,
    )
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    ci_ids = fields.Many2many("svcms.ci", string="Configuration Items", check_company=True)
    date_reported = fields.Datetime(string="Reported On", required=True, default=fields.Datetime.now, index=True)
    resolution = fields.Html()
    resolved_date = fields.Datetime(readonly=True, copy=False, index=True)
    closed_date = fields.Datetime(readonly=True, copy=False)
    resolution_hours = fields.Float(
        string="Hours to Resolve", compute="_compute_resolution_hours", store=True, aggregator="avg"
    )
    resolved_at_first_contact = fields.Boolean(readonly=True, copy=False)
    waited = fields.Boolean(string="Waited for Caller", readonly=True, copy=False)
    reopen_count = fields.Integer(readonly=True, copy=False)
    reassignment_count = fields.Integer(readonly=True, copy=False)
    functional_escalation_count = fields.Integer(
        string="Functional Escalations", readonly=True, copy=False, help="Times the incident went to another team."
    )
    escalated = fields.Boolean(
        string="Escalated to Management", readonly=True, copy=False, tracking=True, help="Hierarchic escalation."
    )
    escalation_date = fields.Datetime(readonly=True, copy=False)
    is_security = fields.Boolean(
        string="Security Incident",
        tracking=True,
        index=True,
        help="Information security incident (ISO/IEC 20000-1 8.7.3): only security officers see it.",
    )
    parent_id = fields.Many2one(
        "svcms.incident", string="Master Incident", index="btree_not_null", tracking=True, check_company=True
    )
    child_ids = fields.One2many("svcms.incident", "parent_id", string="Child Incidents")
    child_count = fields.Integer(compute="_compute_child_count")
    duplicate_of_id = fields.Many2one("svcms.incident", readonly=True, copy=False)
    major_incident_id = fields.Many2one("svcms.major.incident", readonly=True, copy=False)
    is_major = fields.Boolean(string="Major", compute="_compute_is_major", store=True, index=True)
    problem_id = fields.Many2one("svcms.problem", index="btree_not_null", tracking=True)
    change_ids = fields.Many2many(
        "svcms.change", "svcms_change_incident_rel", "incident_id", "change_id", string="Changes"
    )
    known_error_id = fields.Many2one("svcms.known.error", string="Workaround Applied", readonly=True, tracking=True)
    suggested_known_error_ids = fields.Many2many(
        "svcms.known.error", compute="_compute_suggested_known_error_ids", string="Suggested Known Errors"
    )
    impact_service_ids = fields.Many2many(
        "svcms.service", compute="_compute_impact", string="Affected Services (Impact Analysis)"
    )
    impact_customer_ids = fields.Many2many("res.partner", compute="_compute_impact", string="Affected Customers")
    impact_ci_ids = fields.Many2many("svcms.ci", compute="_compute_impact", string="Dependent CIs")
    can_override_priority = fields.Boolean(compute="_compute_can_override_priority")
    can_assign = fields.Boolean(compute="_compute_svcms_can")
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_wait = fields.Boolean(compute="_compute_svcms_can")
    can_resume = fields.Boolean(compute="_compute_svcms_can")
    can_resolve = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")
    can_reopen = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    # ------------------------------------------------------------------ computes
    @api.depends("major_incident_id")
    def _compute_is_major(self):
        for incident in self:
            incident.is_major = bool(incident.major_incident_id)

    @api.depends("impact", "urgency", "company_id")
    def _compute_priority(self):
        companies = self.company_id | self.env.company
        matrix = self.env["svcms.incident.priority"]._svcms_matrix(companies)
        for incident in self:
            if incident.priority_overridden and incident.priority:
                continue
            company = incident.company_id or self.env.company
            incident.priority = matrix[company.id].get((incident.impact or "3", incident.urgency or "3"), "4")

    @api.depends("date_reported", "resolved_date")
    def _compute_resolution_hours(self):
        for incident in self:
            if incident.resolved_date and incident.date_reported:
                delta = incident.resolved_date - incident.date_reported
                incident.resolution_hours = max(delta.total_seconds(), 0.0) / 3600.0
            else:
                incident.resolution_hours = 0.0

    def _compute_child_count(self):
        groups = self._read_group([("parent_id", "in", self.ids)], ["parent_id"], ["__count"])
        counts = {parent.id: count for parent, count in groups}
        for incident in self:
            incident.child_count = counts.get(incident.id, 0)

    @api.depends_context("uid")
    def _compute_can_override_priority(self):
        allowed = self.env.user.has_group(MANAGER)
        for incident in self:
            incident.can_override_priority = allowed

    @api.depends("category_id", "ci_ids", "company_id")
    def _compute_suggested_known_error_ids(self):
        categories = self.category_id._origin
        cis = self.ci_ids._origin
        KnownError = self.env["svcms.known.error"]
        errors = KnownError
        if (categories or cis) and KnownError.has_access("read"):
            domain = ["|", ("category_id", "in", categories.ids), ("ci_ids", "in", cis.ids)]
            errors = KnownError.search(domain)
        for incident in self:
            category, incident_cis = incident.category_id._origin, incident.ci_ids._origin
            company = incident.company_id._origin or self.env.company
            incident.suggested_known_error_ids = errors.filtered(
                lambda e, c=category, i=incident_cis, co=company: e.company_id == co
                and ((c and e.category_id == c) or (e.ci_ids & i))
            )

    @api.depends("ci_ids")
    def _compute_impact(self):
        Service, Partner, Ci = self.env["svcms.service"], self.env["res.partner"], self.env["svcms.ci"]
        for incident in self:
            impact = incident.ci_ids._origin._svcms_impact()
            incident.impact_service_ids = Service.browse(impact["services"]).exists()
            incident.impact_customer_ids = Partner.browse(impact["customers"]).exists()
            incident.impact_ci_ids = Ci.browse(impact["cis"]).exists()

    def _compute_access_url(self):  # pylint: disable=missing-return; the parent returns None
        super()._compute_access_url()
        for incident in self:
            incident.access_url = f"/my/incidents/{incident.id}"

    @api.constrains("parent_id")
    def _check_parent_cycle(self):
        if self._has_cycle("parent_id"):
            raise ValidationError(self.env._("An incident cannot be its own master, directly or through others."))

    @api.onchange("ci_ids")
    def _onchange_ci_ids_services(self):
        """Selecting CIs adds the services the impact analysis finds for them."""
        services = self.env["svcms.service"].browse(self.ci_ids._origin._svcms_impact()["services"]).exists()
        missing = services - self.service_ids._origin
        if missing:
            self.service_ids = self.service_ids | missing

    # ------------------------------------------------------------------ create / write
    @api.model
    def _svcms_matrix_priority(self, company, impact, urgency):
        matrix = self.env["svcms.incident.priority"]._svcms_matrix(company)
        return matrix[company.id].get((impact or "3", urgency or "3"), "4")

    def _svcms_check_priority_override(self, vals, records=None):
        """``vals`` set a priority other than the matrix's: only a manager may, and with a reason.

        Returns True when the values override the matrix."""
        if "priority" not in vals or self._svcms_in_transition():
            return False
        overriding = False
        for record in records if records is not None else [None]:
            company = self.env["res.company"].browse(
                vals.get("company_id") or (record.company_id.id if record else self.env.company.id)
            )
            impact = vals.get("impact") or (record.impact if record else "3")
            urgency = vals.get("urgency") or (record.urgency if record else "3")
            if vals["priority"] and vals["priority"] != self._svcms_matrix_priority(company, impact, urgency):
                overriding = True
        if not overriding:
            return False
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only an IT service manager may set a priority other than the priority matrix gives.")
            )
        reason = vals.get("priority_reason")
        if not (reason or "").strip() and (records is None or any(not r.priority_reason for r in records)):
            raise UserError(self.env._("Give the reason why the priority differs from the priority matrix."))
        return True

    @api.model_create_multi
    def create(self, vals_list):
        overridden = [self._svcms_check_priority_override(vals) for vals in vals_list]
        incidents = super().create(vals_list)
        flagged = incidents.browse([inc.id for inc, flag in zip(incidents, overridden, strict=True) if flag])
        if flagged:
            flagged._svcms_write_workflow({"priority_overridden": True})
        with_cis = incidents.filtered("ci_ids")
        if with_cis:
            with_cis._svcms_add_impacted_services()
        incidents._svcms_auto_assign()
        self.env["svcms.major.incident"]._svcms_detect(incidents)
        return incidents

    def write(self, vals):
        trusted = self._svcms_in_transition()
        overriding = not trusted and self._svcms_check_priority_override(vals, self)
        if "priority" in vals and not trusted and not overriding:
            # the form sends the matrix value back: nothing is overridden
            vals = {k: v for k, v in vals.items() if k != "priority"}
        before = {inc.id: (inc.user_id, inc.team_id) for inc in self} if {"user_id", "team_id"} & set(vals) else {}
        if "team_id" in vals and "user_id" not in vals:
            team = self.env["svcms.team"].browse(vals["team_id"])
            # handed over to another team: its members take it, unless the assignee belongs to it
            leaving = self.filtered(
                lambda inc: inc.user_id and team and team.member_ids and inc.user_id not in team.member_ids
            )
            if leaving:
                super(SvcmsIncident, leaving).write({"user_id": False})
        result = super().write(vals)
        if overriding:
            self._svcms_write_workflow({"priority_overridden": True})
        if before:
            self._svcms_track_reassignment(before)
        if "ci_ids" in vals:
            self.filtered("ci_ids")._svcms_add_impacted_services()
        if "team_id" in vals:
            self.filtered(lambda inc: not inc.user_id and inc.state in OPEN_STATES)._svcms_auto_assign()
        if MAJOR_TRIGGERS & set(vals):
            self.env["svcms.major.incident"]._svcms_detect(self)
        return result

    def _svcms_track_reassignment(self, before):
        """Count reassignments and functional escalations (to another team), with a note for the latter."""
        for incident in self:
            old_user, old_team = before[incident.id]
            reassigned = bool(old_user and incident.user_id != old_user)
            escalated = bool(old_team and incident.team_id != old_team)
            if not (reassigned or escalated):
                continue
            values = {"reassignment_count": incident.reassignment_count + 1}
            if escalated:
                values["functional_escalation_count"] = incident.functional_escalation_count + 1
            incident._svcms_write_workflow(values)
            if escalated:
                incident._svcms_for_company().message_post(
                    body=incident._svcms_for_company().env._(
                        "Functional escalation: from team %(old)s to team %(new)s.",
                        old=old_team.display_name,
                        new=incident.team_id.display_name or "-",
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _svcms_auto_assign(self):
        """Records without an assignee get one from their team's assignment policy."""
        unassigned = self.filtered(lambda inc: inc.team_id and not inc.user_id)
        for team in unassigned.team_id:
            team.sudo()._svcms_assign(unassigned.filtered(lambda inc, t=team: inc.team_id == t), "user_id")

    def _svcms_add_impacted_services(self):
        for incident in self:
            services = incident.ci_ids._svcms_impact()["services"]
            missing = [sid for sid in services if sid not in incident.service_ids.ids]
            if missing:
                incident.write({"service_ids": [Command.link(sid) for sid in missing]})

    def _svcms_sla_watched_fields(self):
        # the priority follows impact and urgency through the matrix
        return super()._svcms_sla_watched_fields() | {"impact", "urgency", "priority"}

    # ------------------------------------------------------------------ workflow
    def action_assign(self):
        for incident in self:
            values = {} if incident.user_id else {"user_id": self.env.uid}
            incident._svcms_transition("assign", values)
        return True

    def action_start(self):
        for incident in self:
            values = {} if incident.user_id else {"user_id": self.env.uid}
            incident._svcms_transition("start", values)
        return True

    def action_wait(self):
        self._svcms_transition("wait", {"waited": True})
        self._svcms_sla_event("waiting_customer")
        return True

    def action_resume(self):
        return self._svcms_transition("resume")

    def _svcms_check_resolution(self):
        missing = self.filtered(lambda inc: not html2plaintext(inc.resolution or "").strip())
        if missing:
            raise UserError(self.env._("Describe the resolution of %s before resolving it.", missing[0].display_name))

    def action_resolve(self):
        self._svcms_check_resolution()
        for incident in self:
            first_contact = (
                incident.create_uid == self.env.user
                and not incident.reassignment_count
                and not incident.waited
                and incident.user_id in (self.env.user, self.env["res.users"])
            )
            values = {"resolved_at_first_contact": first_contact}
            if not incident.user_id:
                values["user_id"] = self.env.uid
            incident._svcms_transition("resolve", values)
        self._svcms_sla_event("resolution")
        self._svcms_follow_master("resolve")
        return True

    def _svcms_check_major_reviewed(self):
        pending = self.filtered(lambda inc: inc.major_incident_id and inc.major_incident_id.sudo().state != "reviewed")
        if pending:
            raise UserError(
                self.env._(
                    "%(incident)s is a major incident: it can be closed only once its major incident review is "
                    "done.",
                    incident=pending[0].display_name,
                )
            )

    def action_close(self):
        self._svcms_check_major_reviewed()
        self._svcms_transition("close")
        self._svcms_follow_master("close")
        return True

    def action_reopen(self):
        for incident in self:
            incident._svcms_transition(
                "reopen",
                {
                    "reopen_count": incident.reopen_count + 1,
                    "resolved_date": False,
                    "resolved_at_first_contact": False,
                },
            )
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_declare_major_incident(self):
        """An agent declares the selected incidents major by hand (no rule needed)."""
        if not self.env.user.has_group(AGENT):
            raise AccessError(self.env._("Only IT agents may declare a major incident."))
        self.check_access("write")
        for incident in self:
            if incident.major_incident_id:
                raise UserError(self.env._("%(incident)s is already a major incident.", incident=incident.display_name))
            if incident.state in CLOSED_STATES:
                raise UserError(
                    self.env._(
                        "%(incident)s is closed or cancelled: it can no longer become a major incident.",
                        incident=incident.display_name,
                    )
                )
        majors = self.env["svcms.major.incident"]._svcms_open(
            [(incident, self.env["svcms.major.incident.rule"]) for incident in self], declared_by=self.env.user
        )
        if len(majors) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "svcms.major.incident",
                "res_id": majors.id,
                "view_mode": "form",
            }
        return True

    def _svcms_follow_master(self, action):
        """Open children of a resolved (closed) master are resolved (closed) with it, with a note."""
        for master in self.filtered("child_ids"):
            children = master.child_ids.filtered(lambda c: c.state in OPEN_STATES)
            if children:
                children._svcms_transition(
                    "resolve", {"resolution": master.resolution, "resolved_at_first_contact": False}
                )
                children._svcms_sla_event("resolution")
            if action == "close":
                children = master.child_ids.filtered(lambda c: c.state == "resolved")
                children._svcms_check_major_reviewed()
                children._svcms_transition("close")
            elif not children:
                continue
            for child in children:
                note = child._svcms_for_company()
                body = (
                    note.env._("Resolved and closed with its master incident %(master)s.", master=master.display_name)
                    if action == "close"
                    else note.env._("Resolved with its master incident %(master)s.", master=master.display_name)
                )
                note.message_post(
                    body=body,
                    subtype_xmlid="mail.mt_note",
                )

    def action_reset_priority(self):
        """A manager hands the priority back to the matrix."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only an IT service manager may change how the priority is set."))
        self.check_access("write")
        self._svcms_write_workflow({"priority_overridden": False, "priority_reason": False})
        self.env.add_to_compute(self._fields["priority"], self)
        self.flush_recordset(["priority"])
        self.env["svcms.major.incident"]._svcms_detect(self)
        return True

    # ------------------------------------------------------------------ known errors
    def action_apply_known_error(self, known_error_id=None):
        """Apply the workaround of a known error: it is recorded on the incident and posted in its chatter."""
        self.ensure_one()
        self.check_access("write")
        known_error = self.env["svcms.known.error"].browse(
            known_error_id or self.env.context.get("svcms_known_error_id") or []
        )
        if not known_error:
            known_error = self.suggested_known_error_ids[:1]
        if not known_error or not known_error.exists():
            raise UserError(self.env._("Choose the known error whose workaround you apply."))
        known_error.check_access("read")
        if self.state not in OPEN_STATES:
            raise UserError(
                self.env._("%(incident)s is no longer open: no workaround can be applied.", incident=self.display_name)
            )
        self.write({"known_error_id": known_error.id})
        workaround = known_error.workaround or Markup("<p>-</p>")
        self.message_post(
            body=Markup("<p>%s</p>%s")
            % (
                self.env._("Workaround of known error %(name)s applied:", name=known_error.display_name),
                workaround,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_view_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Child Incidents"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("parent_id", "=", self.id)],
            "context": {"default_parent_id": self.id},
        }

    # ------------------------------------------------------------------ SLA hooks
    def _svcms_sla_managers(self):
        """Hierarchic escalation: the leader of the incident's service team, else the assignee's manager."""
        result = super()._svcms_sla_managers()
        for incident in self:
            if incident.team_id.leader_id:
                result[incident.id] = incident.team_id.leader_id
        return result

    def _svcms_sla_notified(self, kind, lines):
        if kind != "escalation":
            return
        self.filtered(lambda inc: not inc.escalated)._svcms_write_workflow(
            {"escalated": True, "escalation_date": fields.Datetime.now()}
        )

    def _message_post_after_hook(self, message, msg_vals):
        # a public reply from IT staff is the first response the caller gets
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            self
            and message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id.user_ids.filtered(lambda user: not user.share)
        ):
            self._svcms_sla_event("first_response")
        return result
