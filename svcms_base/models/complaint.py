from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Models a complaint may point at, when their addon is installed (svcms_base depends on none of them).
RELATED_MODELS = ["sale.order", "stock.picking", "stock.lot", "repair.order", "account.move", "project.task"]

OPEN_STATES = ("new", "acknowledged", "investigating", "waiting", "reopened")


class SvcmsComplaint(models.Model):
    """A customer complaint (投诉), GB/T 27922 customer service and ISO/IEC 20000-1 8.3.2.

    Its promises (acknowledge, visit, resolve) come from the SLA engine: the complaint declares its
    state field and events, the policies say how long each step may take and who is told when late.
    """

    _name = "svcms.complaint"
    _description = "Customer Complaint"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin", "svcms.sla.mixin", "svcms.intake.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _svcms_intake_subject_field = "subject"

    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    _svcms_sla_team_field = "department_id"
    _svcms_sla_user_field = "user_id"
    _svcms_sla_start_field = "date_received"
    _svcms_sla_events = (
        ("first_response", _lt("First response to the customer")),
        ("on_site", _lt("Technician on site")),
    )

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
        string="Related Record",
        help="Sales order, delivery, serial number or service record the complaint is about.",
    )
    category_id = fields.Many2one("svcms.complaint.category", string="Category", tracking=True, check_company=True)
    severity = fields.Selection(
        [("low", "Low"), ("normal", "Normal"), ("high", "High"), ("critical", "Critical")],
        required=True,
        default="normal",
        tracking=True,
    )
    onsite_required = fields.Boolean(
        string="On-site Visit Required", compute="_compute_from_category", store=True, readonly=False
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
    acknowledged_by_id = fields.Many2one("res.users", string="Acknowledged By", readonly=True, copy=False)
    onsite_date = fields.Datetime(string="Technician On Site", readonly=True, copy=False)
    investigation = fields.Html()
    root_cause_category = fields.Selection(
        [
            ("product_quality", "Product Quality"),
            ("installation", "Installation"),
            ("repair", "Repair"),
            ("spare_parts", "Spare Parts"),
            ("logistics", "Delivery and Logistics"),
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
            ("replacement", "Replacement"),
            ("free_repair", "Free Repair"),
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
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id, string="Currency"
    )
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
    # svcms_audit adds the nonconformity model and a Many2one `nonconformity_id`; until then the
    # reference of the nonconformity report raised for this complaint is kept as text.
    nonconformity_reference = fields.Char(
        copy=False, help="Nonconformity report raised because of this complaint (corrective action)."
    )
    acknowledged_on_time = fields.Boolean(compute="_compute_on_time")
    closed_on_time = fields.Boolean(string="Resolved on Time", compute="_compute_on_time")

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
                complaint.onsite_required = complaint.category_id.onsite_required
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

    def _compute_access_url(self):
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

    # ------------------------------------------------------------------ workflow
    def _check_state(self, allowed, action):
        for complaint in self:
            if complaint.state not in allowed:
                states = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "Complaint %(name)s is %(state)s: it cannot be %(action)s.",
                        name=complaint.name,
                        state=states[complaint.state],
                        action=action,
                    )
                )

    def action_acknowledge(self):
        self._check_state(("new",), self.env._("acknowledged"))
        self.write(
            {
                "state": "acknowledged",
                "acknowledged_date": fields.Datetime.now(),
                "acknowledged_by_id": self.env.user.id,
                "user_id": self.user_id.id or self.env.user.id,
            }
        )
        return True

    def action_investigate(self):
        self._check_state(("new", "acknowledged", "waiting", "reopened"), self.env._("investigated"))
        for complaint in self.filtered(lambda c: c.state == "new"):
            complaint.write({"acknowledged_date": fields.Datetime.now(), "acknowledged_by_id": self.env.user.id})
        self.write({"state": "investigating"})
        return True

    def action_wait_customer(self):
        self._check_state(("acknowledged", "investigating", "reopened"), self.env._("put on hold"))
        self.write({"state": "waiting"})
        return True

    def action_register_visit(self):
        self._check_state(OPEN_STATES, self.env._("visited"))
        self.write({"onsite_date": fields.Datetime.now()})
        self._svcms_sla_event("on_site")
        return True

    def action_resolve(self):
        self._check_state(("acknowledged", "investigating", "waiting", "reopened"), self.env._("resolved"))
        missing = self.filtered(lambda c: not html2plaintext(c.resolution or "").strip())
        if missing:
            raise UserError(self.env._("Describe the resolution of %s before resolving it.", missing[0].name))
        self.write({"state": "resolved", "resolved_date": fields.Datetime.now()})
        return True

    def action_close(self):
        self._check_state(("resolved",), self.env._("closed"))
        self.write({"state": "closed", "closed_date": fields.Datetime.now()})
        return True

    def action_reopen(self):
        self._check_state(("resolved", "closed"), self.env._("reopened"))
        for complaint in self:
            complaint.write(
                {
                    "state": "reopened",
                    "reopen_count": complaint.reopen_count + 1,
                    "customer_confirmed": False,
                    "confirmation_date": False,
                    "closed_date": False,
                }
            )
        return True

    def action_cancel(self):
        self._check_state(OPEN_STATES, self.env._("cancelled"))
        self.write({"state": "cancelled"})
        return True

    def action_reset(self):
        self._check_state(("cancelled",), self.env._("reset"))
        self.write({"state": "new"})
        return True

    def _confirm_by_customer(self, satisfaction, comment=None):
        """The customer accepts the resolution (portal or phone follow-up) and rates the service."""
        self._check_state(("resolved",), self.env._("confirmed"))
        if str(satisfaction) not in {"1", "2", "3", "4", "5"}:
            raise UserError(self.env._("Rate the service from 1 to 5."))
        now = fields.Datetime.now()
        self.write(
            {
                "customer_confirmed": True,
                "confirmation_date": now,
                "satisfaction": str(satisfaction),
                "satisfaction_comment": comment or False,
                "state": "closed",
                "closed_date": now,
            }
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
        self.filtered(lambda c: not c.escalated).write({"escalated": True, "escalation_date": fields.Datetime.now()})

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
