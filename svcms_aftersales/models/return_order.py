from odoo import Command, api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

MANAGER_GROUP = "svcms_aftersales.group_aftersales_manager"
BILLING_GROUP = "account.group_account_invoice"
OPEN_STATES = ("draft", "waiting", "received", "inspected")


class SvcmsReturnOrder(models.Model):
    """A return or exchange processed by the warehouse (退换货单).

    The goods come back through Odoo's return wizard into the warehouse's inspection location; after
    inspection they are restocked, scrapped or kept for repair, and the decision (refund, exchange,
    repair, reject) is executed with Odoo's own documents: credit note, delivery, repair order.

    Money and stock rules live here, not in the form: what is returned (delivery, product, serial,
    quantity, hence the amount) is frozen once the return receipt exists; all return orders of a
    delivery together never take back more than it delivered; a refund above the company's limit
    (compared in the company currency) needs an after-sales manager.
    """

    _name = "svcms.return.order"
    _description = "Return Order"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.workflow.mixin",
        "barcodes.barcode_events_mixin",
        "svcms.evidence.mixin",
    ]
    _svcms_evidence_clauses = {"gbt27922": ("2.5.1", "2.5.3")}
    _svcms_evidence_date_field = "return_date"
    _svcms_evidence_domain = [("state", "not in", ("draft", "cancelled"))]
    _order = "id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "submit": Transition(("draft",), "waiting", "submitted_by_id", "submitted_date"),
        "receive": Transition(("waiting",), "received", "received_by_id", "received_date"),
        "inspect": Transition(("received",), "inspected", "inspected_by_id", "inspected_date"),
        "refund": Transition(("inspected",), "done", "decided_by_id", "decided_date"),
        "exchange": Transition(("inspected",), "done", "decided_by_id", "decided_date"),
        "repair": Transition(("inspected",), "done", "decided_by_id", "decided_date"),
        "reject": Transition(OPEN_STATES, "rejected", "decided_by_id", "decided_date"),
        "cancel": Transition(("draft", "waiting"), "cancelled", "cancelled_by_id", "cancelled_date"),
    }
    # Documents and results the workflow creates: no client writes them.
    _svcms_workflow_fields = (
        "location_id",
        "return_picking_id",
        "restock_move_id",
        "scrap_id",
        "decision",
        "refund_amount",
        "invoice_id",
        "credit_note_id",
        "exchange_picking_id",
        "reject_picking_id",
        "repair_id",
    )
    # What is returned, and so what it is worth, is fixed once the return receipt exists.
    _svcms_frozen_fields = (
        "company_id",
        "request_id",
        "partner_id",
        "picking_id",
        "product_id",
        "lot_id",
        "quantity",
        "return_date",
    )
    _svcms_field_editable_states = {
        "inspection_result": ("received",),
        "inspection_note": ("received",),
        "reason": ("draft", "waiting"),
        "exchange_product_id": OPEN_STATES,
        "reject_reason": OPEN_STATES,
    }
    # A submitted return has a receipt, a decided one a credit note or a delivery: cancel, never delete.
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/", index="trigram")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        help="Currency of the sale, in which the customer is refunded.",
    )
    return_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Date of the return: the refund is converted into the company currency at this date's rate.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("waiting", "Waiting for Goods"),
            ("received", "Received"),
            ("inspected", "Inspected"),
            ("done", "Done"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    request_id = fields.Many2one(
        "svcms.service.request", string="Service Request", index="btree_not_null", check_company=True, tracking=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, tracking=True)
    picking_id = fields.Many2one(
        "stock.picking",
        string="Original Delivery",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done')]",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        compute="_compute_sale_order_id",
        store=True,
        index="btree_not_null",
        check_company=True,
    )
    product_id = fields.Many2one("product.product", required=True, check_company=True, tracking=True)
    tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        check_company=True,
        tracking=True,
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit", tracking=True)
    scan_serial = fields.Char(
        store=False,
        help="Scan or type the serial number of the returned unit: the delivery, customer and product are filled in.",
    )
    reason = fields.Text(string="Return Reason")
    warehouse_id = fields.Many2one("stock.warehouse", compute="_compute_warehouse_id", store=True, check_company=True)
    location_id = fields.Many2one(
        "stock.location", string="Inspection Location", readonly=True, copy=False, check_company=True
    )
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return Receipt", readonly=True, copy=False, check_company=True
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    received_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    received_date = fields.Datetime(string="Received On", readonly=True, copy=False)
    inspection_result = fields.Selection(
        [("resellable", "Resellable"), ("defective", "Defective"), ("scrap", "Scrap")], tracking=True, copy=False
    )
    inspection_note = fields.Text(copy=False)
    inspected_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    inspected_date = fields.Datetime(string="Inspected On", readonly=True, copy=False)
    restock_move_id = fields.Many2one("stock.move", readonly=True, copy=False)
    scrap_id = fields.Many2one("stock.scrap", string="Scrap Order", readonly=True, copy=False)
    decision = fields.Selection(
        [("refund", "Refund"), ("exchange", "Exchange"), ("repair", "Repair"), ("reject", "Reject")],
        readonly=True,
        tracking=True,
        copy=False,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    decided_date = fields.Datetime(string="Decided On", readonly=True, copy=False)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    reject_reason = fields.Text(copy=False)
    refund_amount = fields.Monetary(
        compute="_compute_refund_amount",
        store=True,
        currency_field="currency_id",
        help="Price paid for the returned quantity, taxes included, in the currency of the sale.",
    )
    refund_amount_company = fields.Monetary(
        string="Refund in Company Currency",
        compute="_compute_refund_amount_company",
        currency_field="company_currency_id",
        help="The refund converted at the rate of the return date: this amount is compared with the approval limit.",
    )
    invoice_id = fields.Many2one("account.move", string="Customer Invoice", readonly=True, copy=False)
    credit_note_id = fields.Many2one("account.move", readonly=True, copy=False, tracking=True)
    exchange_product_id = fields.Many2one(
        "product.product",
        string="Replacement Product",
        check_company=True,
        help="Leave empty to exchange for the same product.",
    )
    exchange_picking_id = fields.Many2one(
        "stock.picking", string="Replacement Delivery", readonly=True, copy=False, check_company=True
    )
    reject_picking_id = fields.Many2one(
        "stock.picking", string="Sent Back to Customer", readonly=True, copy=False, check_company=True
    )
    repair_id = fields.Many2one("repair.order", string="Repair Order", readonly=True, copy=False, check_company=True)
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user, tracking=True)
    can_submit = fields.Boolean(compute="_compute_svcms_can")
    can_receive = fields.Boolean(compute="_compute_svcms_can")
    can_inspect = fields.Boolean(compute="_compute_svcms_can")
    can_refund = fields.Boolean(compute="_compute_svcms_can")
    can_exchange = fields.Boolean(compute="_compute_svcms_can")
    can_repair = fields.Boolean(compute="_compute_svcms_can")
    can_reject = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The returned quantity must be positive.")

    @api.depends("picking_id")
    def _compute_sale_order_id(self):
        for order in self:
            order.sale_order_id = order.picking_id.sudo().sale_id

    @api.depends("sale_order_id", "company_id")
    def _compute_currency_id(self):
        for order in self:
            order.currency_id = order.sale_order_id.sudo().currency_id or order.company_id.currency_id

    @api.depends("picking_id")
    def _compute_warehouse_id(self):
        for order in self:
            order.warehouse_id = order.picking_id.picking_type_id.warehouse_id

    @api.depends("sale_order_id", "product_id", "quantity")
    def _compute_refund_amount(self):
        for order in self:
            line = order._sale_line()
            unit_total = line.price_total / line.product_uom_qty if line.product_uom_qty else 0.0
            order.refund_amount = order.currency_id.round(unit_total * order.quantity)

    @api.depends("refund_amount", "currency_id", "company_id", "return_date")
    @api.depends_context("company")
    def _compute_refund_amount_company(self):
        for order in self:
            order.refund_amount_company = order._refund_amount_company()

    def _refund_amount_company(self):
        """The refund in the company currency, converted at the rate of the return date."""
        self.ensure_one()
        if not self.currency_id:
            return self.refund_amount
        return self.currency_id._convert(
            self.refund_amount,
            self.company_currency_id,
            self.company_id,
            self.return_date or fields.Date.context_today(self),
        )

    @api.onchange("picking_id")
    def _onchange_picking_id(self):
        if self.picking_id:
            self.partner_id = self.picking_id.partner_id
            products = self.picking_id.move_ids.product_id
            if len(products) == 1:
                self.product_id = products

    # ------------------------------------------------------------------
    # Scanning the serial number of the returned unit
    # ------------------------------------------------------------------
    @api.onchange("scan_serial")
    def _onchange_scan_serial(self):
        if self.scan_serial:
            self._svcms_apply_serial(self.scan_serial)
            self.scan_serial = False

    def on_barcode_scanned(self, barcode):
        """A scanner used anywhere on the form (``barcodes`` handler) reads the serial number."""
        self._svcms_apply_serial(barcode)

    def _svcms_apply_serial(self, serial):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("Only a draft return order takes a scanned serial number."))
        self.update(self._svcms_serial_values(serial, self.partner_id, self.company_id))

    @api.model
    def _svcms_serial_values(self, serial, partner=None, company=None):
        """Values of a return of the unit with serial number ``serial``: its last delivery to a customer.

        Refused with a message the clerk can act on: an unknown serial, a unit that is not at a customer
        (never delivered, or already back), a unit delivered to another customer than ``partner``, or a unit
        another open return order already takes back.
        """
        serial = (serial or "").strip()
        company = company or self.env.company
        Lot = self.env["stock.lot"].sudo()
        lots = Lot.search([("name", "=", serial), ("company_id", "in", (company.id, False))])
        if not lots:
            raise UserError(self.env._("No unit with serial number %(serial)s is known.", serial=serial))
        # The last movement of the unit tells where it is now.
        last_line = (
            self.env["stock.move.line"]
            .sudo()
            .search([("lot_id", "in", lots.ids), ("state", "=", "done")], order="date desc, id desc", limit=1)
        )
        if not last_line or last_line.location_dest_id.usage != "customer" or not last_line.picking_id:
            raise UserError(
                self.env._(
                    "The unit with serial number %(serial)s is not at a customer: it was never delivered or has "
                    "already come back.",
                    serial=serial,
                )
            )
        picking = last_line.picking_id
        customer = picking.partner_id.commercial_partner_id
        if partner and customer != partner.commercial_partner_id:
            raise UserError(
                self.env._(
                    "The unit with serial number %(serial)s was not delivered to %(customer)s: check the serial "
                    "number or the customer.",
                    serial=serial,
                    customer=partner.display_name,
                )
            )
        lot = last_line.lot_id
        open_order = self.sudo().search(
            [("lot_id", "=", lot.id), ("state", "in", OPEN_STATES), ("id", "not in", self.ids)], limit=1
        )
        if open_order:
            raise UserError(
                self.env._(
                    "The unit with serial number %(serial)s is already being returned with %(order)s.",
                    serial=serial,
                    order=open_order.name,
                )
            )
        return {
            "company_id": picking.company_id.id,
            "picking_id": picking.id,
            "partner_id": (partner or picking.partner_id).id,
            "product_id": lot.product_id.id,
            "lot_id": lot.id,
            "quantity": 1.0 if lot.product_id.tracking == "serial" else last_line.quantity,
        }

    @api.onchange("request_id")
    def _onchange_request_id(self):
        request = self.request_id
        if request:
            self.partner_id = request.partner_id
            self.product_id = request.product_id or self.product_id
            self.lot_id = request.lot_id or self.lot_id
            picking = self._find_delivery(request.sale_order_id, request.product_id, request.lot_id)
            self.picking_id = picking or self.picking_id

    @api.model
    def _find_delivery(self, sale_order, product, lot):
        """The done outgoing picking that delivered this serial (or product) to the customer."""
        domain = [
            ("state", "=", "done"),
            ("location_dest_id.usage", "=", "customer"),
            ("product_id", "=", product.id),
        ]
        if lot:
            domain.append(("lot_id", "=", lot.id))
        if sale_order:
            domain.append(("picking_id.sale_id", "=", sale_order.id))
        move_line = self.env["stock.move.line"].sudo().search(domain, order="date desc", limit=1)
        return move_line.picking_id

    # ------------------------------------------------------------------
    # Integrity
    # ------------------------------------------------------------------
    @api.constrains("reject_reason", "decision")
    def _check_reject_reason(self):
        for order in self:
            if order.decision == "reject" and not (order.reject_reason or "").strip():
                raise ValidationError(self.env._("Give the reason why the return is rejected."))

    @api.constrains("request_id", "partner_id", "product_id", "lot_id")
    def _check_matches_request(self):
        """The return is the request's customer's and goods: a return order cannot be tied to any service request
        (returns clerks read the requests of the returns they handle, and only those)."""
        for order in self.sudo().filtered("request_id"):
            request = order.request_id
            if (
                request.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id
                or (request.product_id and request.product_id != order.product_id)
                or (request.lot_id and request.lot_id != order.lot_id)
            ):
                raise ValidationError(
                    self.env._(
                        "Service request %(request)s is not about %(customer)s's %(product)s returned here.",
                        request=request.name,
                        customer=order.partner_id.display_name,
                        product=order.lot_id.name or order.product_id.display_name,
                    )
                )

    @api.constrains("quantity", "picking_id", "product_id", "lot_id", "state")
    def _check_returned_quantity(self):
        """All return orders of a delivery (but cancelled ones) never take back more than it delivered: per
        product, and per serial or lot."""
        orders = self.sudo().filtered(lambda o: o.state != "cancelled")
        if not orders:
            return
        pickings = orders.picking_id
        # Serialize the check per delivery: a concurrent return of the same delivery waits here, then fails
        # with a serialization error and is retried, and sees this one (a mere lock would not do under
        # REPEATABLE READ).
        self.env.execute_query(SQL("UPDATE stock_picking SET write_date = write_date WHERE id = ANY(%s)", pickings.ids))
        returned = {}
        for picking, product, lot, quantity in self.sudo()._read_group(
            [("picking_id", "in", pickings.ids), ("state", "!=", "cancelled")],
            ["picking_id", "product_id", "lot_id"],
            ["quantity:sum"],
        ):
            for key in ((picking, product), (picking, product, lot)):
                returned[key] = returned.get(key, 0.0) + quantity
        for order in orders:
            product = order.product_id
            done_moves = order.picking_id.move_ids.filtered(
                lambda m, product=product: m.product_id == product and m.state == "done"
            )
            delivered = sum(m.product_uom._compute_quantity(m.quantity, product.uom_id) for m in done_moves)
            checks = []
            if order.lot_id:
                lot_lines = done_moves.move_line_ids.filtered(lambda line, lot=order.lot_id: line.lot_id == lot)
                delivered_lot = sum(
                    line.product_uom_id._compute_quantity(line.quantity, product.uom_id) for line in lot_lines
                )
                checks.append(
                    (delivered_lot, returned.get((order.picking_id, product, order.lot_id), 0.0), order.lot_id.name)
                )
            checks.append((delivered, returned.get((order.picking_id, product), 0.0), product.display_name))
            for delivered_qty, returned_qty, what in checks:
                if product.uom_id.compare(returned_qty, delivered_qty) > 0:
                    raise ValidationError(
                        self.env._(
                            "Delivery %(picking)s delivered %(delivered)s of %(what)s, but its return orders would "
                            "take back %(returned)s. Check the quantity, the serial number and the other return "
                            "orders of this delivery.",
                            picking=order.picking_id.name,
                            delivered=delivered_qty,
                            what=what,
                            returned=returned_qty,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            serial = vals.pop("scan_serial", False)
            if serial:
                partner = self.env["res.partner"].browse(vals.get("partner_id"))
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals.update({**self._svcms_serial_values(serial, partner, company), **vals})
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("svcms.return.order") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("scan_serial"):
            vals = dict(vals)
            serial = vals.pop("scan_serial")
            for order in self:
                if order.state != "draft":
                    raise UserError(self.env._("Only a draft return order takes a scanned serial number."))
                partner = order.partner_id
                if "partner_id" in vals:
                    partner = self.env["res.partner"].browse(vals["partner_id"])
                serial_values = order._svcms_serial_values(serial, partner, order.company_id)
                super(SvcmsReturnOrder, order).write({**serial_values, **vals})
            return True
        vals.pop("scan_serial", None)
        return super().write(vals)

    def _sale_line(self):
        self.ensure_one()
        lines = self.sale_order_id.sudo().order_line.filtered(lambda line: line.product_id == self.product_id)
        return lines[:1]

    def _original_move(self):
        self.ensure_one()
        moves = self.picking_id.move_ids.filtered(lambda m: m.product_id == self.product_id and m.state == "done")
        if self.lot_id:
            moves = moves.filtered(lambda m: self.lot_id in m.move_line_ids.lot_id) or moves
        return moves[:1]

    # ------------------------------------------------------------------
    # The guard: rights that depend on the record
    # ------------------------------------------------------------------
    def _svcms_check_transition(self, action):  # pylint: disable=missing-return; the parent returns None
        super()._svcms_check_transition(action)
        if action == "refund":
            self._check_refund_rights()
        elif action == "repair" and any(order.inspection_result != "defective" for order in self):
            raise UserError(self.env._("Only a unit inspected as defective can be sent to repair."))

    def _check_refund_rights(self):
        """Billing users may refund up to the company limit; above it only an after-sales manager may.

        Warehouse users without billing rights can prepare a return but never issue a credit note. The limit
        is in the company currency: the refund is converted at the rate of the return date first.
        """
        user = self.env.user
        is_manager = user.has_group(MANAGER_GROUP)
        if not is_manager and not user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._("Only billing users or after-sales managers may issue a refund. Ask them to approve it.")
            )
        if is_manager:
            return
        for order in self:
            order._check_refund_limit(order._refund_amount_company())

    def _check_refund_limit(self, amount):
        """Refuse ``amount`` (company currency) above the company's approval limit."""
        self.ensure_one()
        limit = self.company_id.svcms_refund_approval_limit
        if self.company_currency_id.compare_amounts(amount, limit) > 0:
            raise UserError(
                self.env._(
                    "The refund of %(amount)s for %(name)s exceeds the approval limit of %(limit)s: "
                    "an after-sales manager must approve it.",
                    amount=self.company_currency_id.format(amount),
                    name=self.name,
                    limit=self.company_currency_id.format(limit),
                )
            )

    # ------------------------------------------------------------------
    # Receiving
    # ------------------------------------------------------------------
    def action_create_return(self):
        """Create the return receipt with Odoo's return wizard, into the inspection location."""
        self._svcms_check_transition("submit")
        for order in self:
            order._create_return_picking()
        return True

    def _create_return_picking(self):
        self.ensure_one()
        self._check_returned_quantity()
        move = self._original_move()
        if not move:
            raise UserError(
                self.env._(
                    "Delivery %(picking)s did not deliver %(product)s.",
                    picking=self.picking_id.name,
                    product=self.product_id.display_name,
                )
            )
        if self.product_id.tracking == "serial" and not self.lot_id:
            raise UserError(self.env._("Select the serial number of the returned unit."))
        location = self.warehouse_id._svcms_get_return_location()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_model="stock.picking",
                active_id=self.picking_id.id,
                active_ids=self.picking_id.ids,
                svcms_return_location_id=location.id,
            )
            .create({"picking_id": self.picking_id.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = self.quantity if line.move_id == move else 0.0
            line.to_refund = True
        picking = wizard._create_return()
        picking.svcms_return_order_id = self
        self._set_return_lots(picking)
        self._svcms_transition("submit", {"return_picking_id": picking.id, "location_id": location.id})
        noted = self._svcms_for_company()
        noted.message_post(body=noted.env._("Return receipt %s created.", picking.name))

    def _set_return_lots(self, picking):
        """Receive exactly the returned serial, not whatever the reservation proposes."""
        if not self.lot_id:
            return
        move = picking.move_ids.filtered(lambda m: m.product_id == self.product_id)[:1]
        proposed = move.move_line_ids
        # Odoo proposes the delivered serials: keep its line when it is the returned one (unlinking costs more).
        kept = proposed.filtered(lambda line: line.lot_id == self.lot_id)[:1]
        (proposed - kept).unlink()
        if kept:
            if kept.quantity != self.quantity:
                kept.quantity = self.quantity
            return
        move.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_id.id,
                            "lot_id": self.lot_id.id,
                            "quantity": self.quantity,
                            "product_uom_id": move.product_uom.id,
                            "location_id": move.location_id.id,
                            "location_dest_id": move.location_dest_id.id,
                            "picking_id": picking.id,
                        }
                    )
                ]
            }
        )

    def action_receive(self):
        """Validate the return receipt (the goods arrive in the inspection location)."""
        self._svcms_check_transition("receive")
        for order in self:
            picking = order.return_picking_id
            if picking.state != "done":
                picking.move_ids.picked = True
                picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
        # The picking's _action_done moves the orders to "received".
        return True

    def _on_return_received(self):
        """The return receipt was validated, from the return order or from Inventory: the goods are here.

        Whoever validated the receipt is recorded as receiving the goods. They need stock rights, not rights on
        return orders, so the status follows the receipt with superuser rights.
        """
        self.sudo().filtered(lambda o: o.state == "waiting")._svcms_transition("receive")

    # ------------------------------------------------------------------
    # Inspection
    # ------------------------------------------------------------------
    def action_inspect(self):
        self._svcms_check_transition("inspect")
        for order in self:
            if not order.inspection_result:
                raise UserError(self.env._("Record the inspection result (resellable, defective or scrap) first."))
            values = {}
            if order.inspection_result == "resellable":
                values["restock_move_id"] = order._restock().id
            elif order.inspection_result == "scrap":
                values["scrap_id"] = order._scrap().id
            order._svcms_transition("inspect", values)
        return True

    def _restock(self):
        self.ensure_one()
        stock_location = self.warehouse_id.lot_stock_id
        move = self.env["stock.move"].create(
            {
                "product_id": self.product_id.id,
                "product_uom": self.product_id.uom_id.id,
                "product_uom_qty": self.quantity,
                "location_id": self.location_id.id,
                "location_dest_id": stock_location.id,
                "partner_id": self.partner_id.id,
                "origin": self.name,
                "company_id": self.company_id.id,
                "picked": True,
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_id.id,
                            "lot_id": self.lot_id.id,
                            "product_uom_id": self.product_id.uom_id.id,
                            "quantity": self.quantity,
                            "location_id": self.location_id.id,
                            "location_dest_id": stock_location.id,
                            "company_id": self.company_id.id,
                        }
                    )
                ],
            }
        )
        move._action_done()
        return move

    def _scrap(self):
        self.ensure_one()
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product_id.id,
                "product_uom_id": self.product_id.uom_id.id,
                "scrap_qty": self.quantity,
                "lot_id": self.lot_id.id,
                "location_id": self.location_id.id,
                "origin": self.name,
                "company_id": self.company_id.id,
            }
        )
        scrap.action_validate()
        return scrap

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def _original_invoice(self):
        """The posted customer invoice of the returned product (looked up whatever the user may read)."""
        self.ensure_one()
        invoices = self.sale_order_id.sudo().invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        invoices = invoices.filtered(lambda m: self.product_id in m.invoice_line_ids.product_id)
        return invoices[:1]

    def _refund_issuer(self):
        """This return order in the environment that creates and posts the credit note.

        A billing user issues it with their own accounting rights. An after-sales manager approves refunds
        by the company's rules without being an accountant: for them, and only after that group was checked,
        the credit note is created with superuser rights; the return order records who decided it.
        """
        user = self.env.user
        if self.env.su or user.has_group(BILLING_GROUP):
            return self
        if user.has_group(MANAGER_GROUP):
            return self.sudo()
        raise AccessError(
            self.env._("Only billing users or after-sales managers may issue a refund. Ask them to approve it.")
        )

    def action_refund(self):
        self._svcms_check_transition("refund")
        is_manager = self.env.user.has_group(MANAGER_GROUP)
        for order in self:
            invoice = order._original_invoice()
            if not invoice:
                raise UserError(self.env._("Sale order of %s has no posted invoice to reverse.", order.name))
            issuer = order._refund_issuer()
            credit_note = issuer._create_credit_note(invoice.with_env(issuer.env))
            if not is_manager:
                # The credit note itself, whatever the sale line said, stays within the limit.
                order._check_refund_limit(
                    credit_note.currency_id._convert(
                        credit_note.amount_total, order.company_currency_id, order.company_id, order.return_date
                    )
                )
            credit_note.action_post()
            order._svcms_transition(
                "refund", {"decision": "refund", "invoice_id": invoice.id, "credit_note_id": credit_note.id}
            )
            noted = order._svcms_for_company()
            noted.message_post(body=noted.env._("Credit note %s issued.", credit_note.name))
        return True

    def _create_credit_note(self, invoice):
        """A draft credit note of the returned product and quantity only, reversing ``invoice``."""
        self.ensure_one()
        credit_note = invoice._reverse_moves(
            [
                {
                    "invoice_date": self.return_date or fields.Date.context_today(self),
                    "ref": self.env._("Return %(name)s of %(invoice)s", name=self.name, invoice=invoice.name),
                    "svcms_return_order_id": self.id,
                }
            ]
        )
        # Credit only the returned product and quantity, not the whole invoice.
        commands = []
        kept = False
        for line in credit_note.invoice_line_ids.filtered(lambda x: x.display_type == "product"):
            if line.product_id == self.product_id and not kept:
                commands.append(Command.update(line.id, {"quantity": self.quantity}))
                kept = True
            else:
                commands.append(Command.delete(line.id))
        credit_note.write({"invoice_line_ids": commands})
        return credit_note

    def action_exchange(self):
        """Deliver a replacement unit (same or another product) to the customer."""
        self._svcms_check_transition("exchange")
        for order in self:
            picking = order._create_exchange_picking()
            order._svcms_transition("exchange", {"decision": "exchange", "exchange_picking_id": picking.id})
            noted = order._svcms_for_company()
            noted.message_post(body=noted.env._("Replacement delivery %s created.", picking.name))
        return self.action_view_exchange_picking() if len(self) == 1 else True

    def _create_exchange_picking(self):
        self.ensure_one()
        product = self.exchange_product_id or self.product_id
        picking_type = self.warehouse_id.out_type_id
        sale_line = self._sale_line() if product == self.product_id else self.env["sale.order.line"]
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": self.partner_id.id,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": self.picking_id.location_dest_id.id,
                "origin": self.name,
                "svcms_return_order_id": self.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom": product.uom_id.id,
                            "product_uom_qty": self.quantity,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": self.picking_id.location_dest_id.id,
                            # Same product: the sale line counts the replacement as delivered again.
                            "sale_line_id": sale_line.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    def action_repair(self):
        self._svcms_check_transition("repair")
        for order in self:
            repair = order._create_repair()
            order._svcms_transition("repair", {"decision": "repair", "repair_id": repair.id})
            noted = order._svcms_for_company()
            noted.message_post(body=noted.env._("Repair order %s created.", repair.name))
        return self.action_view_repair() if len(self) == 1 else True

    def _create_repair(self):
        self.ensure_one()
        vals = {
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "product_qty": self.quantity,
            "partner_id": self.partner_id.id,
            "picking_id": self.return_picking_id.id,
            "picking_type_id": self.warehouse_id.repair_type_id.id,
            "product_location_src_id": self.location_id.id,
            "product_location_dest_id": self.location_id.id,
            "company_id": self.company_id.id,
            "repair_request": self.reason or False,
        }
        if self.request_id:
            vals.update(under_warranty=self.request_id.sudo().under_warranty, svcms_request_id=self.request_id.id)
        # The transition guard checked the decision; the repair order is the workshop's document, which an
        # after-sales user deciding the return may not be allowed to create in Inventory.
        return self.env["repair.order"].sudo().create(vals).sudo(False)

    def action_reject(self):
        """Refuse the return: the unit goes back to the customer with Odoo's return wizard."""
        self._svcms_check_transition("reject")
        for order in self:
            if not (order.reject_reason or "").strip():
                raise UserError(self.env._("Give the reason why the return is rejected."))
            values = {"decision": "reject"}
            if order.return_picking_id.state == "done" and order.inspection_result in (False, "defective"):
                values["reject_picking_id"] = order._send_back().id
            elif order.return_picking_id.state not in (False, "done", "cancel"):
                order.return_picking_id.action_cancel()
            order._svcms_transition("reject", values)
        return True

    def _send_back(self):
        self.ensure_one()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_model="stock.picking", active_id=self.return_picking_id.id)
            .create({"picking_id": self.return_picking_id.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = self.quantity
            line.to_refund = True
        picking = wizard._create_return()
        picking.svcms_return_order_id = self
        self._set_return_lots(picking)
        return picking

    def action_cancel(self):
        self._svcms_check_transition("cancel")
        for order in self:
            if order.return_picking_id.state not in (False, "done", "cancel"):
                order.return_picking_id.action_cancel()
        return self._svcms_transition("cancel")

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def _open_record(self, record, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_return_picking(self):
        self.ensure_one()
        return self._open_record(self.return_picking_id, self.env._("Return Receipt"))

    def action_view_exchange_picking(self):
        self.ensure_one()
        return self._open_record(self.exchange_picking_id, self.env._("Replacement Delivery"))

    def action_view_repair(self):
        self.ensure_one()
        return self._open_record(self.repair_id, self.env._("Repair Order"))

    def action_view_credit_note(self):
        self.ensure_one()
        return self._open_record(self.credit_note_id, self.env._("Credit Note"))
