from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .workflow_mixin import Transition

# Models a complaint may point at, when their addon is installed (svcms_base depends on none of them);
# svcms_aftersales adds deliveries, serial numbers and repair orders.
RELATED_MODELS = ["sale.order", "account.move", "project.task"]

OPEN_STATES = ("new", "acknowledged", "investigating", "waiting", "reopened")
# States whose complaint the customer has had an answer for: satisfaction, confirmation
ANSWERED_STATES = ("resolved", "closed")


class SvcmsComplaint(models.Model):
    """A customer complaint (投诉), GB/T 27922 customer service and ISO/IEC 20000-1 8.3.2.

    Its promises (acknowledge, resolve) come from the SLA engine: the complaint declares its
    state field, the policies say how long each step may take and who is told when late. Its
    lifecycle is declared below (``svcms.workflow.mixin``): the buttons perform the transitions,
    and the status and its audit trail change in no other way.
    """

    _name = "svcms.complaint"
    _description = "Customer Complaint"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "svcms.sla.mixin",
        "svcms.workflow.mixin",
        "svcms.nonconformity.source",
        "svcms.intake.mixin",
        "svcms.evidence.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _svcms_intake_subject_field = "subject"

    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    _svcms_sla_team_field = "department_id"
    _svcms_sla_user_field = "user_id"
    _svcms_sla_start_field = "date_received"
    _svcms_evidence_clauses = {"iso20000": ("8.3.2",), "gbt27922": ("3.2.1", "3.2.2", "3.2.3")}
    _svcms_evidence_date_field = "date_received"
    # first response, resolution and waiting for the customer are the mixin's common events

    _svcms_transitions = {
        "acknowledge": Transition(("new",), "acknowledged", "acknowledged_by_id", "acknowledged_date"),
        "investigate": Transition(("new", "acknowledged", "waiting", "reopened"), "investigating"),
        "wait_customer": Transition(("acknowledged", "investigating", "reopened"), "waiting"),
        "resolve": Transition(
            ("acknowledged", "investigating", "waiting", "reopened"), "resolved", None, "resolved_date"
        ),
        "close": Transition(("resolved",), "closed", None, "closed_date"),
        "confirm": Transition(("resolved",), "closed", None, "confirmation_date"),
        "reopen": Transition(ANSWERED_STATES, "reopened"),
        "cancel": Transition(OPEN_STATES, "cancelled"),
        "reset": Transition(("cancelled",), "new"),
    }
    _svcms_workflow_fields = (
        "customer_confirmed",
        "closed_date",
        "reopen_count",
        "escalated",
        "escalation_date",
    )
    _svcms_deletable_states = ("new",)

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, tracking=True, index=True)
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id", store=True, index=True)
    email_from = fields.Char(string="Email", compute="_compute_contact", store=True, readonly=False)
    phone = fields.Char(compute="_compute_contact", store=True, readonly=False)
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("portal", "Customer Portal"),
            ("walk_in", "Walk-in"),
            ("social_media", "Social Media"),
            ("other", "Other"),
        ],
        required=True,
        default="phone",
        tracking=True,
    )
    date_received = fields.Datetime(string="Received On", required=True, default=fields.Datetime.now, tracking=True)
    related_record = fields.Reference(
        selection="_selection_related_record",
        help="Sales order, delivery, serial number or service record the complaint is about.",
    )
    category_id = fields.Many2one("svcms.complaint.category", tracking=True, check_company=True)
    severity = fields.Selection(
        [("low", "Low"), ("normal", "Normal"), ("high", "High"), ("critical", "Critical")],
        required=True,
        default="normal",
        tracking=True,
    )
    description = fields.Html(required=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("acknowledged", "Acknowledged"),
            ("investigating", "Investigating"),
            ("waiting", "Waiting for Customer"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("reopened", "Reopened"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handled By",
        tracking=True,
        index=True,
        domain=[("share", "=", False)],
        check_company=True,
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Team",
        compute="_compute_from_category",
        store=True,
        readonly=False,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    acknowledged_date = fields.Datetime(readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    investigation = fields.Html()
    root_cause_category = fields.Selection(
        [
            ("product_quality", "Product Quality"),
            ("repair", "Repair"),
            ("pricing", "Pricing and Charges"),
            ("service_attitude", "Service Attitude"),
            ("communication", "Communication"),
            ("customer_use", "Customer Use"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    root_cause = fields.Html()
    resolution = fields.Html()
    resolved_date = fields.Datetime(readonly=True, copy=False)
    compensation_type = fields.Selection(
        [
            ("none", "None"),
            ("refund", "Refund"),
            ("voucher", "Voucher"),
            ("cash", "Cash Compensation"),
            ("gift", "Gift"),
            ("other", "Other"),
        ],
        string="Service Compensation",
        default="none",
        required=True,
        tracking=True,
    )
    compensation_amount = fields.Monetary(currency_field="currency_id", tracking=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    compensation_note = fields.Char(string="Compensation Details")
    customer_confirmed = fields.Boolean(string="Confirmed by Customer", readonly=True, copy=False, tracking=True)
    confirmation_date = fields.Datetime(readonly=True, copy=False)
    satisfaction = fields.Selection(
        [
            ("0", "Not Rated"),
            ("1", "Very Dissatisfied"),
            ("2", "Dissatisfied"),
            ("3", "Neutral"),
            ("4", "Satisfied"),
            ("5", "Very Satisfied"),
        ],
        string="Customer Satisfaction",
        default="0",
        copy=False,
        tracking=True,
    )
    satisfaction_score = fields.Integer(compute="_compute_satisfaction_score", store=True, aggregator="avg")
    satisfaction_comment = fields.Text(copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False, index=True)
    reopen_count = fields.Integer(readonly=True, copy=False)
    escalated = fields.Boolean(readonly=True, copy=False, tracking=True)
    escalation_date = fields.Datetime(readonly=True, copy=False)
    acknowledged_on_time = fields.Boolean(compute="_compute_on_time")
    closed_on_time = fields.Boolean(string="Resolved on Time", compute="_compute_on_time")
    can_acknowledge = fields.Boolean(compute="_compute_svcms_can")
    can_investigate = fields.Boolean(compute="_compute_svcms_can")
    can_wait_customer = fields.Boolean(compute="_compute_svcms_can")
    can_resolve = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")
    can_confirm = fields.Boolean(compute="_compute_svcms_can")
    can_reopen = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    _compensation_positive = models.Constraint(
        "CHECK(compensation_amount >= 0)", "A compensation amount cannot be negative."
    )

    @api.model
    def _selection_related_record(self):
        mixin = self.env.registry["svcms.sla.mixin"]
        names = [name for name in RELATED_MODELS if name in self.env]
        names += [
            name
            for name, model_class in self.env.registry.items()
            if issubclass(model_class, mixin) and not model_class._abstract and name != self._name and name not in names
        ]
        return [(name, self.env[name]._description) for name in names]

    @api.depends("partner_id")
    def _compute_contact(self):
        for complaint in self:
            complaint.email_from = complaint.partner_id.email or complaint.email_from
            complaint.phone = complaint.partner_id.phone or complaint.phone

    @api.depends("category_id")
    def _compute_from_category(self):
        for complaint in self:
            if complaint.category_id:
                complaint.department_id = complaint.category_id.department_id or complaint.department_id

    @api.depends("satisfaction")
    def _compute_satisfaction_score(self):
        for complaint in self:
            complaint.satisfaction_score = int(complaint.satisfaction or 0)

    def _compute_on_time(self):
        lines = (
            self.env["svcms.sla.line"]
            .sudo()
            .search_fetch(
                [("res_model", "=", self._name), ("res_id", "in", self.ids), ("state", "=", "met")],
                ["res_id", "metric"],
            )
        )
        met = {(line.res_id, line.metric) for line in lines}
        for complaint in self:
            complaint.acknowledged_on_time = (complaint.id, "first_response") in met
            complaint.closed_on_time = (complaint.id, "resolution") in met

    def _compute_access_url(self):  # pylint: disable=missing-return; the parent returns None
        super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    @api.model_create_multi
    def create(self, vals_list):
        categories = (
            self.env["svcms.complaint.category"]
            .sudo()
            .browse([vals["category_id"] for vals in vals_list if vals.get("category_id")])
        )
        severity = {category.id: category.default_severity for category in categories}
        for vals in vals_list:
            if vals.get("category_id") and "severity" not in vals:
                vals["severity"] = severity[vals["category_id"]]
        # the reference is drawn by svcms.intake.mixin, after the access check
        return super().create(vals_list)

    def write(self, vals):
        if {"satisfaction", "satisfaction_comment"} & set(vals) and not self._svcms_in_transition():
            confirmed = self.filtered("customer_confirmed")
            if confirmed:
                raise UserError(
                    self.env._(
                        "%(complaint)s: the customer confirmed the resolution and gave the rating; it can no "
                        "longer change.",
                        complaint=confirmed[0].display_name,
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------ workflow
    def action_acknowledge(self):
        unassigned = self.filtered(lambda complaint: not complaint.user_id)
        (self - unassigned)._svcms_transition("acknowledge")
        unassigned._svcms_transition("acknowledge", {"user_id": self.env.uid})
        return True

    def action_investigate(self):
        """Start (or, once the customer answered, resume) the investigation."""
        new = self.filtered(lambda complaint: complaint.state == "new")
        (self - new)._svcms_transition("investigate")
        # investigating a new complaint acknowledges it
        new._svcms_transition(
            "investigate", {"acknowledged_by_id": self.env.uid, "acknowledged_date": fields.Datetime.now()}
        )
        return True

    def action_wait_customer(self):
        self._svcms_transition("wait_customer")
        self._svcms_sla_event("waiting_customer")
        return True

    def _check_resolution(self):
        missing = self.filtered(lambda c: not html2plaintext(c.resolution or "").strip())
        if missing:
            raise UserError(self.env._("Describe the resolution of %s before resolving it.", missing[0].name))

    def action_resolve(self):
        self._check_resolution()
        self._svcms_transition("resolve")
        self._svcms_sla_event("resolution")
        return True

    def action_close(self):
        return self._svcms_transition("close")

    def action_reopen(self):
        for complaint in self:
            complaint._svcms_transition(
                "reopen",
                {
                    "reopen_count": complaint.reopen_count + 1,
                    "customer_confirmed": False,
                    "confirmation_date": False,
                    "closed_date": False,
                },
            )
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_reset(self):
        return self._svcms_transition("reset")

    def _confirm_by_customer(self, satisfaction, comment=None):
        """The customer accepts the resolution (portal or phone follow-up) and rates the service."""
        if str(satisfaction) not in {"1", "2", "3", "4", "5"}:
            raise UserError(self.env._("Rate the service from 1 to 5."))
        return self._svcms_transition(
            "confirm",
            {
                "customer_confirmed": True,
                "satisfaction": str(satisfaction),
                "satisfaction_comment": comment or False,
                "closed_date": fields.Datetime.now(),
            },
        )

    def action_confirm_by_customer(self):
        """Internal users record a confirmation obtained by phone (the rating is set on the form first)."""
        for complaint in self:
            if complaint.satisfaction == "0":
                raise UserError(self.env._("Record the customer's satisfaction before confirming."))
            complaint._confirm_by_customer(complaint.satisfaction, complaint.satisfaction_comment)
        return True

    # ------------------------------------------------------------------ SLA hooks
    def _svcms_sla_notified(self, kind, lines):
        if kind != "escalation":
            return
        self.filtered(lambda c: not c.escalated)._svcms_write_workflow(
            {"escalated": True, "escalation_date": fields.Datetime.now()}
        )

    # ------------------------------------------------------------------ nonconformity
    @api.model
    def _svcms_nonconformity_source_type(self):
        return "complaint"

    def _svcms_nonconformity_values(self):
        values = super()._svcms_nonconformity_values()
        values["department_id"] = self.department_id.id
        values["name"] = self.env._("Complaint %(reference)s: %(subject)s", reference=self.name, subject=self.subject)
        return values

    def _message_post_after_hook(self, message, msg_vals):
        # A public reply from an employee is the first response the customer gets.
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            self
            and message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id.user_ids.filtered(lambda user: not user.share)
        ):
            self._svcms_sla_event("first_response")
        return result
