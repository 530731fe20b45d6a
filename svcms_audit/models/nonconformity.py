from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError
from odoo.fields import Domain

SOURCE_TYPES = [
    ("audit", "Audit Finding"),
    ("complaint", "Complaint"),
    ("incident", "Incident"),
    ("service_request", "Service Request"),
    ("sla_breach", "SLA Breach"),
    ("supplier", "Supplier"),
    ("management_review", "Management Review"),
    ("customer", "Customer"),
    ("internal", "Internal"),
]

CAUSE_CATEGORIES = [
    ("people", "People"),
    ("method", "Method"),
    ("material", "Material"),
    ("machine", "Machine / Tool"),
    ("environment", "Environment"),
    ("measurement", "Measurement"),
    ("supplier", "Supplier"),
    ("other", "Other"),
]

OWNER_GROUP = "svcms_audit.group_audit_nc_owner"
AUDITOR_GROUP = "svcms_audit.group_audit_auditor"
MANAGER_GROUP = "svcms_audit.group_audit_manager"
OPEN_STATES = ("draft", "open", "verification")
DELAY_PARAMETER = "svcms_audit.verification_delay_days"
DEFAULT_VERIFICATION_DELAY = 30


class SvcmsNonconformity(models.Model):
    """A nonconformity (ISO/IEC 20000-1 10.1; procedure No.27 不符合、纠正与预防措施) and its corrective actions.

    Lifecycle (``svcms.workflow.mixin``): draft → open (an owner is set) → awaiting verification (every
    action done, reached by itself) → closed (every action verified effective); cancelled. An action
    verified ineffective sends it back to open and asks its owner for new actions.
    """

    _name = "svcms.nonconformity"
    _description = "Nonconformity"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "detected_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "open": Transition(("draft",), "open", "opened_by_id", "opened_date", OWNER_GROUP),
        "close": Transition(("verification",), "closed", "closed_by_id", "closed_date", AUDITOR_GROUP),
        "cancel": Transition(("draft", "open"), "cancelled", "cancelled_by_id", "cancelled_date", AUDITOR_GROUP),
    }
    _svcms_workflow_fields = ("reopen_count", "needs_new_action")
    _svcms_fixed_fields = ("source_ref", "audit_line_id")
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = OPEN_STATES
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True, tracking=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    process_id = fields.Many2one("svcms.process", index=True, check_company=True)
    department_id = fields.Many2one("hr.department", index=True, check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer / Supplier", index=True)
    source_type = fields.Selection(SOURCE_TYPES, string="Source", required=True, default="internal", index=True)
    source_ref = fields.Reference(selection="_selection_source_models", string="Source Record", copy=False, index=True)
    audit_line_id = fields.Many2one("svcms.audit.line", string="Audit Finding", index=True, copy=False)
    severity = fields.Selection([("minor", "Minor"), ("major", "Major")], required=True, default="minor", tracking=True)
    description = fields.Html(required=True)
    detected_date = fields.Date(string="Detected On", required=True, default=fields.Date.context_today, index=True)
    owner_id = fields.Many2one("res.users", tracking=True, index=True, help="Who leads the correction and the actions.")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("verification", "Awaiting Verification"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    action_ids = fields.One2many("svcms.capa.action", "nonconformity_id", string="Actions")

    # ------------------------------------------------------------------ containment, cause, plan
    containment = fields.Html(help="What was done at once to limit the effects.")
    correction = fields.Html(help="How the nonconformity itself was put right.")
    why_ids = fields.One2many("svcms.nonconformity.why", "nonconformity_id", string="5 Whys", copy=True)
    cause_category = fields.Selection(CAUSE_CATEGORIES, tracking=True)
    root_cause = fields.Text(tracking=True)
    target_date = fields.Date(
        string="Target Closing Date", tracking=True, index=True, help="The date by which it should be closed."
    )
    verification_delay_days = fields.Integer(
        string="Verify Effectiveness After (days)",
        default=lambda self: self._default_verification_delay(),
        help="An action done is verified effective this many days after it was done.",
    )

    # ------------------------------------------------------------------ audit trail (transitions only)
    opened_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    opened_date = fields.Date(string="Opened On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    closed_date = fields.Date(string="Closed On", readonly=True, copy=False, index=True)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Date(string="Cancelled On", readonly=True, copy=False)
    reopen_count = fields.Integer(string="Reopened", readonly=True, copy=False, tracking=True)
    needs_new_action = fields.Boolean(
        string="New Actions Needed",
        readonly=True,
        copy=False,
        help="An action was verified ineffective: a new action must be added before it can be verified again.",
    )
    closed_on_time = fields.Boolean(compute="_compute_closed_on_time", store=True)

    # ------------------------------------------------------------------ buttons and hints
    can_open = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    action_count = fields.Integer(compute="_compute_action_stats")
    action_open_count = fields.Integer(string="Open Actions", compute="_compute_action_stats")
    similar_nonconformity_ids = fields.Many2many(
        "svcms.nonconformity",
        string="Similar Open Nonconformities",
        compute="_compute_similar_nonconformities",
        help="Open nonconformities on the same clause, process or source: a recurrence hint.",
    )
    similar_nonconformity_count = fields.Integer(string="Similar", compute="_compute_similar_nonconformities")

    _verification_delay_positive = models.Constraint(
        "CHECK(verification_delay_days >= 0)", "The verification delay cannot be negative."
    )

    @api.model
    def _selection_source_models(self):
        """Every record type a nonconformity may come from: the sources registered in svcms_base and the audit's own."""
        names = set(self.env.registry.descendants(["svcms.nonconformity.source"], "_inherit"))
        names -= {"svcms.nonconformity.source"}
        names |= {"svcms.audit.line", "svcms.management.review"}
        return sorted(
            ((name, self.env[name]._description) for name in names if name in self.env),
            key=lambda item: item[1],
        )

    @api.model
    def _default_verification_delay(self):
        value = self.env["ir.config_parameter"].sudo().get_param(DELAY_PARAMETER)
        try:
            return max(int(value), 0) if value not in (None, False, "") else DEFAULT_VERIFICATION_DELAY
        except ValueError:
            return DEFAULT_VERIFICATION_DELAY

    # ------------------------------------------------------------------ computes
    @api.depends("state", "closed_date", "target_date")
    def _compute_closed_on_time(self):
        for nc in self:
            nc.closed_on_time = bool(
                nc.state == "closed" and nc.closed_date and (not nc.target_date or nc.closed_date <= nc.target_date)
            )

    @api.depends("action_ids.state")
    def _compute_action_stats(self):
        for nc in self:
            nc.action_count = len(nc.action_ids)
            nc.action_open_count = len(nc.action_ids.filtered(lambda a: a.state == "open"))

    @api.depends("clause_ids", "process_id", "source_type", "company_id")
    def _compute_similar_nonconformities(self):
        """One search for the whole batch, then matched in memory."""
        records = self.filtered("id")
        (self - records).similar_nonconformity_ids = False
        (self - records).similar_nonconformity_count = 0
        if not records:
            return
        condition = Domain("source_type", "in", list(set(records.mapped("source_type"))))
        if records.clause_ids:
            condition |= Domain("clause_ids", "in", records.clause_ids.ids)
        if records.process_id:
            condition |= Domain("process_id", "in", records.process_id.ids)
        candidates = self.search(
            Domain("state", "in", list(OPEN_STATES)) & Domain("company_id", "in", records.company_id.ids) & condition,
            limit=1000,
        )
        for nc in records:
            similar = candidates.filtered(
                lambda other, nc=nc: other.id != nc.id
                and other.company_id == nc.company_id
                and (
                    other.source_type == nc.source_type
                    or (nc.process_id and other.process_id == nc.process_id)
                    or (other.clause_ids & nc.clause_ids)
                )
            )
            nc.similar_nonconformity_ids = similar
            nc.similar_nonconformity_count = len(similar)

    # ------------------------------------------------------------------ create / write
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = self.env["ir.sequence"].next_by_code("svcms.nonconformity") or "/"
        return super().create(vals_list)

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for nc in self:
            nc.display_name = f"{nc.reference} {nc.name}" if nc.reference and nc.reference != "/" else nc.name

    # ------------------------------------------------------------------ workflow
    def action_open(self):
        for nc in self:
            if not nc.owner_id:
                raise UserError(self.env._("Set the owner of %(record)s before opening it.", record=nc.display_name))
        self._svcms_transition("open")
        for nc in self.sudo():
            addressed = nc._svcms_for_user(nc.owner_id)
            addressed.activity_schedule(
                "svcms_audit.mail_activity_nc_actions",
                user_id=nc.owner_id.id,
                date_deadline=nc.target_date or fields.Date.context_today(nc),
                summary=addressed._svcms_activity_summary("svcms_audit.mail_activity_nc_actions"),
            )
        self._svcms_sync_state()
        return True

    def action_close(self):
        for nc in self:
            blocking = nc._svcms_closure_blockers()
            if blocking:
                raise UserError(
                    self.env._(
                        "%(record)s cannot be closed: %(reasons)s",
                        record=nc.display_name,
                        reasons=" ".join(blocking),
                    )
                )
        return self._svcms_transition("close")

    def action_cancel(self):
        self._svcms_transition("cancel")
        self.action_ids.filtered(lambda a: a.state == "open")._svcms_write_workflow({"state": "cancelled"})
        self.sudo().activity_unlink(["svcms_audit.mail_activity_nc_actions"])
        return True

    def _svcms_closure_blockers(self):
        """Why this nonconformity cannot be closed yet (empty: it can)."""
        self.ensure_one()
        actions = self.action_ids.filtered(lambda a: a.state not in ("cancelled", "ineffective"))
        reasons = []
        if not actions:
            reasons.append(self.env._("it has no action in force."))
        pending = actions.filtered(lambda a: a.state != "effective")
        if pending:
            reasons.append(
                self.env._(
                    "every action must be done and verified effective; still pending: %(actions)s.",
                    actions=", ".join(pending.mapped("name")),
                )
            )
        if self.needs_new_action:
            reasons.append(self.env._("an action was verified ineffective and no new action has been added since."))
        return reasons

    def _svcms_sync_state(self):
        """Move between open and awaiting verification as the actions progress (server side, no guard)."""
        to_verify = self.browse()
        to_open = self.browse()
        for nc in self.sudo():
            live = nc.action_ids.filtered(lambda a: a.state not in ("cancelled", "ineffective"))
            ready = bool(live) and not nc.needs_new_action and all(a.state in ("done", "effective") for a in live)
            if nc.state == "open" and ready:
                to_verify |= nc
            elif nc.state == "verification" and not ready:
                to_open |= nc
        if to_verify:
            to_verify._svcms_write_workflow({"state": "verification"})
            to_verify.sudo().activity_feedback(["svcms_audit.mail_activity_nc_actions"])
        if to_open:
            to_open._svcms_write_workflow({"state": "open"})
        return True

    def _svcms_reopen_for_new_actions(self, action):
        """An action was verified ineffective: back to open, and the owner is asked for new actions."""
        for nc in self.sudo():
            nc._svcms_write_workflow(
                {
                    "state": "open" if nc.state in ("verification", "open") else nc.state,
                    "reopen_count": nc.reopen_count + 1,
                    "needs_new_action": True,
                }
            )
            if nc.owner_id:
                addressed = nc._svcms_for_user(nc.owner_id)
                addressed.activity_schedule(
                    "svcms_audit.mail_activity_nc_actions",
                    user_id=nc.owner_id.id,
                    summary=addressed.env._("Action “%(action)s” was ineffective: add new actions", action=action.name),
                )
            nc.message_post(
                body=self.env._(
                    "Action “%(action)s” was verified ineffective: the nonconformity is open again and needs new "
                    "actions.",
                    action=action.name,
                ),
            )

    def _svcms_action_added(self):
        flagged = self.sudo().filtered("needs_new_action")
        if flagged:
            flagged._svcms_write_workflow({"needs_new_action": False})
        self._svcms_sync_state()

    # ------------------------------------------------------------------ navigation
    def action_view_similar(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Similar Open Nonconformities"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", self.similar_nonconformity_ids.ids)],
            "context": {"create": False},
        }

    def action_view_source(self):
        self.ensure_one()
        if not self.source_ref:
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": self.source_ref._name,
            "res_id": self.source_ref.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _svcms_verification_date(self, done_date, delay):
        return done_date + timedelta(days=delay or 0) if done_date else False

    @api.model
    def _svcms_counts_by_source(self, refs):
        """``{"model,id": count}`` for the given source references, in one aggregate."""
        counts = defaultdict(int)
        if not refs:
            return counts
        for source_ref, count in self._read_group([("source_ref", "in", list(refs))], ["source_ref"], ["__count"]):
            key = source_ref if isinstance(source_ref, str) else f"{source_ref._name},{source_ref.id}"
            counts[key] += count
        return counts
