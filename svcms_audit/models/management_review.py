from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

MANAGER_GROUP = "svcms_audit.group_audit_manager"
REVIEW_ACTIVITY = "svcms_audit.mail_activity_type_management_review_due"


class SvcmsManagementReview(models.Model):
    """A management review (ISO/IEC 20000-1 9.3; procedure No.29 管理评审).

    "Prepare inputs" compiles every input section from live data into frozen snapshot records
    (``svcms.management.review.input``): the minutes stay true after the data changes. A section is
    a method ``_svcms_review_input_<code>`` returning its summary and figures; other addons add
    sections by extending ``_svcms_review_sections`` and defining the method.
    """

    _name = "svcms.management.review"
    _description = "Management Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "review_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        # re-run while not held: the snapshot is replaced
        "prepare": Transition(("draft", "prepared"), "prepared", "prepared_by_id", "prepared_date", MANAGER_GROUP),
        "hold": Transition(("prepared",), "held", "held_by_id", "held_date", MANAGER_GROUP),
        "reset": Transition(("prepared", "held"), "draft", None, None, MANAGER_GROUP),
        # the chair's user or an audit manager (see _svcms_check_transition)
        "approve": Transition(("held",), "approved", "approved_by_id", "approved_date"),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("draft", "prepared", "held")
    _svcms_deletable_states = ("draft",)
    _svcms_lock_chatter = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one("svcms.management.system", required=True, index=True, check_company=True)
    review_date = fields.Date(required=True, tracking=True, index=True)
    period_start = fields.Date(string="Period From", required=True)
    period_end = fields.Date(string="Period To", required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("prepared", "Inputs Prepared"), ("held", "Held"), ("approved", "Approved")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    chair_id = fields.Many2one(
        "hr.employee", tracking=True, check_company=True, help="Top management: the general manager."
    )
    chair_user_id = fields.Many2one(related="chair_id.user_id", string="Chair User")
    coordinator_id = fields.Many2one(
        "hr.employee",
        tracking=True,
        check_company=True,
        help="The management representative of the management system, who prepares the review "
        "(by default the system's representative).",
    )
    # the public profile: whoever organises the review picks attendees without HR rights
    attendee_ids = fields.Many2many("hr.employee.public", string="Attendees", check_company=True)
    attendees_confirmed = fields.Boolean(
        string="Attendance Confirmed", help="The attendees listed were present at the meeting."
    )
    location = fields.Char()
    agenda = fields.Html()
    minutes = fields.Html()
    conclusion = fields.Html(
        help="Conclusions on the suitability, adequacy and effectiveness of the management system."
    )
    input_ids = fields.One2many("svcms.management.review.input", "review_id", string="Inputs", readonly=True)
    decision_ids = fields.One2many("svcms.management.review.decision", "review_id", string="Decisions and Actions")
    decision_count = fields.Integer(compute="_compute_decision_count", string="Decisions")
    prepared_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    prepared_date = fields.Datetime(string="Inputs Prepared On", readonly=True, copy=False)
    held_by_id = fields.Many2one("res.users", string="Recorded as Held By", readonly=True, copy=False)
    held_date = fields.Datetime(string="Recorded as Held On", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False, tracking=True)
    can_prepare = fields.Boolean(compute="_compute_svcms_can")
    can_hold = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")
    can_approve = fields.Boolean(compute="_compute_svcms_can")

    # ------------------------------------------------------------------ computes and checks

    @api.model
    def _svcms_locked_fields(self):
        return super()._svcms_locked_fields() | {"input_ids", "decision_ids", "attendee_ids"}

    @api.onchange("management_system_id")
    def _onchange_management_system_id(self):
        if self.management_system_id.sudo().representative_id:
            self.coordinator_id = self.management_system_id.sudo().representative_id

    @api.depends("decision_ids")
    def _compute_decision_count(self):
        for review in self:
            review.decision_count = len(review.decision_ids)

    @api.constrains("review_date", "period_start", "period_end", "management_system_id", "state")
    def _check_dates(self):
        for review in self:
            if review.period_start > review.period_end:
                raise ValidationError(
                    self.env._(
                        "Management review %(name)s: the period starts on %(start)s, after its end on %(end)s.",
                        name=review.name,
                        start=review.period_start,
                        end=review.period_end,
                    )
                )
            if review.review_date < review.period_end:
                raise ValidationError(
                    self.env._(
                        "Management review %(name)s: the review date %(date)s is before the end of the period "
                        "it reviews (%(end)s).",
                        name=review.name,
                        date=review.review_date,
                        end=review.period_end,
                    )
                )
        # a period already covered by an approved review of the same system is closed
        domain = Domain.OR(
            Domain("management_system_id", "=", review.management_system_id.id)
            & Domain("id", "!=", review.id)
            & Domain("period_start", "<=", review.period_end)
            & Domain("period_end", ">=", review.period_start)
            for review in self
        ) & Domain("state", "=", "approved")
        closed = self.sudo().search(domain)
        for review in self:
            for other in closed:
                if (
                    other.management_system_id == review.management_system_id
                    and other != review
                    and other.period_start <= review.period_end
                    and other.period_end >= review.period_start
                ):
                    raise ValidationError(
                        self.env._(
                            "Management review %(name)s: the period %(start)s – %(end)s overlaps the period of "
                            "the approved review %(other)s (%(other_start)s – %(other_end)s), which is closed. "
                            "Review a later period.",
                            name=review.name,
                            start=review.period_start,
                            end=review.period_end,
                            other=other.display_name,
                            other_start=other.period_start,
                            other_end=other.period_end,
                        )
                    )

    @api.depends("name", "reference")
    def _compute_display_name(self):
        for review in self:
            review.display_name = (
                f"{review.reference} {review.name}" if review.reference and review.reference != "/" else review.name
            )

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        systems = self.env["svcms.management.system"].sudo()
        for vals in vals_list:
            if not vals.get("coordinator_id") and vals.get("management_system_id"):
                vals["coordinator_id"] = systems.browse(vals["management_system_id"]).representative_id.id
            if vals.get("reference", "/") == "/":
                vals["reference"] = sequence.next_by_code("svcms.management.review") or "/"
        return super().create(vals_list)

    def _check_can_update_message_content(self, messages):
        self._svcms_check_chatter_unlocked()
        return super()._check_can_update_message_content(messages)

    # ------------------------------------------------------------------ workflow

    def _svcms_is_chair(self):
        user = self.env.user
        return bool(self) and all(review.sudo().chair_id.user_id == user for review in self)

    def _svcms_check_transition(self, action):
        if action == "approve" and not self.env.user.has_group(MANAGER_GROUP):
            if not self._svcms_is_chair():
                raise AccessError(
                    self.env._(
                        "Only the chair of the management review or an audit manager may approve %(review)s.",
                        review=", ".join(self.sudo().mapped("display_name")),
                    )
                )
            # the chair approves the review they chaired without editing rights on reviews
            return super(SvcmsManagementReview, self.sudo())._svcms_check_transition(action)
        return super()._svcms_check_transition(action)

    def _svcms_can(self, action):
        if action == "approve" and self._svcms_is_chair() and not self.env.user.has_group(MANAGER_GROUP):
            try:
                self._svcms_check_transition(action)
            except (UserError, AccessError):
                return False
            return True
        return super()._svcms_can(action)

    def action_prepare_inputs(self):
        self._svcms_check_transition("prepare")
        self._svcms_prepare_inputs()
        return self._svcms_transition("prepare")

    def action_hold(self):
        self._svcms_check_transition("hold")
        for review in self:
            if not review.attendee_ids or not review.attendees_confirmed:
                raise UserError(
                    self.env._(
                        "Management review %(review)s: list the attendees and confirm their attendance before "
                        "recording the review as held.",
                        review=review.display_name,
                    )
                )
            if not review.minutes:
                raise UserError(
                    self.env._("Management review %(review)s: write the minutes first.", review=review.display_name)
                )
        return self._svcms_transition("hold")

    def action_reset_to_draft(self):
        return self._svcms_transition("reset")

    def action_approve(self):
        records = self.sudo() if self._svcms_is_chair() and not self.env.user.has_group(MANAGER_GROUP) else self
        records._svcms_transition("approve", {})
        return True

    def action_print_minutes(self):
        return self.env.ref("svcms_audit.action_report_management_review").report_action(self)

    # ------------------------------------------------------------------ inputs

    @api.model
    def _svcms_review_sections(self):
        """``[(code, title)]`` in the order of the minutes; each code has a ``_svcms_review_input_<code>``.

        Other addons append their own sections (call super, add, keep the order)."""
        return [
            ("previous_actions", self.env._("Status of actions from previous management reviews")),
            ("context", self.env._("Changes in external and internal issues")),
            ("objectives", self.env._("Service management objectives and KPI trends")),
            ("sla", self.env._("Service level performance and workload")),
            ("complaints", self.env._("Complaints and customer satisfaction")),
            ("nonconformity", self.env._("Nonconformities and corrective actions")),
            ("audits", self.env._("Audit results")),
            ("suppliers", self.env._("Performance of suppliers")),
            ("risks", self.env._("Risks and opportunities")),
            ("resources", self.env._("Resources and competence")),
            ("improvements", self.env._("Opportunities for improvement")),
        ]

    def _svcms_prepare_inputs(self):
        """Replace the snapshot of every review of ``self`` by the live figures of now."""
        trusted = self.env["svcms.management.review.input"]._svcms_trusted()
        trusted.search([("review_id", "in", self.ids)]).unlink()
        vals_list = []
        for review in self:
            for sequence, (code, title) in enumerate(review._svcms_review_sections(), start=1):
                section = getattr(review.sudo(), f"_svcms_review_input_{code}")()
                vals_list.append(
                    {
                        "review_id": review.id,
                        "sequence": sequence * 10,
                        "section": code,
                        "title": title,
                        "summary": section.get("summary") or False,
                        "figures": section.get("figures") or {},
                        "figures_text": "; ".join(f"{key}: {value}" for key, value in section.get("lines", [])),
                    }
                )
        trusted.create(vals_list)
        return True

    # helpers for the sections (values already computed: escape and lay out only)

    def _svcms_period_datetimes(self):
        start = fields.Datetime.to_datetime(self.period_start)
        end = fields.Datetime.to_datetime(self.period_end + timedelta(days=1))
        return start, end

    @api.model
    def _svcms_table(self, headers, rows):
        head = Markup("").join(Markup("<th>%s</th>") % header for header in headers)
        body = Markup("").join(
            Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % escape(cell) for cell in row)
            for row in rows
        )
        table = Markup(
            '<table class="table table-sm o_svcms_review_table"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
        )
        return table % (head, body)

    @api.model
    def _svcms_section(self, lines, note=None, tables=()):
        """A section from ``lines`` [(label, value)] (the key figures), an optional note and extra tables."""
        label = self.env._("Figure")
        value = self.env._("Value")
        parts = [self._svcms_table([label, value], lines)] if lines else []
        parts += list(tables)
        if note:
            parts.append(Markup("<p>%s</p>") % note)
        return {
            "summary": Markup("").join(parts),
            "figures": {str(key): value for key, value in lines},
            "lines": lines,
        }

    @api.model
    def _svcms_selection_label(self, model, field, value):
        return dict(self.env[model]._fields[field]._description_selection(self.env)).get(value, value or "-")

    def _svcms_counts_by(self, model, domain, field):
        """[(label, count)] of ``model`` records grouped by the selection ``field``."""
        groups = self.env[model]._read_group(domain, [field], ["__count"])
        return [(self._svcms_selection_label(model, field, value), count) for value, count in groups]

    # the sections: one method each, a bounded number of aggregate queries whatever the volume

    def _svcms_review_input_previous_actions(self):
        domain = (
            Domain("review_id.management_system_id", "=", self.management_system_id.id)
            & Domain("review_id.state", "=", "approved")
            & Domain("review_id", "!=", self.id)
        )
        Decision = self.env["svcms.management.review.decision"]
        groups = dict(Decision._read_group(domain, ["done"], ["__count"]))
        overdue = Decision._read_group(
            domain & Domain("done", "=", False) & Domain("deadline", "<", self.review_date), [], ["__count"]
        )[0][0]
        lines = [
            (self.env._("Actions decided by previous reviews"), sum(groups.values())),
            (self.env._("Done"), groups.get(True, 0)),
            (self.env._("Open"), groups.get(False, 0)),
            (self.env._("Open and past their deadline"), overdue),
        ]
        note = None if sum(groups.values()) else self.env._("No previous management review of this system recorded.")
        return self._svcms_section(lines, note)

    def _svcms_review_input_context(self):
        start, end = self._svcms_period_datetimes()
        Issue = self.env["svcms.context.issue"].with_context(active_test=False)
        base = Domain("company_id", "=", self.company_id.id) & (
            Domain("management_system_id", "=", self.management_system_id.id)
            | Domain("management_system_id", "=", False)
        )
        new = Domain("create_date", ">=", start) & Domain("create_date", "<", end)
        changed = Domain("create_date", "<", start) & Domain("write_date", ">=", start) & Domain("write_date", "<", end)
        rows = []
        totals = {"new": 0, "changed": 0}
        for key, domain in (("new", new), ("changed", changed)):
            for swot, count in Issue._read_group(base & domain, ["swot"], ["__count"]):
                rows.append(
                    (
                        self.env._("New") if key == "new" else self.env._("Changed"),
                        self._svcms_selection_label("svcms.context.issue", "swot", swot),
                        count,
                    )
                )
                totals[key] += count
        lines = [
            (self.env._("Issues identified in the period"), totals["new"]),
            (self.env._("Issues changed in the period"), totals["changed"]),
        ]
        table = self._svcms_table([self.env._("Change"), self.env._("SWOT"), self.env._("Issues")], rows)
        return self._svcms_section(lines, tables=[table] if rows else [])

    def _svcms_review_input_objectives(self):
        system = Domain("management_system_id", "=", self.management_system_id.id)
        lines = [
            (self.env._("Objectives: %(status)s", status=label), count)
            for label, count in self._svcms_counts_by("svcms.objective", system, "status")
        ]
        kpis = self.env["svcms.kpi"].search_fetch(
            system, ["name", "last_value", "target", "unit", "last_period_start", "status", "trend"], limit=50
        )
        rows = [
            (
                kpi.name,
                kpi.last_period_start or "-",
                f"{kpi.last_value:g} {kpi.unit or ''}".strip() if kpi.last_period_start else "-",
                f"{kpi.target:g} {kpi.unit or ''}".strip(),
                self._svcms_selection_label("svcms.kpi", "status", kpi.status),
                self._svcms_selection_label("svcms.kpi", "trend", kpi.trend) if kpi.trend else "-",
            )
            for kpi in kpis
        ]
        table = self._svcms_table(
            [
                self.env._("KPI"),
                self.env._("Last Period"),
                self.env._("Last Value"),
                self.env._("Target"),
                self.env._("Status"),
                self.env._("Trend"),
            ],
            rows,
        )
        return self._svcms_section(lines, tables=[table] if rows else [])

    def _svcms_review_input_sla(self):
        start, end = self._svcms_period_datetimes()
        domain = (
            Domain("company_id", "=", self.company_id.id)
            & Domain("start_datetime", ">=", start)
            & Domain("start_datetime", "<", end)
            & Domain("excluded", "=", False)
        )
        groups = dict(self.env["svcms.sla.line"]._read_group(domain, ["state"], ["__count"]))
        met, breached = groups.get("met", 0), groups.get("breached", 0)
        compliance = round(100.0 * met / (met + breached), 1) if met + breached else 0.0
        lines = [
            (self.env._("Service level targets measured"), sum(groups.values())),
            (self.env._("Met"), met),
            (self.env._("Breached"), breached),
            (self.env._("Still running"), groups.get("running", 0) + groups.get("paused", 0)),
            (self.env._("Compliance (%)"), compliance),
        ]
        workload = self.env["svcms.sla.line"]._read_group(
            domain & Domain("state", "in", ("met", "breached")), ["team_id", "state"], ["__count"]
        )
        by_team = {}
        for team, state, count in workload:
            by_team.setdefault(team.display_name or self.env._("No team"), {})[state] = count
        rows = [(team, values.get("met", 0), values.get("breached", 0)) for team, values in sorted(by_team.items())]
        table = self._svcms_table([self.env._("Team"), self.env._("Met"), self.env._("Breached")], rows)
        return self._svcms_section(lines, tables=[table] if rows else [])

    def _svcms_review_input_complaints(self):
        start, end = self._svcms_period_datetimes()
        domain = (
            Domain("company_id", "=", self.company_id.id)
            & Domain("date_received", ">=", start)
            & Domain("date_received", "<", end)
        )
        Complaint = self.env["svcms.complaint"]
        total = Complaint._read_group(domain, [], ["__count"])[0][0]
        by_state = self._svcms_counts_by("svcms.complaint", domain, "state")
        by_severity = self._svcms_counts_by("svcms.complaint", domain, "severity")
        answered, average = Complaint._read_group(
            # "0" is "Not Rated": no answer
            domain & Domain("satisfaction", "not in", (False, "0")),
            [],
            ["__count", "satisfaction_score:avg"],
        )[0]
        lines = [
            (self.env._("Complaints received"), total),
            (self.env._("Satisfaction answers"), answered),
            (self.env._("Average satisfaction (1–5)"), round(average or 0.0, 2)),
        ]
        tables = [
            self._svcms_table([self.env._("State"), self.env._("Complaints")], by_state),
            self._svcms_table([self.env._("Severity"), self.env._("Complaints")], by_severity),
        ]
        return self._svcms_section(lines, tables=tables if total else [])

    def _svcms_review_input_nonconformity(self):
        system = Domain("management_system_id", "=", self.management_system_id.id)
        raised = (
            system & Domain("detected_date", ">=", self.period_start) & Domain("detected_date", "<=", self.period_end)
        )
        NC = self.env["svcms.nonconformity"]
        in_period = NC._read_group(raised, [], ["__count"])[0][0]
        by_state = self._svcms_counts_by("svcms.nonconformity", system, "state")
        by_severity = self._svcms_counts_by("svcms.nonconformity", raised, "severity")
        Action = self.env["svcms.capa.action"]
        action_system = Domain("nonconformity_id.management_system_id", "=", self.management_system_id.id) | Domain(
            "improvement_id.management_system_id", "=", self.management_system_id.id
        )
        open_domain = action_system & Domain("state", "=", "open")
        open_actions = Action._read_group(open_domain, [], ["__count"])[0][0]
        overdue = Action._read_group(open_domain & Domain("deadline", "<", self.review_date), [], ["__count"])[0][0]
        lines = [
            (self.env._("Nonconformities raised in the period"), in_period),
            (self.env._("Open actions"), open_actions),
            (self.env._("Overdue actions"), overdue),
        ]
        tables = [
            self._svcms_table([self.env._("State"), self.env._("Nonconformities")], by_state),
            self._svcms_table(
                [self.env._("Severity (raised in the period)"), self.env._("Nonconformities")], by_severity
            ),
        ]
        return self._svcms_section(lines, tables=tables)

    def _svcms_review_input_audits(self):
        domain = (
            Domain("management_system_id", "=", self.management_system_id.id)
            & Domain("state", "=", "approved")
            & Domain("date_end", ">=", self.period_start)
            & Domain("date_end", "<=", self.period_end)
        )
        by_type = self._svcms_counts_by("svcms.audit", domain, "audit_type")
        findings = self._svcms_counts_by(
            "svcms.audit.line", Domain("audit_id", "any", domain) & Domain("result", "!=", False), "result"
        )
        lines = [(self.env._("Audits approved in the period"), sum(count for _label, count in by_type))]
        lines += [(self.env._("Findings: %(result)s", result=label), count) for label, count in findings]
        table = self._svcms_table([self.env._("Audit Type"), self.env._("Audits")], by_type)
        note = None if by_type else self.env._("No audit of this system was approved in the period.")
        return self._svcms_section(lines, note, tables=[table] if by_type else [])

    def _svcms_review_input_suppliers(self):
        """Supplier performance from ``svcms.management.system._svcms_supplier_performance`` (filled by an addon
        that manages suppliers, e.g. svcms_itsm); the note when there is none."""
        rows = self.management_system_id._svcms_supplier_performance(self.period_start, self.period_end)
        if not rows:
            return self._svcms_section([], self.env._("No supplier review recorded."))
        reviews = sum(row["reviews"] for row in rows)
        lines = [
            (self.env._("Supplier reviews completed in the period"), reviews),
            (self.env._("Contracts expiring"), sum(row["contracts_expiring"] for row in rows)),
            (self.env._("Open disputes"), sum(row["open_disputes"] for row in rows)),
        ]
        table = self._svcms_table(
            [
                self.env._("Supplier"),
                self.env._("Reviews"),
                self.env._("Average Score (1–5)"),
                self.env._("Contracts Expiring"),
                self.env._("Open Disputes"),
            ],
            [
                (
                    row["supplier"],
                    row["reviews"],
                    "-" if row["average_score"] is None else row["average_score"],
                    row["contracts_expiring"],
                    row["open_disputes"],
                )
                for row in rows
            ],
        )
        note = None if reviews else self.env._("No supplier review recorded.")
        return self._svcms_section(lines, note, tables=[table])

    def _svcms_review_input_risks(self):
        domain = Domain("management_system_id", "=", self.management_system_id.id) & Domain("state", "!=", "closed")
        groups = self.env["svcms.risk"]._read_group(domain, ["risk_type", "level"], ["__count"])
        rows = [
            (
                self._svcms_selection_label("svcms.risk", "risk_type", risk_type),
                self._svcms_selection_label("svcms.risk", "level", level),
                count,
            )
            for risk_type, level, count in groups
        ]
        high = sum(count for _type, level, count in groups if level in ("high", "critical"))
        lines = [
            (self.env._("Open risks and opportunities"), sum(count for *_keys, count in groups)),
            (self.env._("High or critical"), high),
        ]
        table = self._svcms_table([self.env._("Type"), self.env._("Level"), self.env._("Open")], rows)
        return self._svcms_section(lines, tables=[table] if rows else [])

    def _svcms_review_input_resources(self):
        company = Domain("company_id", "=", self.company_id.id)
        headcount = self.env["hr.employee"]._read_group(company, ["department_id"], ["__count"])
        rows = [(department.display_name or self.env._("No department"), count) for department, count in headcount]
        attendance = (
            company
            & Domain("session_date", ">=", self.period_start)
            & Domain("session_date", "<=", self.period_end)
            & Domain("state", "=", "done")
        )
        attended, hours = self.env["svcms.training.attendance"]._read_group(
            attendance & Domain("attended", "=", True), [], ["__count", "hours:sum"]
        )[0]
        horizon = self.review_date + timedelta(days=90)
        skills = self.env["hr.employee.skill"]._read_group(
            Domain("valid_to", ">=", self.review_date)
            & Domain("valid_to", "<=", horizon)
            & Domain("employee_id.company_id", "=", self.company_id.id),
            [],
            ["__count"],
        )[0][0]
        expired = self.env["hr.employee.skill"]._read_group(
            Domain("valid_to", "<", self.review_date)
            & Domain("valid_to", ">=", self.period_start)
            & Domain("employee_id.company_id", "=", self.company_id.id),
            [],
            ["__count"],
        )[0][0]
        lines = [
            (self.env._("Employees"), sum(count for _dep, count in headcount)),
            (self.env._("Training attendances in the period"), attended),
            (self.env._("Training hours in the period"), round(hours or 0.0, 1)),
            (self.env._("Certifications expiring within 90 days"), skills),
            (self.env._("Certifications expired in the period"), expired),
        ]
        table = self._svcms_table([self.env._("Department"), self.env._("Employees")], rows)
        return self._svcms_section(lines, tables=[table] if rows else [])

    def _svcms_review_input_improvements(self):
        domain = Domain("management_system_id", "=", self.management_system_id.id)
        by_state = self._svcms_counts_by("svcms.improvement", domain, "state")
        by_source = self._svcms_counts_by("svcms.improvement", domain, "source_type")
        lines = [(self.env._("Improvements: %(state)s", state=label), count) for label, count in by_state]
        table = self._svcms_table([self.env._("Source"), self.env._("Improvements")], by_source)
        note = None if by_state else self.env._("No improvement opportunity recorded.")
        return self._svcms_section(lines, note, tables=[table] if by_source else [])

    # ------------------------------------------------------------------ reminder

    @api.model
    def _cron_review_reminder(self):
        """Remind each management representative when their system's last approved review is older than a year."""
        limit = fields.Date.context_today(self) - timedelta(days=365)
        Systems = self.env["svcms.management.system"].sudo()
        systems = Systems.search(Domain("representative_id.user_id", "!=", False) & Systems._svcms_cron_retry_domain())
        last = dict(
            self.sudo()._read_group(
                [("state", "=", "approved"), ("management_system_id", "in", systems.ids)],
                ["management_system_id"],
                ["review_date:max"],
            )
        )
        due = systems.filtered(lambda system: not last.get(system) or last[system] < limit)
        if not due:
            return True
        activity_type = self.env.ref(REVIEW_ACTIVITY)
        planned = set(
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "svcms.management.system"),
                    ("res_id", "in", due.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        (due.filtered(lambda s: s.id not in planned))._svcms_cron_process(
            lambda systems: systems._svcms_schedule_review_reminder()
        )
        return True
