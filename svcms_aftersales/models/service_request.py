from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

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
ONSITE_TYPES = ("installation", "repair_onsite", "maintenance")


class SvcmsServiceRequest(models.Model):
    """An after-sales service request (售后工单)."""

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
    ]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _svcms_intake_attachment_field = "photo_ids"

    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    _svcms_sla_team_field = None
    _svcms_sla_user_field = "user_id"
    _svcms_sla_start_field = "request_date"
    _svcms_sla_events = (("first_response", "First response to the customer"), ("on_site", "Technician on site"))

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/", index="trigram")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
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
    state = fields.Selection(REQUEST_STATES, required=True, default="new", index=True, tracking=True)
    sale_order_id = fields.Many2one("sale.order", string="Sale Order", index="btree_not_null", check_company=True)
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale Order Line",
        check_company=True,
        domain="[('order_id', '=?', sale_order_id), ('order_partner_id', 'child_of', partner_id)]",
    )
    product_id = fields.Many2one("product.product", string="Product", index="btree_not_null", check_company=True)
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
    outlet_id = fields.Many2one("svcms.service.outlet", string="Outlet", check_company=True, tracking=True)
    technician_id = fields.Many2one(
        "svcms.technician",
        string="Technician",
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
        string="Service Area",
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
    under_warranty = fields.Boolean(
        string="Under Warranty", compute="_compute_entitlement", store=True, readonly=False, precompute=True
    )
    main_part_fault = fields.Boolean(
        string="Main Part Fault", help="The fault is in a main part covered by the longer main parts warranty."
    )
    warranty_end_date = fields.Date(related="lot_id.warranty_end_date", string="Warranty End")
    warranty_status = fields.Selection(related="lot_id.warranty_status", string="Warranty Status")

    # on-site report
    arrival_date = fields.Datetime(string="Arrived On Site", copy=False)
    first_response_date = fields.Datetime(string="First Response", copy=False)
    part_line_ids = fields.One2many("svcms.service.request.part", "request_id", string="Parts Used", copy=False)
    labour_hours = fields.Float(string="Labour (hours)", copy=False)
    resolution = fields.Html(string="Work Done", copy=False)
    signature = fields.Binary(string="Customer Signature", copy=False, attachment=True)
    signed_by = fields.Char(string="Signed By", copy=False)
    signed_on = fields.Datetime(string="Signed On", copy=False)
    done_date = fields.Datetime(string="Completed On", copy=False, readonly=True)
    close_date = fields.Datetime(string="Closed On", copy=False, readonly=True, index=True)
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
        groups = (
            self.env["repair.order"]
            .sudo()
            ._read_group([("svcms_request_id", "in", self.ids)], ["svcms_request_id"], ["__count"])
        )
        counts = {request.id: count for request, count in groups}
        for request in self:
            request.repair_count = counts.get(request.id, 0)

    def _compute_access_url(self):
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
        requests = super().create(vals_list)
        requests.technician_id._check_assignable()
        return requests

    def write(self, vals):
        if vals.get("technician_id"):
            self.env["svcms.technician"].browse(vals["technician_id"])._check_assignable()
        return super().write(vals)

    def _svcms_sla_watched_fields(self):
        return super()._svcms_sla_watched_fields() | {"service_area", "request_type"}

    # ------------------------------------------------------------------ actions
    def _ensure_state(self, allowed):
        for request in self:
            if request.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(name)s is %(state)s: this step is not possible now.",
                        name=request.name,
                        state=dict(self._fields["state"]._description_selection(self.env)).get(request.state),
                    )
                )

    def action_respond(self):
        """The customer was contacted (first response)."""
        now = fields.Datetime.now()
        for request in self.filtered(lambda r: not r.first_response_date):
            request.first_response_date = now
        self._svcms_sla_event("first_response")

    def action_assign(self):
        self._ensure_state(("new", "assigned"))
        for request in self:
            if not request.technician_id:
                raise UserError(self.env._("Choose a technician for %(name)s before assigning it.", name=request.name))
        self.technician_id._check_assignable()
        self.filtered(lambda r: not r.first_response_date).action_respond()
        self.write({"state": "assigned"})
        self._notify_on_assignment()

    def action_start(self):
        self._ensure_state(("new", "assigned", "waiting_customer", "waiting_parts"))
        self.filtered(lambda r: not r.first_response_date).action_respond()
        arriving = self.filtered(lambda r: r.request_type in ONSITE_TYPES and not r.arrival_date)
        arriving.arrival_date = fields.Datetime.now()
        self.write({"state": "in_progress"})
        if arriving:
            arriving._svcms_sla_event("on_site")

    def action_wait_customer(self):
        self._ensure_state(("assigned", "in_progress", "waiting_parts"))
        self.write({"state": "waiting_customer"})

    def action_wait_parts(self):
        self._ensure_state(("assigned", "in_progress", "waiting_customer"))
        self.write({"state": "waiting_parts", "waited_for_parts": True})

    def action_done(self):
        self._ensure_state(("in_progress", "waiting_customer", "waiting_parts"))
        now = fields.Datetime.now()
        for request in self:
            if request.request_type in ONSITE_TYPES and not request.signature:
                raise UserError(
                    self.env._(
                        "%(name)s: the customer must sign the on-site report before completion.", name=request.name
                    )
                )
        self.write({"state": "done", "done_date": now})
        self._record_kpi_facts()

    def action_close(self):
        self._ensure_state(("done",))
        self.write({"state": "closed", "close_date": fields.Datetime.now()})
        template = self.env.ref("svcms_aftersales.mail_template_service_request_rating", raise_if_not_found=False)
        if template:
            for request in self.filtered(lambda r: r.partner_id.email):
                request.rating_send_request(template, force_send=False)

    def action_cancel(self):
        self._ensure_state(OPEN_STATES)
        self.write({"state": "cancelled"})

    def action_reopen(self):
        self._ensure_state(("done", "cancelled"))
        self.write({"state": "in_progress" if self.technician_id else "new"})

    def action_refresh_entitlement(self):
        """Apply the entitlement of today's 三包 rules again (e.g. after a repair was completed)."""
        self.env.invalidate_all()
        self._compute_entitlement()

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
        """Serials delivered to the customer (their company and its contacts): the only ones they may choose."""
        commercial = partner.commercial_partner_id
        partners = self.env["res.partner"].sudo().search([("id", "child_of", commercial.id)])
        return self.env["stock.lot"].sudo().search([("partner_ids", "in", partners.ids)], order="name")

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

    def _svcms_demo_rate(self, rate, feedback=None):
        """Demo story: the customers answer the rating request of their closed requests."""
        for request in self:
            request.rating_apply(rate, token=request._rating_get_access_token(), feedback=feedback)

    def _notify_on_assignment(self):
        for request in self.filtered("technician_user_id"):
            request.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Assigned to %(technician)s.", technician=request.technician_id.name),
                partner_ids=request.technician_user_id.partner_id.ids,
            )
