import base64
import binascii

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.addons.svcms_base.tools import related_counts
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext

from .warranty_policy import ENTITLEMENTS

REQUEST_TYPES = [
    ("consultation", "Consultation"),
    ("installation", "Installation"),
    ("repair_report", "Repair (reported, 报修)"),
    ("repair_carry_in", "Repair (carried in, 送修)"),
    ("repair_onsite", "Repair (on site, 上门)"),
    ("maintenance", "Maintenance"),
    ("return", "Return"),
    ("exchange", "Exchange"),
]
REQUEST_STATES = [
    ("new", "New"),
    ("assigned", "Assigned"),
    ("in_progress", "In Progress"),
    ("waiting_customer", "Waiting for Customer"),
    ("waiting_parts", "Waiting for Parts"),
    ("done", "Done"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("new", "assigned", "in_progress", "waiting_customer", "waiting_parts")
WORKING_STATES = ("in_progress", "waiting_customer", "waiting_parts")
ONSITE_TYPES = ("installation", "repair_onsite", "maintenance")
TECHNICIAN_GROUP = "svcms_aftersales.group_aftersales_technician"
USER_GROUP = "svcms_aftersales.group_aftersales_user"


class SvcmsServiceRequest(models.Model):
    """An after-sales service request (售后工单): intake, assignment, on-site report, customer confirmation
    and closure; its repair and return orders, maintenance visits, installation checklist, return visits and
    complaints.

    The status and its audit trail (response, arrival, completion and closure dates, the customer's
    signature or confirmation, the KPI facts) change only through the declared transitions of
    ``svcms.workflow.mixin``: no form, import or RPC ``write`` can set them.
    """

    _name = "svcms.service.request"
    _description = "Service Request"
    # svcms.intake.mixin is a mail.thread: it comes before mail.thread so that its message_new is used
    _inherit = [
        "portal.mixin",
        "rating.mixin",
        "svcms.intake.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "svcms.sla.mixin",
        "svcms.workflow.mixin",
        "svcms.evidence.mixin",
        "svcms.nonconformity.source",
    ]
    _svcms_evidence_clauses = {"iso20000": ("8.6.2",)}
    _svcms_evidence_date_field = "request_date"
    _svcms_evidence_domain = [("state", "!=", "cancelled")]
    _svcms_evidence_split_field = "request_type"
    _svcms_evidence_split = {
        ("gbt27922", "2.2.1"): ("consultation",),
        ("gbt27922", "2.4.1"): ("installation",),
        ("gbt27922", "2.4.2"): ("repair_report", "repair_carry_in", "repair_onsite", "maintenance"),
        ("gbt27922", "2.5.1"): ("return", "exchange"),
    }
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _svcms_intake_attachment_field = "photo_ids"

    # a technician's open work, for the team assignment policy "least open work" (svcms.team._svcms_assign)
    _svcms_open_domain = [("state", "in", OPEN_STATES)]

    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    _svcms_sla_team_field = None
    _svcms_sla_user_field = "user_id"
    _svcms_sla_start_field = "request_date"
    _svcms_sla_events = (("first_response", "First response to the customer"), ("on_site", "Technician on site"))

    _svcms_transitions = {
        "respond": Transition(OPEN_STATES, None, date_field="first_response_date"),
        "assign": Transition(("new", "assigned"), "assigned", group=USER_GROUP),
        "start": Transition(("new", "assigned", "waiting_customer", "waiting_parts"), "in_progress"),
        "wait_customer": Transition(("assigned", "in_progress", "waiting_parts"), "waiting_customer"),
        "wait_parts": Transition(("assigned", "in_progress", "waiting_customer"), "waiting_parts"),
        # the customer signs the on-site report (on the technician's device or in the portal)
        "sign": Transition(WORKING_STATES, None, date_field="signed_on"),
        # the customer confirmed without signing (phone, letter): recorded by someone else than the technician
        "confirm": Transition(
            WORKING_STATES, None, "confirmed_by_id", "confirmed_date", distinct_from=("technician_user_id",)
        ),
        "done": Transition(WORKING_STATES, "done", date_field="done_date"),
        # closing verifies the work: not by the technician who did it
        "close": Transition(("done",), "closed", "closed_by_id", "close_date", USER_GROUP, ("technician_user_id",)),
        "cancel": Transition(OPEN_STATES, "cancelled", group=USER_GROUP),
        "reopen": Transition(("done", "cancelled"), None, group=USER_GROUP),
    }
    _svcms_workflow_fields = (
        "arrival_date",
        "signature",
        "signed_by",
        "customer_confirmed",
        "installation_accepted",
        "response_on_time",
        "first_time_fix",
        "waited_for_parts",
        "turnaround_hours",
        "rating_last_value",
    )
    # what the customer signed or the KPIs count stays as it was once the work is finished
    _svcms_frozen_fields = (
        "partner_id",
        "request_type",
        "request_date",
        "product_id",
        "lot_id",
        "resolution",
        "labour_hours",
        "part_line_ids",
        "installation_check_ids",
    )
    _svcms_editable_states = OPEN_STATES
    # a request owns SLA lines and an audit trail: once handled it is cancelled, not deleted
    _svcms_deletable_states = ("new",)
    # the technician does not confirm or close their own work, unless the company switches it off
    _svcms_separation_default = True

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/", index="trigram")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    # contact details: after-sales staff, and warehouse staff handling a return for the customer
    partner_phone = fields.Char(string="Phone", compute="_compute_partner_contact")
    partner_email = fields.Char(string="Email", compute="_compute_partner_contact")
    partner_address = fields.Char(string="Address", compute="_compute_partner_contact")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user if not self.env.user.share else False,
        domain=[("share", "=", False)],
        tracking=True,
        index="btree_not_null",
    )
    channel = fields.Selection(
        [("phone", "Phone"), ("portal", "Portal"), ("email", "Email"), ("walk_in", "Walk-in")],
        required=True,
        default="phone",
    )
    request_type = fields.Selection(REQUEST_TYPES, string="Type", required=True, default="repair_report", tracking=True)
    state = fields.Selection(REQUEST_STATES, required=True, default="new", index=True, tracking=True, copy=False)
    sale_order_id = fields.Many2one("sale.order", index="btree_not_null", check_company=True)
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale Order Line",
        index="btree_not_null",
        check_company=True,
        domain="[('order_id', '=?', sale_order_id), ('order_partner_id', 'child_of', partner_id)]",
    )
    product_id = fields.Many2one("product.product", index="btree_not_null", check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_ids', 'in', [partner_id]), ('product_id', '=?', product_id)]",
        help="Serials delivered to this customer.",
    )
    description = fields.Html(string="Fault Description")
    request_date = fields.Datetime(default=fields.Datetime.now, required=True, index=True)
    outlet_id = fields.Many2one("svcms.service.outlet", check_company=True, tracking=True)
    technician_id = fields.Many2one(
        "svcms.technician",
        check_company=True,
        tracking=True,
        index="btree_not_null",
        domain="[('outlet_id', '=?', outlet_id)]",
    )
    technician_user_id = fields.Many2one(
        related="technician_id.user_id", string="Technician User", store=True, index="btree_not_null"
    )
    service_area = fields.Selection(
        [("city", "City"), ("rural", "Rural")],
        compute="_compute_service_area",
        store=True,
        readonly=False,
        precompute=True,
        help="Taken from the outlet: rural outlets have longer service level targets.",
    )
    photo_ids = fields.Many2many("ir.attachment", string="Photos", help="Photos of the fault or the installation.")

    # warranty (三包)
    entitlement = fields.Selection(
        ENTITLEMENTS,
        compute="_compute_entitlement",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="What 三包 rules entitle the customer to on the request date (return, exchange, free or paid repair).",
    )
    under_warranty = fields.Boolean(compute="_compute_entitlement", store=True, readonly=False, precompute=True)
    main_part_fault = fields.Boolean(help="The fault is in a main part covered by the longer main parts warranty.")
    warranty_end_date = fields.Date(related="lot_id.warranty_end_date", string="Warranty End")
    warranty_status = fields.Selection(related="lot_id.warranty_status", string="Warranty Status")

    # on-site report
    arrival_date = fields.Datetime(string="Arrived On Site", copy=False, readonly=True)
    first_response_date = fields.Datetime(string="First Response", copy=False, readonly=True)
    part_line_ids = fields.One2many("svcms.service.request.part", "request_id", string="Parts Used", copy=False)
    labour_hours = fields.Float(string="Labour (hours)", copy=False)
    resolution = fields.Html(string="Work Done", copy=False)
    signature = fields.Binary(string="Customer Signature", copy=False, attachment=True, readonly=True)
    signed_by = fields.Char(copy=False, readonly=True)
    signed_on = fields.Datetime(copy=False, readonly=True)
    customer_confirmed = fields.Boolean(
        string="Confirmed by Customer",
        copy=False,
        readonly=True,
        tracking=True,
        help="The customer signed the on-site report or confirmed the work otherwise (recorded by the back office).",
    )
    confirmed_by_id = fields.Many2one(
        "res.users", string="Confirmation Recorded By", copy=False, readonly=True, tracking=True
    )
    confirmed_date = fields.Datetime(string="Confirmation Recorded On", copy=False, readonly=True)
    done_date = fields.Datetime(string="Completed On", copy=False, readonly=True)
    close_date = fields.Datetime(string="Closed On", copy=False, readonly=True, index=True)
    closed_by_id = fields.Many2one("res.users", copy=False, readonly=True, tracking=True)
    repair_ids = fields.One2many("repair.order", "svcms_request_id", string="Repair Orders")
    repair_count = fields.Integer(compute="_compute_repair_count", string="Repairs")

    # KPI facts, fixed when the request is completed
    response_on_time = fields.Boolean(string="Responded On Time", copy=False, readonly=True)
    first_time_fix = fields.Boolean(
        string="Fixed First Time",
        copy=False,
        readonly=True,
        help="Completed without waiting for parts and without an earlier request for the same serial in 30 days.",
    )
    waited_for_parts = fields.Boolean(string="Waited for Parts", copy=False, readonly=True)
    turnaround_hours = fields.Float(string="Turnaround (hours)", copy=False, readonly=True, aggregator="avg")

    # warehouse and workshop follow-up
    return_order_ids = fields.One2many("svcms.return.order", "request_id", string="Return Orders")
    return_order_count = fields.Integer(compute="_compute_return_order_count", string="Returns")
    maintenance_plan_id = fields.Many2one(
        "svcms.maintenance.plan", index="btree_not_null", check_company=True, copy=False
    )
    maintenance_due_date = fields.Date(string="Maintenance Due", copy=False)
    installation_picking_id = fields.Many2one(
        "stock.picking", string="Delivery to Install", index="btree_not_null", check_company=True, copy=False
    )
    installation_scheduled_date = fields.Datetime(string="Installation Scheduled On", copy=False, tracking=True)
    installation_check_ids = fields.One2many(
        "svcms.installation.check", "request_id", string="Installation Checklist", copy=False
    )
    installation_accepted = fields.Boolean(string="Accepted by Customer", copy=False, readonly=True, tracking=True)

    # customer relationship: the return visit and the complaints about the request
    return_visit_ids = fields.One2many("svcms.return.visit", "request_id", string="Return Visits", groups=USER_GROUP)
    complaint_ids = fields.One2many("svcms.complaint", "service_request_id", string="Complaints", groups=USER_GROUP)
    complaint_count = fields.Integer(compute="_compute_complaint_count", groups=USER_GROUP)
    return_visit_count = fields.Integer(compute="_compute_return_visit_count", groups=USER_GROUP)

    # the buttons, from the declared transitions
    can_respond = fields.Boolean(compute="_compute_svcms_can")
    can_assign = fields.Boolean(compute="_compute_svcms_can")
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_wait_customer = fields.Boolean(compute="_compute_svcms_can")
    can_wait_parts = fields.Boolean(compute="_compute_svcms_can")
    can_sign = fields.Boolean(compute="_compute_svcms_can")
    can_confirm = fields.Boolean(compute="_compute_svcms_can")
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    can_reopen = fields.Boolean(compute="_compute_svcms_can")

    # the maintenance plan cron and the button never create the same visit twice
    _maintenance_visit_unique = models.UniqueIndex(
        "(maintenance_plan_id, lot_id, maintenance_due_date) WHERE maintenance_plan_id IS NOT NULL",
        "This serial number already has a maintenance visit of this plan on that due date.",
    )

    # ------------------------------------------------------------------ constraints
    @api.constrains("request_date", "arrival_date", "done_date", "close_date")
    def _check_dates(self):
        for request in self:
            for fname in ("arrival_date", "done_date", "close_date"):
                if request.request_date and request[fname] and request.request_date > request[fname]:
                    raise ValidationError(
                        self.env._(
                            "%(name)s: the request date (%(request_date)s) cannot be later than “%(field)s” "
                            "(%(date)s).",
                            name=request.name,
                            request_date=fields.Datetime.to_string(request.request_date),
                            field=self._fields[fname]._description_string(self.env),
                            date=fields.Datetime.to_string(request[fname]),
                        )
                    )

    # ------------------------------------------------------------------ computes
    @api.depends("outlet_id")
    def _compute_service_area(self):
        for request in self:
            request.service_area = request.outlet_id.service_area or request.service_area or "city"

    @api.depends("lot_id", "request_date", "main_part_fault")
    def _compute_entitlement(self):
        for request in self:
            if not request.lot_id:
                request.entitlement = request.entitlement or "none"
                request.under_warranty = request.under_warranty or False
                continue
            entitlement = request.lot_id._svcms_entitlement(
                request.request_date.date() if request.request_date else None, main_part=request.main_part_fault
            )
            request.entitlement = entitlement
            request.under_warranty = entitlement in (
                "return",
                "exchange",
                "free_repair",
                "failed_repairs_exchange_or_return",
            )

    def _compute_repair_count(self):
        counts = related_counts(self, "repair.order", "svcms_request_id", sudo=True)
        for request in self:
            request.repair_count = counts.get(request.id, 0)

    @api.depends("return_order_ids")
    def _compute_return_order_count(self):
        counts = related_counts(self, "svcms.return.order", "request_id", sudo=True)
        for request in self:
            request.return_order_count = counts.get(request.id, 0)

    def _compute_complaint_count(self):
        counts = related_counts(self, "svcms.complaint", "service_request_id")
        for request in self:
            request.complaint_count = counts.get(request.id, 0)

    def _compute_return_visit_count(self):
        counts = related_counts(self, "svcms.return.visit", "request_id")
        for request in self:
            request.return_visit_count = counts.get(request.id, 0)

    @api.depends("partner_id.phone", "partner_id.email", "partner_id.contact_address")
    @api.depends_context("uid")
    def _compute_partner_contact(self):
        visible = self._svcms_contact_visible()
        for request in self:
            partner = request.partner_id if request in visible else request.partner_id.browse()
            request.partner_phone = partner.phone
            request.partner_email = partner.email
            request.partner_address = partner.contact_address and " ".join(partner.contact_address.split())

    def _svcms_contact_visible(self):
        """The requests whose customer contact details the current user sees: after-sales staff and the
        customers themselves see them all; other internal users (the warehouse) only those of customers
        for whom they handle an open return order."""
        user = self.env.user
        if self.env.su or not user._is_internal() or user.has_group(TECHNICIAN_GROUP):
            return self
        handled = (
            self.env["svcms.return.order"]
            .sudo()
            .search_fetch(
                [
                    ("user_id", "=", user.id),
                    ("state", "not in", ("done", "rejected", "cancelled")),
                    ("partner_id", "child_of", self.partner_id.commercial_partner_id.ids),
                ],
                ["partner_id"],
            )
        )
        customers = handled.partner_id.commercial_partner_id
        return self.filtered(lambda request: request.partner_id.commercial_partner_id in customers)

    def _compute_access_url(self):  # pylint: disable=missing-return; the parent returns None
        super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/service-requests/{request.id}"

    # ------------------------------------------------------------------ onchanges
    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id:
            self.product_id = self.lot_id.product_id
            line = self.lot_id.sudo()._svcms_sale_lines()[:1]
            if line:
                self.sale_line_id = line
                self.sale_order_id = line.order_id

    @api.onchange("sale_line_id")
    def _onchange_sale_line_id(self):
        if self.sale_line_id:
            self.sale_order_id = self.sale_line_id.order_id
            self.product_id = self.sale_line_id.product_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and not self.outlet_id:
            self.outlet_id = self.env["svcms.service.outlet"]._find_for_partner(self.partner_id)

    # ------------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        # refused users hear about service requests, not about outlets or the sequence (svcms.intake.mixin
        # draws the reference after this check)
        self.check_access("create")
        # the client sets no status nor audit field; a request created with its technician starts assigned
        self._svcms_check_create_values(vals_list)
        for vals in vals_list:
            if vals.get("technician_id") and vals.get("state", "new") == "new":
                vals["state"] = "assigned"
        # the outlet covering the customer's city, found for all new requests at once
        partner_ids = {vals["partner_id"] for vals in vals_list if vals.get("partner_id") and "outlet_id" not in vals}
        if partner_ids:
            outlets = self.env["svcms.service.outlet"]._outlets_by_partner(self.env["res.partner"].browse(partner_ids))
            for vals in vals_list:
                if vals.get("partner_id") in outlets and "outlet_id" not in vals:
                    vals["outlet_id"] = outlets[vals["partner_id"]].id
        requests = super(SvcmsServiceRequest, self._svcms_trusted()).create(vals_list).with_env(self.env)
        requests.technician_id._check_assignable()
        requests._svcms_assign_by_team()
        closed = requests.filtered(lambda r: r.state == "closed")
        if closed:
            self.env["svcms.return.visit"]._plan_for_requests(closed)
        return requests

    def write(self, vals):
        if not self._svcms_in_transition() and self._svcms_protected_fields() & set(vals):
            # who may not edit the request at all is told so, not how its workflow works
            self.check_access("write")
        if vals.get("technician_id"):
            self.env["svcms.technician"].browse(vals["technician_id"])._check_assignable()
        # The return visit is planned when the request closes (回访 N days later, company setting).
        closing = self.filtered(lambda r: r.state != "closed") if vals.get("state") == "closed" else self.browse()
        result = super().write(vals)
        if closing:
            self.env["svcms.return.visit"]._plan_for_requests(closing)
        return result

    def unlink(self):
        # refused before the SLA lines go with the requests
        self._svcms_unlink_only_in_deletable_states()
        return super().unlink()

    def _svcms_sla_watched_fields(self):
        return super()._svcms_sla_watched_fields() | {"service_area", "request_type"}

    # ------------------------------------------------------------------ team assignment
    def _svcms_assign_by_team(self):
        """New requests filed without a technician get one from their team's assignment policy (members are
        users; the request gets the technician of that user) and start assigned, as when the clerk chooses.
        With the manual policy (the default) nothing changes: the clerk chooses and assigns."""
        waiting = self.filtered(lambda r: r.state == "new" and not r.technician_id and r.team_id)
        for team in waiting.team_id:
            assigned = team._svcms_assign(
                waiting.filtered(lambda r, team=team: r.team_id == team), user_field="technician_id"
            )
            if assigned:
                assigned._svcms_write_workflow({"state": "assigned"})
                assigned._notify_on_assignment()
        return True

    @api.model
    def _svcms_assignment_candidates(self, technicians):
        """Only technicians who may be assigned (valid authorisation and competences) get work from a team."""
        assignable = technicians.browse()
        for technician in technicians:
            try:
                technician._check_assignable()
            except UserError:
                continue
            assignable |= technician
        return assignable

    # ------------------------------------------------------------------ actions
    def action_respond(self):
        """The customer was contacted (first response)."""
        self.filtered(lambda r: not r.first_response_date)._svcms_transition("respond")
        self._svcms_sla_event("first_response")
        return True

    def action_assign(self):
        for request in self:
            if not request.technician_id:
                raise UserError(self.env._("Choose a technician for %(name)s before assigning it.", name=request.name))
        self._svcms_check_transition("assign")
        self.technician_id._check_assignable()
        self.filtered(lambda r: not r.first_response_date).action_respond()
        self._svcms_transition("assign")
        self._notify_on_assignment()
        return True

    def action_start(self):
        self._svcms_check_transition("start")
        self.filtered(lambda r: not r.first_response_date).action_respond()
        arriving = self.filtered(lambda r: r.request_type in ONSITE_TYPES and not r.arrival_date)
        arriving._svcms_transition("start", {"arrival_date": fields.Datetime.now()})
        (self - arriving)._svcms_transition("start")
        if arriving:
            arriving._svcms_sla_event("on_site")
        return True

    def action_wait_customer(self):
        return self._svcms_transition("wait_customer")

    def action_wait_parts(self):
        return self._svcms_transition("wait_parts", {"waited_for_parts": True})

    def action_open_customer_signature(self):
        """The customer signs the on-site report on the technician's device."""
        self.ensure_one()
        self._svcms_check_transition("sign")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Signature"),
            "res_model": "svcms.service.request.sign",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_request_id": self.id, "default_signed_by": self.partner_id.name},
        }

    def action_customer_sign(self, signature, signed_by):
        """Record the customer's signature of the on-site report: their confirmation of the work."""
        self._svcms_check_signature(signature, signed_by)
        return self._svcms_transition(
            "sign", {"signature": signature, "signed_by": signed_by.strip(), "customer_confirmed": True}
        )

    def _svcms_check_signature(self, signature, signed_by):
        if not signature or not isinstance(signed_by, str) or not signed_by.strip():
            raise UserError(self.env._("The customer's signature and name are both needed."))
        try:
            base64.b64decode(signature, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise UserError(self.env._("The signature is not a valid image.")) from None

    def _svcms_portal_sign(self, signature, signed_by):
        """The customer signs from the portal: call it on a request the portal route checked (own request
        or access token) and browsed with ``sudo()``; no employee acts, so no transition guard applies."""
        self.ensure_one()
        if self.state not in WORKING_STATES:
            raise UserError(self.env._("%(name)s cannot be signed now.", name=self.name))
        self._svcms_check_signature(signature, signed_by)
        self._svcms_write_workflow(
            {
                "signature": signature,
                "signed_by": signed_by.strip(),
                "signed_on": fields.Datetime.now(),
                "customer_confirmed": True,
            }
        )
        return True

    def action_customer_confirm(self):
        """The customer confirmed the work without signing (by phone, in writing): recorded by the back
        office, not by the technician who did the work."""
        return self._svcms_transition("confirm", {"customer_confirmed": True})

    def action_done(self):
        self._svcms_check_transition("done")
        for request in self:
            if request.request_type in ONSITE_TYPES and not (request.customer_confirmed or request.signature):
                raise UserError(
                    self.env._(
                        "%(name)s: the customer must sign the on-site report before completion.", name=request.name
                    )
                )
            missing = request.installation_check_ids.filtered(lambda check: not check.is_done)
            if request.request_type == "installation" and missing:
                raise UserError(
                    self.env._(
                        "%(name)s: complete the installation checklist first (%(checks)s).",
                        name=request.name,
                        checks=", ".join(missing.mapped("name")),
                    )
                )
        self._svcms_transition("done")
        self.filtered(lambda r: r.request_type == "installation")._svcms_write_workflow({"installation_accepted": True})
        # KPI facts count every request of the serial, whoever completes this one
        self.sudo()._record_kpi_facts()
        return True

    def action_close(self):
        self._svcms_transition("close")
        template = self.env.ref("svcms_aftersales.mail_template_service_request_rating", raise_if_not_found=False)
        if template:
            for request in self.filtered(lambda r: r.partner_id.email):
                request.rating_send_request(template, force_send=False)
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_reopen(self):
        self._svcms_check_transition("reopen")
        assigned = self.filtered("technician_id")
        assigned._svcms_transition("reopen", {"state": "in_progress"})
        (self - assigned)._svcms_transition("reopen", {"state": "new"})
        return True

    def action_refresh_entitlement(self):
        """Apply the entitlement of today's 三包 rules again (e.g. after a repair was completed)."""
        self.env.invalidate_all()
        self._compute_entitlement()
        return True

    def action_view_repairs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Repair Orders"),
            "res_model": "repair.order",
            "view_mode": "list,form",
            "domain": [("svcms_request_id", "=", self.id)],
            "context": {
                "default_svcms_request_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_product_id": self.product_id.id,
                "default_lot_id": self.lot_id.id,
                "default_under_warranty": self.under_warranty,
            },
        }

    def action_print_report(self):
        return self.env.ref("svcms_aftersales.action_report_service_request").report_action(self)

    # ------------------------------------------------------------------ installation, repair and return orders
    @api.model
    def _svcms_create_installations(self, move_lines):
        """One installation request per delivered serial (per move for untracked products), created once."""
        existing = {
            (picking.id, lot.id)
            for picking, lot in self.sudo()._read_group(
                [("installation_picking_id", "in", move_lines.picking_id.ids), ("request_type", "=", "installation")],
                ["installation_picking_id", "lot_id"],
            )
        }
        vals_list = []
        seen_moves = set()
        for line in move_lines:
            move = line.move_id
            if (line.picking_id.id, line.lot_id.id) in existing or (not line.lot_id and move.id in seen_moves):
                continue
            seen_moves.add(move.id)
            existing.add((line.picking_id.id, line.lot_id.id))
            template = line.product_id.product_tmpl_id
            vals_list.append(
                {
                    "partner_id": line.picking_id.partner_id.id,
                    "company_id": line.picking_id.company_id.id,
                    "request_type": "installation",
                    "channel": "phone",
                    "product_id": line.product_id.id,
                    "lot_id": line.lot_id.id,
                    "sale_order_id": line.picking_id.sale_id.id,
                    "sale_line_id": move.sale_line_id.id,
                    "installation_picking_id": line.picking_id.id,
                    "installation_check_ids": [
                        Command.create({"sequence": index, "name": check})
                        for index, check in enumerate(template._svcms_installation_checks())
                    ],
                }
            )
        # Whoever validates the delivery creates the request, even without after-sales rights.
        return self.sudo().create(vals_list)

    def action_svcms_create_repair(self):
        """Create the Odoo repair order of this request (serial, parts, warranty flag).

        Paid repairs (out of warranty) are quoted at once through the repair's sale order.
        """
        repairs = self.env["repair.order"]
        for request in self:
            if not request.product_id:
                raise UserError(self.env._("Set the product of %s before creating a repair order.", request.name))
            if request.product_id.tracking == "serial" and not request.lot_id:
                raise UserError(self.env._("Set the serial number of %s before creating a repair order.", request.name))
            repair = self.env["repair.order"].create(request._prepare_repair_values())
            if not repair.under_warranty and repair.move_ids:
                repair.action_create_sale_order()
            noted = request._svcms_for_company()
            noted.message_post(body=Markup("%s") % noted.env._("Repair order %s created.", repair.name))
            repairs |= repair
        if len(repairs) == 1:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Repair Order"),
                "res_model": "repair.order",
                "res_id": repairs.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return True

    def _prepare_repair_values(self):
        self.ensure_one()
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)
        return {
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "picking_type_id": warehouse.repair_type_id.id,
            "under_warranty": self.under_warranty,
            "svcms_request_id": self.id,
            "repair_request": html2plaintext(self.description or "") or False,
            "move_ids": [
                Command.create(
                    {
                        "product_id": part.product_id.id,
                        "product_uom_qty": part.quantity,
                        "repair_line_type": "add",
                        "company_id": self.company_id.id,
                    }
                )
                for part in self.part_line_ids
            ],
        }

    def action_svcms_create_return_order(self):
        """Open a return order prefilled from the request (delivery found from the serial)."""
        self.ensure_one()
        picking = self.env["svcms.return.order"]._find_delivery(self.sale_order_id, self.product_id, self.lot_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Order"),
            "res_model": "svcms.return.order",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_request_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_product_id": self.product_id.id,
                "default_lot_id": self.lot_id.id,
                "default_picking_id": picking.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_svcms_view_return_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Orders"),
            "res_model": "svcms.return.order",
            "view_mode": "list,form",
            "domain": [("request_id", "=", self.id)],
            "context": {"default_request_id": self.id},
        }

    # ------------------------------------------------------------------ nonconformity (svcms.nonconformity.source)
    @api.model
    def _svcms_nonconformity_source_type(self):
        return "service_request"

    # ------------------------------------------------------------------ return visits and complaints
    def action_view_complaints(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complaints"),
            "res_model": "svcms.complaint",
            "view_mode": "list,form",
            "domain": [("service_request_id", "=", self.id)],
            "context": {"default_service_request_id": self.id, "default_partner_id": self.partner_id.id},
        }

    def action_view_return_visits(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Visits"),
            "res_model": "svcms.return.visit",
            "view_mode": "list,form",
            "domain": [("request_id", "=", self.id)],
            "context": {"default_request_id": self.id, "default_partner_id": self.partner_id.id},
        }

    def _record_kpi_facts(self):
        """Fix the KPI facts when work is completed: response on time, first-time fix, turnaround."""
        if not self:
            return
        earlier = self.search_fetch(
            [("lot_id", "in", self.lot_id.ids), ("id", "not in", self.ids), ("state", "!=", "cancelled")],
            ["lot_id", "request_date"],
        )
        breached = (
            self.env["svcms.sla.line"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("metric", "=", "first_response"),
                    ("breached", "=", True),
                ],
                ["res_id"],
            )
        )
        late = {res_id for (res_id,) in breached}
        for request in self:
            repeat = (
                any(
                    other.lot_id == request.lot_id
                    and other.request_date < request.request_date
                    and (request.request_date - other.request_date).days <= 30
                    for other in earlier
                )
                if request.lot_id
                else False
            )
            request.response_on_time = request.id not in late
            request.first_time_fix = not repeat and not request.waited_for_parts
            request.turnaround_hours = (request.done_date - request.request_date).total_seconds() / 3600.0

    # ------------------------------------------------------------------ portal (intake: svcms.intake.mixin)
    PORTAL_TYPES = ("repair_report", "repair_onsite", "repair_carry_in", "installation", "maintenance", "consultation")

    @api.model
    def _portal_delivered_lots(self, partner):
        """Serials at the customer (their company and its contacts): the only ones they may choose.

        A serial counts when its last customer movement delivered it to one of them; a unit returned since
        (a return, a recall recovery) or delivered to someone else afterwards is no longer theirs."""
        commercial = partner.commercial_partner_id
        partners = self.env["res.partner"].sudo().search([("id", "child_of", commercial.id)])
        lots = self.env["stock.lot"].sudo().search([("partner_ids", "in", partners.ids)], order="name")
        last = lots._svcms_last_customer_moves()
        return lots.filtered(lambda lot: lot.id in last and last[lot.id][0] in partners.ids)

    @api.model
    def _portal_products(self, partner):
        """What /my/products shows: one dict per serial at the customer, with its 三包 status, the open
        requests the portal user may see and the open recalls concerning it."""
        lots = self._portal_delivered_lots(partner)
        if not lots:
            return []
        last = lots._svcms_last_customer_moves()
        # searched with the user's rights: the count matches the requests the portal list shows
        open_counts = {
            lot.id: count
            for lot, count in self._read_group(
                [("lot_id", "in", lots.ids), ("state", "in", OPEN_STATES)], ["lot_id"], ["__count"]
            )
        }
        recall_lines = (
            self.env["svcms.recall.line"]
            .sudo()
            .search([("lot_ids", "in", lots.ids), ("state", "=", "open"), ("recall_id.state", "=", "open")])
        )
        statuses = dict(lots._fields["warranty_status"]._description_selection(self.env))
        entitlements = dict(self._fields["entitlement"]._description_selection(self.env))
        return [
            {
                "lot": lot,
                "delivery_date": last[lot.id][1].date(),
                "warranty_status": statuses.get(lot.warranty_status, ""),
                "entitlement": entitlements.get(lot._svcms_entitlement(), ""),
                "open_request_count": open_counts.get(lot.id, 0),
                "recalls": recall_lines.filtered(lambda line, lot=lot: lot in line.lot_ids).recall_id,
            }
            for lot in lots
        ]

    @api.model
    def _portal_create(self, lot_id, request_type, description, uploaded_files=()):
        """File a request from the portal, for the portal user, on one of their own delivered serials.

        ``uploaded_files``: the photos (werkzeug uploads or ``(file name, bytes)``), checked by
        ``_svcms_portal_create`` before anything is created."""
        partner = self.env.user.partner_id
        lot = self._portal_delivered_lots(partner).filtered(lambda lot: lot.id == lot_id)
        if not lot:
            raise UserError(self.env._("Choose one of the products delivered to you."))
        if request_type not in self.PORTAL_TYPES:
            raise UserError(self.env._("This kind of request cannot be filed online."))
        if not (description or "").strip():
            raise UserError(self.env._("Describe the fault or what you need."))
        sale_line = lot._svcms_sale_lines()[:1]
        return self._svcms_portal_create(
            {
                "company_id": lot.company_id.id or self.env.user.company_id.id,
                "request_type": request_type,
                "lot_id": lot.id,
                "product_id": lot.product_id.id,
                "sale_line_id": sale_line.id,
                "sale_order_id": sale_line.order_id.id,
                "description": Markup("<p>%s</p>") % description,
                "user_id": False,
            },
            uploaded_files,
        )

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Service Report %s", self.name)

    def _rating_get_partner(self):
        return self.partner_id

    def _notify_on_assignment(self):
        for request in self.filtered("technician_user_id"):
            # the technician is notified: in their language, whoever (or whatever) assigned the request
            addressed = request._svcms_for_user(request.technician_user_id)
            addressed.message_post(
                body=Markup("<p>%s</p>")
                % addressed.env._("Assigned to %(technician)s.", technician=request.technician_id.name),
                partner_ids=request.technician_user_id.partner_id.ids,
            )
