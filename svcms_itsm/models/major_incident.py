import datetime

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import is_html_empty

from .major_incident_rule import CRITICALITY_RANK

MANAGER_GROUP = "svcms_itsm.group_itsm_manager"
AGENT_GROUP = "svcms_itsm.group_itsm_user"
# the IT manager who is accountable for major incidents when the rule names nobody (ir.config_parameter: user id)
IT_MANAGER_PARAM = "svcms_itsm.major_incident_manager_id"
NOTIFY_ACTIVITY = "svcms_itsm.mail_activity_type_major_incident"
UPDATE_ACTIVITY = "svcms_itsm.mail_activity_type_major_incident_update"
CLOSED_INCIDENT_STATES = ("closed", "cancelled")
RESOLVED_INCIDENT_STATES = ("resolved", "closed")


class SvcmsMajorIncident(models.Model):
    """The major-incident procedure of one incident (ISO/IEC 20000-1 8.6.1): accountable manager,
    notification of top management, timed status updates and the mandatory review with lessons learned.
    """

    _name = "svcms.major.incident"
    _description = "Major Incident"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.workflow.mixin",
        "svcms.evidence.mixin",
        "svcms.cron.failure.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.6.1",)}
    _svcms_transitions = {
        "start_review": Transition(("open",), "review", "review_started_by_id", "review_started_date", AGENT_GROUP),
        # the accountable manager or an IT service manager: checked in _svcms_check_transition below
        "complete_review": Transition(("review",), "reviewed", "reviewed_by_id", "reviewed_date"),
        "reopen": Transition(("review",), "open", group=AGENT_GROUP),
    }
    _svcms_workflow_fields = ("declared_by_id", "declared_date", "rule_id", "incident_id")
    _svcms_editable_states = ("open", "review")
    _svcms_frozen_fields = (
        "manager_id",
        "lessons_learned",
        "root_cause_summary",
        "impact_summary",
        "update_interval",
        "update_ids",
    )
    _svcms_deletable_states = ()

    name = fields.Char(related="incident_id.name", store=True)
    incident_id = fields.Many2one(
        "svcms.incident", required=True, ondelete="restrict", index=True, check_company=True, readonly=True
    )
    company_id = fields.Many2one(related="incident_id.company_id", store=True, index=True)
    subject = fields.Char(related="incident_id.subject")
    incident_state = fields.Selection(related="incident_id.state", string="Incident Status")
    priority = fields.Selection(related="incident_id.priority")
    is_security = fields.Boolean(related="incident_id.is_security", store=True, index=True, string="Security Incident")
    manager_id = fields.Many2one(
        "res.users",
        string="Accountable Manager",
        tracking=True,
        domain=[("share", "=", False)],
        help="Leads the major incident, publishes the status updates and completes the review.",
    )
    state = fields.Selection(
        [("open", "Open"), ("review", "Under Review"), ("reviewed", "Reviewed")],
        required=True,
        default="open",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    rule_id = fields.Many2one(
        "svcms.major.incident.rule", string="Criteria Met", readonly=True, copy=False, check_company=True
    )
    declared_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    declared_date = fields.Datetime(string="Declared On", readonly=True, copy=False, default=fields.Datetime.now)
    impact_summary = fields.Text(help="Services, customers and business affected.")
    update_interval = fields.Integer(
        string="Status Update Interval (minutes)",
        default=60,
        help="A status update is due this long after the last one while the major incident is open.",
    )
    update_ids = fields.One2many("svcms.major.incident.update", "major_incident_id", string="Status Updates")
    last_update_date = fields.Datetime(compute="_compute_update_due", store=True, string="Last Update")
    next_update_due = fields.Datetime(compute="_compute_update_due", store=True, index="btree_not_null")
    root_cause_summary = fields.Text()
    lessons_learned = fields.Html()
    review_started_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    review_started_date = fields.Datetime(string="Review Started On", readonly=True, copy=False)
    reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    reviewed_date = fields.Datetime(string="Reviewed On", readonly=True, copy=False, tracking=True)
    can_start_review = fields.Boolean(compute="_compute_svcms_can")
    can_complete_review = fields.Boolean(compute="_compute_svcms_can")
    can_reopen = fields.Boolean(compute="_compute_svcms_can")

    _incident_uniq = models.Constraint(
        "UNIQUE(incident_id)",
        "An incident has one major-incident record at most.",
    )

    @api.depends("update_ids.date", "update_interval", "declared_date", "state")
    def _compute_update_due(self):
        for major in self:
            last = max(major.update_ids.mapped("date"), default=False)
            major.last_update_date = last
            start = last or major.declared_date
            if major.state == "open" and start and major.update_interval > 0:
                major.next_update_due = start + datetime.timedelta(minutes=major.update_interval)
            else:
                major.next_update_due = False

    # ------------------------------------------------------------------ workflow

    def _svcms_check_transition(self, action):  # pylint: disable=missing-return; the parent returns None
        super()._svcms_check_transition(action)
        if action == "complete_review" and not self.env.user.has_group(MANAGER_GROUP):
            others = self.filtered(lambda major: major.manager_id != self.env.user)
            if others:
                raise AccessError(
                    self.env._(
                        "Only the accountable manager of %(record)s or an IT service manager may complete its review.",
                        record=others[0].display_name,
                    )
                )

    def action_start_review(self):
        return self._svcms_transition("start_review")

    def action_reopen(self):
        return self._svcms_transition("reopen")

    def action_complete_review(self):
        # who may do it first: a refusal says so before it lists missing content
        self._svcms_check_transition("complete_review")
        for major in self:
            missing = []
            if not major.root_cause_summary or not major.root_cause_summary.strip():
                missing.append(major._fields["root_cause_summary"]._description_string(self.env))
            if is_html_empty(major.lessons_learned):
                missing.append(major._fields["lessons_learned"]._description_string(self.env))
            if missing:
                raise UserError(
                    self.env._(
                        "%(record)s: fill in %(fields)s before completing the review.",
                        record=major.display_name,
                        fields=", ".join(missing),
                    )
                )
            if major.sudo().incident_id.state not in RESOLVED_INCIDENT_STATES:
                raise UserError(
                    self.env._(
                        "%(record)s: the incident must be resolved before the review is completed.",
                        record=major.display_name,
                    )
                )
        return self._svcms_transition("complete_review")

    # ------------------------------------------------------------------ detection

    @api.model
    def _svcms_it_manager(self):
        value = self.env["ir.config_parameter"].sudo().get_param(IT_MANAGER_PARAM)
        user = self.env["res.users"].sudo().browse(int(value)).exists() if value and value.isdigit() else None
        return user or self.env["res.users"]

    @api.model
    def _svcms_affected(self, incidents):
        """``{incident id: (number of affected customers, criticality ranks of affected services)}``.

        The customers and services the impact analysis of the incident's CIs finds, plus its own services
        and their customers: one impact query per distinct set of CIs.
        """
        incidents = incidents.sudo()
        impacts = {}
        for ci_set in {frozenset(incident.ci_ids.ids) for incident in incidents}:
            impacts[ci_set] = self.env["svcms.ci"].sudo().browse(sorted(ci_set))._svcms_impact()
        impacted_service_ids = {sid for impact in impacts.values() for sid in impact["services"]}
        services = self.env["svcms.service"].sudo().browse(impacted_service_ids) | incidents.service_ids
        criticality = {service.id: CRITICALITY_RANK.get(service.criticality, 0) for service in services}
        result = {}
        for incident in incidents:
            impact = impacts[frozenset(incident.ci_ids.ids)]
            customers = set(impact["customers"]) | set(incident.service_ids.customer_ids.ids)
            service_ids = set(impact["services"]) | set(incident.service_ids.ids)
            result[incident.id] = (len(customers), [criticality[sid] for sid in service_ids])
        return result

    @api.model
    def _svcms_detect(self, incidents):
        """Open the procedure for the incidents that meet an active rule of their company; the incident area
        calls it after create and after a change of priority, CIs or services.

        :return: the major incidents opened
        """
        incidents = incidents.sudo().filtered(
            lambda incident: not incident.major_incident_id and incident.state not in CLOSED_INCIDENT_STATES
        )
        if not incidents:
            return self.browse()
        rules = (
            self.env["svcms.major.incident.rule"]
            .sudo()
            .search([("company_id", "in", incidents.company_id.ids)], order="sequence, id")
        )
        if not rules:
            return self.browse()
        affected = self._svcms_affected(incidents)
        matched = []
        for incident in incidents:
            customers, criticalities = affected[incident.id]
            rule = next(
                (
                    rule
                    for rule in rules
                    if rule.company_id == incident.company_id
                    and rule._svcms_matches(incident.priority, customers, criticalities)
                ),
                None,
            )
            if rule:
                matched.append((incident, rule))
        if not matched:
            return self.browse()
        return self._svcms_open(matched, declared_by=False)

    @api.model
    def _svcms_open(self, pairs, declared_by=False):
        """Open one major incident per (incident, rule or empty rule) pair: accountable manager, link on the
        incident, notification of top management."""
        it_manager = self._svcms_it_manager()
        values = []
        for incident, rule in pairs:
            values.append(
                {
                    "incident_id": incident.id,
                    "rule_id": rule.id if rule else False,
                    "manager_id": ((rule and rule.manager_id) or it_manager).id,
                    "update_interval": rule.update_interval if rule else 60,
                    "declared_by_id": declared_by and declared_by.id,
                    "declared_date": fields.Datetime.now(),
                }
            )
        majors = self.sudo()._svcms_trusted().create(values)
        for major in majors:
            incident = major.incident_id
            self._svcms_write_incident(incident, {"major_incident_id": major.id})
            if major.manager_id:
                major.message_subscribe(partner_ids=major.manager_id.partner_id.ids)
            major._svcms_notify_opened()
        return majors.with_env(self.env)

    @api.model
    def _svcms_write_incident(self, incidents, vals):
        """Write fields of incidents the incident workflow may protect (trusted server write)."""
        incidents = incidents.sudo()
        if hasattr(incidents, "_svcms_write_workflow"):
            return incidents._svcms_write_workflow(vals)
        return incidents.write(vals)

    def _svcms_notify_opened(self):
        """Tell the accountable manager and top management, each in their own language."""
        self.ensure_one()
        major = self.sudo()
        recipients = major.rule_id._svcms_recipients() | major.manager_id
        if not recipients:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        activity_type = self.env.ref(NOTIFY_ACTIVITY)
        activities = []
        for user in recipients:
            addressed = major._svcms_for_user(user)
            body = addressed.env._(
                "Major incident %(incident)s opened: %(subject)s (priority %(priority)s). Accountable manager: "
                "%(manager)s.",
                incident=major.incident_id.name,
                subject=major.incident_id.subject,
                priority=dict(major.incident_id._fields["priority"]._description_selection(addressed.env)).get(
                    major.incident_id.priority, "-"
                ),
                manager=major.manager_id.name or "-",
            )
            addressed.message_post(
                body=body,
                partner_ids=user.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            activities.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": major.id,
                    "user_id": user.id,
                    "summary": addressed.env._("Major incident %(incident)s", incident=major.incident_id.name),
                    "note": Markup("<p>%s</p>") % body,
                    "automated": True,
                }
            )
        self.env["mail.activity"].sudo().create(activities)

    # ------------------------------------------------------------------ status update reminders

    @api.model
    def _update_due_domain(self):
        return Domain.AND(
            [
                [
                    ("state", "=", "open"),
                    ("next_update_due", "<=", fields.Datetime.now()),
                    ("manager_id", "!=", False),
                    # reminded already: it waits for the update
                    ("activity_ids", "not any", [("activity_type_id", "=", self.env.ref(UPDATE_ACTIVITY).id)]),
                ],
                self._svcms_cron_retry_domain(),
            ]
        )

    @api.model
    def _cron_remind_updates(self, batch_size=200):
        """One activity per major incident whose status update is overdue, for its accountable manager; none
        while one is still open."""
        domain = self._update_due_domain()
        majors = self.search(domain, order="next_update_due, id", limit=batch_size)
        majors._svcms_cron_process(lambda batch: batch._svcms_schedule_update_activity())
        remaining = self.search_count(domain) if len(majors) == batch_size else 0
        self.env["ir.cron"]._commit_progress(len(majors), remaining=remaining)
        return True

    def _svcms_schedule_update_activity(self):
        """The accountable manager's reminder to publish a status update; none while one is still open."""

        def reminder(major):
            if not major.manager_id:
                return None
            addressed = major._svcms_for_user(major.manager_id)
            return {
                "user_id": major.manager_id.id,
                "summary": addressed.env._(
                    "Publish a status update on major incident %(incident)s", incident=major.display_name
                ),
            }

        self._svcms_schedule_activities_once(self.env.ref(UPDATE_ACTIVITY), reminder)
