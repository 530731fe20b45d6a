from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

REVIEW_ACTIVITY = "svcms_itsm.mail_activity_type_service_review"


class SvcmsCustomerRelationship(models.Model):
    """The business relationship with one customer (ISO/IEC 20000-1 8.3.2): who owns it, the customer's
    contacts, the services it subscribes to and how often its service reviews take place."""

    _name = "svcms.customer.relationship"
    _description = "Customer Relationship"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.evidence.mixin",
        "svcms.cron.failure.mixin",
        "svcms.lang.mixin",
    ]
    _svcms_evidence_clauses = {"iso20000": ("8.3.2",)}
    _svcms_evidence_date_field = None
    _order = "partner_id, id"
    _check_company_auto = True

    name = fields.Char(related="partner_id.name", store=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        help="The customer: an external company or an internal department represented by a contact.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Relationship Owner",
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    employee_id = fields.Many2one(
        "hr.employee", string="Owner (Employee)", compute="_compute_employee_id", store=True, readonly=False
    )
    contact_ids = fields.Many2many("res.partner", string="Customer Contacts")
    report_contact_id = fields.Many2one(
        "res.partner", string="Service Report Recipient", help="Receives the service reports by e-mail."
    )
    service_ids = fields.Many2many(
        "svcms.service", string="Services Subscribed", compute="_compute_service_ids", search="_search_service_ids"
    )
    review_interval = fields.Integer(string="Review Interval (Months)", default=3, tracking=True)
    last_review_date = fields.Date(readonly=True, copy=False)
    next_review_date = fields.Date(tracking=True, copy=False, index=True)
    auto_send = fields.Boolean(
        string="Send Monthly Service Report", help="Generate and e-mail the service report of each month."
    )
    review_ids = fields.One2many("svcms.service.review", "relationship_id", string="Service Reviews")
    survey_ids = fields.One2many("svcms.satisfaction.survey", "relationship_id", string="Satisfaction Surveys")
    review_count = fields.Integer(compute="_compute_counts")
    survey_count = fields.Integer(compute="_compute_counts")

    _partner_company_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id)", "A customer has one relationship record per company."
    )
    _interval_positive = models.Constraint("CHECK(review_interval > 0)", "The review interval must be positive.")

    @api.depends("user_id")
    def _compute_employee_id(self):
        for relationship in self:
            relationship.employee_id = relationship.user_id.employee_id

    def _compute_service_ids(self):
        services = self.env["svcms.service"].search([("customer_ids", "in", self.partner_id.ids)])
        for relationship in self:
            relationship.service_ids = services.filtered(lambda s, r=relationship: r.partner_id in s.customer_ids)

    def _search_service_ids(self, operator, value):
        if operator not in ("in", "any"):
            return NotImplemented
        services = self.env["svcms.service"].search([("id", "in", value)] if operator == "in" else value)
        return [("partner_id", "in", services.customer_ids.ids)]

    def _compute_counts(self):
        reviews = dict(
            self.env["svcms.service.review"]._read_group(
                [("relationship_id", "in", self.ids)], ["relationship_id"], ["__count"]
            )
        )
        surveys = dict(
            self.env["svcms.satisfaction.survey"]._read_group(
                [("relationship_id", "in", self.ids)], ["relationship_id"], ["__count"]
            )
        )
        for relationship in self:
            relationship.review_count = reviews.get(relationship, 0)
            relationship.survey_count = surveys.get(relationship, 0)

    # ------------------------------------------------------------------ reviews
    def _svcms_schedule_next_review(self, held_on):
        """After a review held on ``held_on`` (date): the next one falls an interval later."""
        for relationship in self:
            relationship.write(
                {
                    "last_review_date": held_on,
                    "next_review_date": held_on + relativedelta(months=relationship.review_interval),
                }
            )

    def action_plan_review(self):
        self.ensure_one()
        review = self.env["svcms.service.review"].create(
            {
                "relationship_id": self.id,
                "date": fields.Datetime.to_datetime(self.next_review_date or fields.Date.context_today(self)),
                "service_ids": [fields.Command.set(self.service_ids.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.service.review",
            "res_id": review.id,
            "view_mode": "form",
        }

    def action_view_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_itsm.action_svcms_service_review")
        action["domain"] = [("relationship_id", "=", self.id)]
        action["context"] = {"default_relationship_id": self.id}
        return action

    @api.model
    def _cron_remind_reviews(self, batch_size=500):
        """One activity for the owner of each relationship whose review is due and not yet planned."""
        today = fields.Date.context_today(self)
        relationships = self.search(
            [
                ("next_review_date", "!=", False),
                ("next_review_date", "<=", today),
                ("user_id", "!=", False),
                *self._svcms_cron_retry_domain(),
            ],
            limit=batch_size,
        )
        relationships._svcms_cron_process(lambda records: records._svcms_remind_review())
        return True

    def _svcms_remind_review(self):
        activity_type = self.env.ref(REVIEW_ACTIVITY)
        planned = (
            self.env["svcms.service.review"]
            .search([("relationship_id", "in", self.ids), ("state", "=", "planned")])
            .relationship_id
        )
        for relationship in self - planned:
            if relationship.activity_ids.filtered(
                lambda a, r=relationship: a.activity_type_id == activity_type and a.user_id == r.user_id
            ):
                continue
            addressed = relationship._svcms_for_user(relationship.user_id)
            addressed.activity_schedule(
                REVIEW_ACTIVITY,
                date_deadline=relationship.next_review_date,
                user_id=relationship.user_id.id,
                summary=addressed.env._("Hold the service review with %(customer)s", customer=relationship.name),
            )

    # ------------------------------------------------------------------ monthly service reports
    @api.model
    def _cron_send_monthly_reports(self, batch_size=50):
        """Generate, approve and e-mail last month's service report of each relationship with ``auto_send``."""
        today = fields.Date.context_today(self)
        period_start = today.replace(day=1) - relativedelta(months=1)
        done = self.env["svcms.service.report"].search([("period_start", "=", period_start)]).relationship_id
        relationships = self.search(
            [("auto_send", "=", True), ("id", "not in", done.ids), *self._svcms_cron_retry_domain()],
            limit=batch_size,
        )
        relationships._svcms_cron_process(
            lambda records: self.env["svcms.service.report"]._svcms_generate(records, period_start, send=True)
        )
        return True
