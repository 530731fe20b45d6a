import datetime

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, html2plaintext

AGENT_GROUP = "svcms_itsm.group_itsm_user"
MANAGER_GROUP = "svcms_itsm.group_itsm_manager"
OPEN_STATES = ("new", "analysis", "known_error", "fixing", "review")
# system parameters of the problem process (res.config.settings below)
PARAM_THRESHOLD = "svcms_itsm.recurring_incident_threshold"
PARAM_WINDOW = "svcms_itsm.recurring_incident_window_days"
PARAM_REVIEW_DAYS = "svcms_itsm.problem_review_days"
DEFAULT_THRESHOLD = 3
DEFAULT_WINDOW = 30
DEFAULT_REVIEW_DAYS = 30


def _int_param(env, key, default):
    value = env["ir.config_parameter"].sudo().get_param(key)
    try:
        return max(int(value), 1) if value not in (None, False, "") else default
    except ValueError:
        return default


class SvcmsProblem(models.Model):
    """The unknown cause of one or more incidents (ISO/IEC 20000-1 8.6.3).

    new → analysis (root cause analysis) → known_error (cause and workaround known) → fixing (a change
    removes the cause) → review (no recurrence for N days after the fix) → closed; a recurrence sends
    the problem back to analysis. Recurring incidents propose problems on their own (scheduled action).
    """

    _name = "svcms.problem"
    _description = "Problem"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.workflow.mixin",
        "svcms.evidence.mixin",
        "svcms.cron.failure.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.6.3",)}
    _svcms_evidence_domain = [("state", "!=", "cancelled")]

    _svcms_transitions = {
        "start_analysis": Transition(("new",), "analysis", None, "analysis_date", AGENT_GROUP),
        "confirm_known_error": Transition(("analysis",), "known_error", None, "known_error_date", AGENT_GROUP),
        "start_fix": Transition(("known_error",), "fixing", None, None, AGENT_GROUP),
        "fix_done": Transition(("fixing",), "review", None, None, AGENT_GROUP),
        "close": Transition(("review",), "closed", "closed_by_id", "closed_date", MANAGER_GROUP, ("user_id",)),
        "reopen": Transition(("review",), "analysis", None, None, AGENT_GROUP),
        "cancel": Transition(("new", "analysis", "known_error"), "cancelled", None, None, MANAGER_GROUP),
    }
    _svcms_workflow_fields = ("fixed_date", "review_date", "review_result", "recurrence_found")
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = OPEN_STATES
    _svcms_writable_when_locked = ("svcms_cron_failure_count", "svcms_cron_last_error", "svcms_cron_failed_at")
    _svcms_deletable_states = ("new", "cancelled")
    _svcms_separation_default = False

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    description = fields.Html()
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Problem Owner",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref(AGENT_GROUP).ids)],
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("analysis", "Root Cause Analysis"),
            ("known_error", "Known Error"),
            ("fixing", "Fix in Progress"),
            ("review", "Effectiveness Review"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="new",
        tracking=True,
        index=True,
        readonly=True,
        copy=False,
    )
    priority = fields.Selection(
        [("1", "High"), ("2", "Medium"), ("3", "Low")], required=True, default="2", tracking=True
    )
    category_id = fields.Many2one("svcms.incident.category", check_company=True, index=True)
    ci_ids = fields.Many2many("svcms.ci", string="Configuration Items", check_company=True)
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    incident_ids = fields.One2many("svcms.incident", "problem_id", string="Incidents")
    incident_count = fields.Integer(compute="_compute_incident_count")
    known_error_ids = fields.One2many("svcms.known.error", "problem_id", string="Known Errors")
    known_error_count = fields.Integer(compute="_compute_known_error_count")
    change_id = fields.Many2one("svcms.change", string="Fix Change", tracking=True, check_company=True)
    change_state = fields.Selection(related="change_id.state", string="Change Status")
    change_outcome = fields.Selection(related="change_id.outcome", string="Change Outcome")
    # root cause analysis
    rca_method = fields.Selection(
        [("five_whys", "5 Whys"), ("fishbone", "Fishbone (Ishikawa)"), ("timeline", "Timeline"), ("other", "Other")],
        string="Analysis Method",
        default="five_whys",
        tracking=True,
    )
    rca_analysis = fields.Html(string="Analysis", help="The 5 whys, the fishbone branches or the timeline.")
    root_cause = fields.Html()
    root_cause_category = fields.Selection(
        [
            ("hardware", "Hardware"),
            ("software", "Software Defect"),
            ("configuration", "Configuration"),
            ("capacity", "Capacity"),
            ("network", "Network"),
            ("process", "Process"),
            ("human", "Human Error"),
            ("supplier", "Supplier"),
            ("security", "Security"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    workaround = fields.Html()
    # workflow trail
    analysis_date = fields.Datetime(string="Analysis Started On", readonly=True, copy=False)
    known_error_date = fields.Datetime(string="Known Error On", readonly=True, copy=False)
    fixed_date = fields.Datetime(string="Fixed On", readonly=True, copy=False, tracking=True)
    review_days = fields.Integer(
        string="Review After (Days)",
        default=lambda self: _int_param(self.env, PARAM_REVIEW_DAYS, DEFAULT_REVIEW_DAYS),
        help="The effectiveness review takes place this many days after the fix.",
    )
    review_date = fields.Date(string="Review Due On", readonly=True, copy=False, tracking=True)
    review_result = fields.Selection(
        [("effective", "Effective: No Recurrence"), ("ineffective", "Ineffective: Recurrence")],
        readonly=True,
        copy=False,
        tracking=True,
    )
    recurrence_found = fields.Integer(
        string="Recurrences at Review", readonly=True, copy=False, help="Incidents counted at the last review."
    )
    recurrence_count = fields.Integer(
        compute="_compute_recurrence_count",
        string="Recurrences Since Fix",
        help="Incidents reported since the fix that are linked to this problem or share its category or one "
        "of its configuration items.",
    )
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    # recurring-incident detection
    detected = fields.Boolean(
        string="Proposed by Detection", readonly=True, copy=False, help="Proposed by the recurring-incident check."
    )
    detection_note = fields.Text(readonly=True, copy=False)
    can_start_analysis = fields.Boolean(compute="_compute_svcms_can")
    can_confirm_known_error = fields.Boolean(compute="_compute_svcms_can")
    can_start_fix = fields.Boolean(compute="_compute_svcms_can")
    can_fix_done = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")
    can_reopen = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    _review_days_positive = models.Constraint(
        "CHECK(review_days IS NULL OR review_days >= 0)",
        "The effectiveness review cannot take place before the fix.",
    )

    # ------------------------------------------------------------------ computes

    def _compute_incident_count(self):
        counts = dict(
            self.env["svcms.incident"]._read_group([("problem_id", "in", self.ids)], ["problem_id"], ["__count"])
        )
        for problem in self:
            problem.incident_count = counts.get(problem, 0)

    def _compute_known_error_count(self):
        counts = dict(
            self.env["svcms.known.error"]._read_group([("problem_id", "in", self.ids)], ["problem_id"], ["__count"])
        )
        for problem in self:
            problem.known_error_count = counts.get(problem, 0)

    @api.depends("fixed_date", "category_id", "ci_ids")
    def _compute_recurrence_count(self):
        recurrences = self._svcms_recurrences()
        for problem in self:
            problem.recurrence_count = len(recurrences.get(problem.id, ()))

    def _svcms_recurrences(self):
        """``{problem id: [incident ids]}``: the incidents reported after each problem's fix that are linked to
        it or share its category or one of its CIs (cancelled ones left out). One SQL query for all of ``self``."""
        fixed = self.filtered(lambda p: p.id and p.fixed_date)
        if not fixed:
            return {}
        self.env.flush_all()
        Incident = self.env["svcms.incident"]
        inc_rel = Incident._fields["ci_ids"]
        prb_rel = self._fields["ci_ids"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id, ARRAY_AGG(DISTINCT i.id)
                  FROM svcms_problem p
                  JOIN svcms_incident i
                    ON i.company_id = p.company_id
                   AND i.date_reported > p.fixed_date
                   AND i.state != 'cancelled'
                   AND (i.problem_id = p.id
                        OR i.category_id = p.category_id
                        OR EXISTS (SELECT 1
                                     FROM %(inc_rel)s ir
                                     JOIN %(prb_rel)s pr ON pr.%(prb_ci)s = ir.%(inc_ci)s
                                    WHERE ir.%(inc_col)s = i.id AND pr.%(prb_col)s = p.id))
                 WHERE p.id IN %(ids)s
                 GROUP BY p.id
                """,
                inc_rel=SQL.identifier(inc_rel.relation),
                inc_ci=SQL.identifier(inc_rel.column2),
                inc_col=SQL.identifier(inc_rel.column1),
                prb_rel=SQL.identifier(prb_rel.relation),
                prb_ci=SQL.identifier(prb_rel.column2),
                prb_col=SQL.identifier(prb_rel.column1),
                ids=tuple(fixed.ids),
            )
        )
        return dict(rows)

    # ------------------------------------------------------------------ create

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("svcms.problem") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------ workflow buttons

    def action_start_analysis(self):
        return self._svcms_transition("start_analysis")

    def action_confirm_known_error(self):
        self._svcms_check_transition("confirm_known_error")
        for problem in self:
            if not _has_text(problem.root_cause):
                raise UserError(
                    self.env._(
                        "Problem %(problem)s: record the root cause before declaring it a known error.",
                        problem=problem.display_name,
                    )
                )
        return self._svcms_transition("confirm_known_error")

    def action_start_fix(self):
        self._svcms_check_transition("start_fix")
        for problem in self:
            if not problem.change_id:
                raise UserError(
                    self.env._(
                        "Problem %(problem)s: link the change that removes the root cause before starting the fix.",
                        problem=problem.display_name,
                    )
                )
        return self._svcms_transition("start_fix")

    def action_fix_done(self):
        """The fix change is done and successful: the effectiveness review is due N days later."""
        self._svcms_check_transition("fix_done")
        now = fields.Datetime.now()
        for problem in self:
            change = problem.change_id.sudo()
            if not (change.state == "done" and change.outcome == "successful"):
                raise UserError(
                    self.env._(
                        "Problem %(problem)s: the fix change %(change)s must be done and successful before the "
                        "effectiveness review.",
                        problem=problem.display_name,
                        change=change.display_name or "-",
                    )
                )
        for problem in self:
            fixed = problem.change_id.sudo().actual_end or now
            review = fixed.date() + datetime.timedelta(days=problem.review_days or 0)
            problem._svcms_transition("fix_done", {"fixed_date": fixed, "review_date": review})
        return True

    def action_close(self):
        """Close after the review: only when the review is due and nothing recurred since the fix."""
        self._svcms_check_transition("close")
        today = fields.Date.context_today(self)
        recurrences = self._svcms_recurrences()
        for problem in self:
            if problem.review_date and today < problem.review_date:
                raise UserError(
                    self.env._(
                        "Problem %(problem)s: the effectiveness review is due on %(date)s; it cannot be closed "
                        "before.",
                        problem=problem.display_name,
                        date=problem.review_date,
                    )
                )
            count = len(recurrences.get(problem.id, ()))
            if count:
                raise UserError(
                    self.env._(
                        "Problem %(problem)s: %(count)s incident(s) recurred since the fix. The fix was not "
                        "effective: send the problem back to root cause analysis.",
                        problem=problem.display_name,
                        count=count,
                    )
                )
        return self._svcms_transition("close", {"review_result": "effective", "recurrence_found": 0})

    def action_reopen(self):
        """The fix was not effective: back to root cause analysis, the recurrences on record."""
        self._svcms_check_transition("reopen")
        recurrences = self._svcms_recurrences()
        for problem in self:
            count = len(recurrences.get(problem.id, ()))
            problem._svcms_transition("reopen", {"review_result": "ineffective", "recurrence_found": count})
            noted = problem._svcms_for_company()
            noted.message_post(
                body=noted.env._(
                    "Effectiveness review: %(count)s incident(s) recurred since the fix; back to root cause analysis.",
                    count=count,
                )
            )
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_view_recurrences(self):
        self.ensure_one()
        ids = self._svcms_recurrences().get(self.id, [])
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recurrences Since the Fix"),
            "res_model": "svcms.incident",
            "view_mode": "list,form",
            "domain": [("id", "in", ids)],
        }

    def action_view_incidents(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Incidents"),
            "res_model": "svcms.incident",
            "view_mode": "list,form",
            "domain": [("problem_id", "=", self.id)],
            "context": {"default_problem_id": self.id},
        }

    # ------------------------------------------------------------------ recurring-incident detection

    @api.model
    def _cron_detect_recurring_incidents(self):
        """Scheduled action: propose a problem for each group of recurring incidents.

        Safe with two workers: linking UPDATEs the incidents ``WHERE problem_id IS NULL``; a second worker that
        grouped the same incidents waits for the first one's row locks, then fails to serialize (REPEATABLE
        READ) and rolls back with the problems it proposed, so each group gets one problem.
        """
        self._svcms_detect_recurring_incidents()
        return True

    @api.model
    def _svcms_recurring_groups(self, threshold, window_days):
        """Groups of at least ``threshold`` incidents reported in the last ``window_days`` days on one CI or in one
        category, of incidents not yet linked to a problem, without an open problem on that CI or category.

        Two SQL queries whatever the number of incidents (one per grouping).
        :return: list of (company id, "ci" | "category", CI or category id, [incident ids]) in decreasing size
        """
        self.env.flush_all()
        Incident = self.env["svcms.incident"]
        since = fields.Datetime.now() - datetime.timedelta(days=window_days)
        inc_rel = Incident._fields["ci_ids"]
        prb_rel = self._fields["ci_ids"]
        open_states = tuple(OPEN_STATES)
        ci_rows = self.env.execute_query(
            SQL(
                """
                SELECT i.company_id, r.%(inc_ci)s, ARRAY_AGG(i.id ORDER BY i.id)
                  FROM svcms_incident i
                  JOIN %(inc_rel)s r ON r.%(inc_col)s = i.id
                 WHERE i.date_reported >= %(since)s
                   AND i.problem_id IS NULL
                   AND i.state != 'cancelled'
                   AND NOT EXISTS (SELECT 1
                                     FROM svcms_problem p
                                     JOIN %(prb_rel)s pr ON pr.%(prb_col)s = p.id
                                    WHERE pr.%(prb_ci)s = r.%(inc_ci)s
                                      AND p.company_id = i.company_id
                                      AND p.state IN %(open)s)
                 GROUP BY i.company_id, r.%(inc_ci)s
                HAVING COUNT(*) >= %(threshold)s
                 ORDER BY COUNT(*) DESC, r.%(inc_ci)s
                """,
                inc_rel=SQL.identifier(inc_rel.relation),
                inc_ci=SQL.identifier(inc_rel.column2),
                inc_col=SQL.identifier(inc_rel.column1),
                prb_rel=SQL.identifier(prb_rel.relation),
                prb_ci=SQL.identifier(prb_rel.column2),
                prb_col=SQL.identifier(prb_rel.column1),
                since=since,
                open=open_states,
                threshold=threshold,
            )
        )
        category_rows = self.env.execute_query(
            SQL(
                """
                SELECT i.company_id, i.category_id, ARRAY_AGG(i.id ORDER BY i.id)
                  FROM svcms_incident i
                 WHERE i.date_reported >= %(since)s
                   AND i.problem_id IS NULL
                   AND i.category_id IS NOT NULL
                   AND i.state != 'cancelled'
                   AND NOT EXISTS (SELECT 1
                                     FROM svcms_problem p
                                    WHERE p.category_id = i.category_id
                                      AND p.company_id = i.company_id
                                      AND p.state IN %(open)s)
                 GROUP BY i.company_id, i.category_id
                HAVING COUNT(*) >= %(threshold)s
                 ORDER BY COUNT(*) DESC, i.category_id
                """,
                since=since,
                open=open_states,
                threshold=threshold,
            )
        )
        groups = []
        taken = set()
        # an incident counts in one group only: CIs first (the more precise), then categories
        for kind, rows in (("ci", ci_rows), ("category", category_rows)):
            for company_id, key, incident_ids in rows:
                free = [incident_id for incident_id in incident_ids if incident_id not in taken]
                if len(free) >= threshold:
                    taken.update(free)
                    groups.append((company_id, kind, key, free))
        return groups

    @api.model
    def _svcms_detect_recurring_incidents(self):
        """Propose one problem (state new) per group of recurring incidents, linked to them, with a note.

        :return: the problems proposed
        """
        threshold = _int_param(self.env, PARAM_THRESHOLD, DEFAULT_THRESHOLD)
        window = _int_param(self.env, PARAM_WINDOW, DEFAULT_WINDOW)
        groups = self._svcms_recurring_groups(threshold, window)
        if not groups:
            return self.browse()
        cis = self.env["svcms.ci"].sudo().browse([key for _c, kind, key, _i in groups if kind == "ci"])
        categories = (
            self.env["svcms.incident.category"]
            .sudo()
            .browse([key for _c, kind, key, _i in groups if kind == "category"])
        )
        cis.fetch(["name"])
        categories.fetch(["name"])
        vals_list = []
        company_envs = {}
        for company_id, kind, key, incident_ids in groups:
            if company_id not in company_envs:
                company_envs[company_id] = self.browse().with_company(company_id)._svcms_for_company().env
            company_env = company_envs[company_id]
            if kind == "ci":
                label = cis.browse(key).name
                subject = company_env._("Recurring incidents on %(ci)s", ci=label)
                scope = {"ci_ids": [(6, 0, [key])]}
            else:
                label = categories.browse(key).name
                subject = company_env._("Recurring incidents in category %(category)s", category=label)
                scope = {"category_id": key}
            note = company_env._(
                "%(count)s incidents in the last %(days)s days (threshold %(threshold)s) on %(what)s: proposed by "
                "the recurring-incident check.",
                count=len(incident_ids),
                days=window,
                threshold=threshold,
                what=label,
            )
            vals_list.append(
                {
                    "subject": subject,
                    "company_id": company_id,
                    "user_id": False,
                    "detected": True,
                    "detection_note": note,
                    **scope,
                }
            )
        problems = self.sudo().create(vals_list)
        incidents_by_problem = {problem.id: group[3] for problem, group in zip(problems, groups, strict=True)}

        def link(batch):
            # one UPDATE for the batch, whatever the number of incidents
            pairs = [(problem.id, incident_id) for problem in batch for incident_id in incidents_by_problem[problem.id]]
            batch.env.cr.execute(
                SQL(
                    "UPDATE svcms_incident i SET problem_id = v.problem_id"
                    "  FROM UNNEST(%s::int[], %s::int[]) AS v(problem_id, incident_id)"
                    " WHERE i.id = v.incident_id AND i.problem_id IS NULL",
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )
            for problem in batch:
                problem.message_post(body=Markup("<p>%s</p>") % problem.detection_note)

        problems._svcms_cron_process(link)
        self.env["svcms.incident"].invalidate_model(["problem_id"])
        return problems


def _has_text(html):
    """Whether an Html value holds more than tags and blanks."""
    return bool(html and html2plaintext(html).strip())


class ResConfigSettings(models.TransientModel):
    """Problem management settings (kept beside the problem model: the settings area of svcms_itsm is shared)."""

    _inherit = "res.config.settings"

    svcms_recurring_incident_threshold = fields.Integer(
        string="Recurring Incidents: Threshold",
        config_parameter=PARAM_THRESHOLD,
        default=DEFAULT_THRESHOLD,
        help="A problem is proposed when this many incidents hit one configuration item or one category.",
    )
    svcms_recurring_incident_window_days = fields.Integer(
        string="Recurring Incidents: Window (Days)",
        config_parameter=PARAM_WINDOW,
        default=DEFAULT_WINDOW,
        help="Incidents reported in this many last days are counted.",
    )
    svcms_problem_review_days = fields.Integer(
        string="Effectiveness Review After (Days)",
        config_parameter=PARAM_REVIEW_DAYS,
        default=DEFAULT_REVIEW_DAYS,
        help="Days between a problem's fix and its effectiveness review.",
    )

    @api.constrains("svcms_recurring_incident_threshold", "svcms_recurring_incident_window_days")
    def _check_svcms_recurring(self):
        for settings in self:
            if settings.svcms_recurring_incident_threshold < 2 or settings.svcms_recurring_incident_window_days < 1:
                raise ValidationError(
                    self.env._(
                        "Recurring incidents: the threshold must be at least 2 incidents and the window at least "
                        "1 day."
                    )
                )
