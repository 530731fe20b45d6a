from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import ValidationError
from odoo.fields import Domain

MANAGER_GROUP = "svcms_itsm.group_itsm_manager"
RENEWAL_ACTIVITY = "svcms_itsm.mail_activity_type_contract_renewal"


class SvcmsSupplierContract(models.Model):
    """An agreement with a supplier that supports services (ISO/IEC 20000-1 8.3.4): an underpinning
    contract with an external supplier, or an operational level agreement with an internal one.

    Draft → active (an ITSM manager activates it) → expired (the daily cron, once the end date is
    past) or terminated. The cron also schedules one renewal activity to the contract owner when the
    notice date is reached; ``renewal_notified`` keeps it from scheduling a second one until the term
    changes."""

    _name = "svcms.supplier.contract"
    _description = "Supplier Contract"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.workflow.mixin",
        "svcms.evidence.mixin",
        "svcms.cron.failure.mixin",
    ]
    _order = "date_end, id"
    _check_company_auto = True

    _svcms_transitions = {
        "activate": Transition(("draft",), "active", "activated_by_id", "activated_date", MANAGER_GROUP),
        "terminate": Transition(("active",), "terminated", "terminated_by_id", "terminated_date", MANAGER_GROUP),
        "reset": Transition(("terminated", "expired"), "draft", None, None, MANAGER_GROUP),
    }
    _svcms_workflow_fields = ("renewal_notified",)
    # the parties and the agreed targets are the contract; the term may be extended (renewal)
    _svcms_frozen_fields = ("supplier_type", "partner_id", "department_id", "company_id", "date_start", "target_ids")
    _svcms_editable_states = ("draft",)
    _svcms_deletable_states = ("draft",)
    _svcms_evidence_clauses = {"iso20000": ("8.3.4",)}
    _svcms_evidence_date_field = None
    _svcms_evidence_domain = [("state", "=", "active")]

    name = fields.Char(required=True, tracking=True)
    reference = fields.Char(tracking=True, index="trigram")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    supplier_type = fields.Selection(
        [("external", "External Supplier"), ("internal", "Internal Supplier")],
        required=True,
        default="external",
        tracking=True,
        help="External: an underpinning contract. Internal: an operational level agreement with another "
        "department of the company.",
    )
    partner_id = fields.Many2one("res.partner", string="Supplier", tracking=True, index=True)
    department_id = fields.Many2one("hr.department", string="Internal Supplier", tracking=True, check_company=True)
    service_ids = fields.Many2many("svcms.service", string="Services Supported", check_company=True)
    date_start = fields.Date(tracking=True)
    date_end = fields.Date(tracking=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Contract Owner",
        default=lambda self: self.env.user,
        tracking=True,
        help="Gets the renewal reminder and follows the supplier's performance.",
    )
    scope = fields.Html(help="What the supplier provides, where and when.")
    target_ids = fields.One2many("svcms.supplier.contract.target", "contract_id", string="Service Targets", copy=True)
    responsibility_ours = fields.Text(string="Our Responsibilities")
    responsibility_theirs = fields.Text(string="Supplier's Responsibilities")
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id, tracking=True
    )
    value = fields.Monetary(string="Contract Value", currency_field="currency_id", tracking=True)
    renewal_notice_days = fields.Integer(
        default=60, tracking=True, help="Days before the end of the term when the owner is reminded to renew."
    )
    renewal_notice_date = fields.Date(compute="_compute_renewal_notice_date", store=True, index="btree_not_null")
    renewal_notified = fields.Boolean(
        readonly=True, copy=False, help="The renewal reminder of the current term was scheduled."
    )
    review_interval_months = fields.Integer(
        string="Review Interval (Months)", default=6, help="How often the supplier's performance is reviewed."
    )
    next_review_date = fields.Date(compute="_compute_next_review_date", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("expired", "Expired"), ("terminated", "Terminated")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    activated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    activated_date = fields.Datetime(string="Activated On", readonly=True, copy=False)
    terminated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    terminated_date = fields.Datetime(string="Terminated On", readonly=True, copy=False)
    review_ids = fields.One2many("svcms.supplier.review", "contract_id", string="Performance Reviews")
    dispute_ids = fields.One2many("svcms.supplier.dispute", "contract_id", string="Disputes")
    review_count = fields.Integer(compute="_compute_counts", string="Number of Reviews")
    dispute_count = fields.Integer(compute="_compute_counts", string="Number of Disputes")
    bill_count = fields.Integer(compute="_compute_bill_count", string="Vendor Bills")
    can_activate = fields.Boolean(compute="_compute_svcms_can")
    can_terminate = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    _renewal_notice_days_positive = models.Constraint(
        "CHECK(renewal_notice_days >= 0)", "The renewal notice cannot be a negative number of days."
    )
    _review_interval_positive = models.Constraint(
        "CHECK(review_interval_months >= 0)", "The review interval cannot be negative."
    )

    @api.depends("date_end", "renewal_notice_days")
    def _compute_renewal_notice_date(self):
        for contract in self:
            contract.renewal_notice_date = contract.date_end and contract.date_end - timedelta(
                days=contract.renewal_notice_days or 0
            )

    @api.depends("review_interval_months", "date_start", "review_ids.state", "review_ids.review_date")
    def _compute_next_review_date(self):
        for contract in self:
            done = contract.review_ids.filtered(lambda r: r.state == "done" and r.review_date)
            last = max(done.mapped("review_date"), default=contract.date_start)
            interval = contract.review_interval_months
            contract.next_review_date = last and interval and last + relativedelta(months=interval)

    def _compute_counts(self):
        for field_name, model in (
            ("review_count", "svcms.supplier.review"),
            ("dispute_count", "svcms.supplier.dispute"),
        ):
            counts = dict(self.env[model]._read_group([("contract_id", "in", self.ids)], ["contract_id"], ["__count"]))
            for contract in self:
                contract[field_name] = counts.get(contract, 0)

    def _compute_bill_count(self):
        # vendor bills may be out of reach of an IT agent: the number only, through sudo
        counts = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [("svcms_contract_id", "in", self.ids), ("move_type", "in", ("in_invoice", "in_refund"))],
                ["svcms_contract_id"],
                ["__count"],
            )
        )
        for contract in self:
            contract.bill_count = counts.get(contract.sudo(), 0)

    @api.constrains("supplier_type", "partner_id", "department_id")
    def _check_supplier(self):
        for contract in self:
            if contract.supplier_type == "internal" and not contract.department_id:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s is an operational level agreement: name the internal supplier "
                        "(department).",
                        contract=contract.display_name,
                    )
                )
            if contract.supplier_type == "external" and not contract.partner_id:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s is an underpinning contract: name the supplier.",
                        contract=contract.display_name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_start and contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s ends (%(end)s) before it starts (%(start)s).",
                        contract=contract.display_name,
                        end=contract.date_end,
                        start=contract.date_start,
                    )
                )

    @api.depends("name", "reference")
    def _compute_display_name(self):
        for contract in self:
            contract.display_name = f"[{contract.reference}] {contract.name}" if contract.reference else contract.name

    def write(self, vals):
        result = super().write(vals)
        if {"date_end", "renewal_notice_days"} & set(vals):
            # a new term: its own renewal reminder
            self.filtered("renewal_notified")._svcms_write_workflow({"renewal_notified": False})
        return result

    # ------------------------------------------------------------------ actions

    def _svcms_check_ready(self):
        for contract in self:
            if not contract.date_start or not contract.date_end or not contract.service_ids:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s needs its term (start and end) and the services it supports "
                        "before it becomes active.",
                        contract=contract.display_name,
                    )
                )

    def action_activate(self):
        self._svcms_check_ready()
        return self._svcms_transition("activate")

    def action_terminate(self):
        return self._svcms_transition("terminate")

    def action_reset_to_draft(self):
        return self._svcms_transition("reset", {"renewal_notified": False})

    def action_view_bills(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Vendor Bills"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("svcms_contract_id", "=", self.id), ("move_type", "in", ("in_invoice", "in_refund"))],
            "context": {"default_move_type": "in_invoice", "default_svcms_contract_id": self.id},
        }

    def action_view_reviews(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Performance Reviews"),
            "res_model": "svcms.supplier.review",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("contract_id", "=", self.id)],
            "context": {"default_contract_id": self.id},
        }

    def action_view_disputes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Disputes"),
            "res_model": "svcms.supplier.dispute",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("contract_id", "=", self.id)],
            "context": {"default_contract_id": self.id},
        }

    # ------------------------------------------------------------------ daily cron

    @api.model
    def _svcms_renewal_domain(self):
        return (
            Domain("state", "=", "active")
            & Domain("renewal_notified", "=", False)
            & Domain("renewal_notice_date", "<=", fields.Date.context_today(self))
            & self._svcms_cron_retry_domain()
        )

    @api.model
    def _cron_contract_renewal(self, batch_size=200):
        """Daily cron: expire the contracts whose term is over, remind the owners to renew (in batches)."""
        done, remaining = self._svcms_process_renewals(batch_size)
        self.env["ir.cron"]._commit_progress(done, remaining=remaining)

    @api.model
    def _svcms_process_renewals(self, batch_size=200):
        """One batch of the daily cron. :return: (contracts reminded, contracts still to remind)"""
        today = fields.Date.context_today(self)
        ended = self.search([("state", "=", "active"), ("date_end", "<", today)])
        ended._svcms_write_workflow({"state": "expired"})
        domain = self._svcms_renewal_domain()
        contracts = self.search(domain, order="renewal_notice_date, id", limit=batch_size)
        contracts._svcms_cron_process(lambda batch: batch._svcms_schedule_renewal())
        return len(contracts), self.search_count(domain)

    def _svcms_schedule_renewal(self):
        """One renewal activity per contract and term (flagged), to the contract owner."""
        for contract in self.sudo():
            user = contract.user_id or contract.create_uid
            addressed = contract._svcms_for_user(user)
            addressed.activity_schedule(
                RENEWAL_ACTIVITY,
                date_deadline=contract.date_end,
                user_id=user.id,
                summary=addressed._svcms_activity_summary(RENEWAL_ACTIVITY),
            )
        self._svcms_write_workflow({"renewal_notified": True})
