from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class SvcmsReturnOrder(models.Model):
    """A return or exchange processed by the warehouse (退换货单).

    The goods come back through Odoo's return wizard into the warehouse's inspection location; after
    inspection they are restocked, scrapped or kept for repair, and the decision (refund, exchange,
    repair, reject) is executed with Odoo's own documents: credit note, delivery, repair order.
    """

    _name = "svcms.return.order"
    _description = "Return Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/", index="trigram")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
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
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done')]",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale Order",
        compute="_compute_sale_order_id",
        store=True,
        index="btree_not_null",
        check_company=True,
    )
    product_id = fields.Many2one("product.product", string="Product", required=True, check_company=True)
    tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot", string="Serial Number", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit")
    reason = fields.Text(string="Return Reason")
    warehouse_id = fields.Many2one(
        "stock.warehouse", compute="_compute_warehouse_id", store=True, check_company=True, string="Warehouse"
    )
    location_id = fields.Many2one(
        "stock.location", string="Inspection Location", readonly=True, copy=False, check_company=True
    )
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return Receipt", readonly=True, copy=False, check_company=True
    )
    inspection_result = fields.Selection(
        [("resellable", "Resellable"), ("defective", "Defective"), ("scrap", "Scrap")], tracking=True, copy=False
    )
    inspection_note = fields.Text(copy=False)
    inspection_user_id = fields.Many2one("res.users", string="Inspected By", readonly=True, copy=False)
    inspection_date = fields.Datetime(readonly=True, copy=False)
    restock_move_id = fields.Many2one("stock.move", string="Restock Move", readonly=True, copy=False)
    scrap_id = fields.Many2one("stock.scrap", string="Scrap Order", readonly=True, copy=False)
    decision = fields.Selection(
        [("refund", "Refund"), ("exchange", "Exchange"), ("repair", "Repair"), ("reject", "Reject")],
        tracking=True,
        copy=False,
    )
    reject_reason = fields.Text(copy=False)
    refund_amount = fields.Monetary(compute="_compute_refund_amount", store=True, currency_field="currency_id")
    invoice_id = fields.Many2one("account.move", string="Customer Invoice", readonly=True, copy=False)
    credit_note_id = fields.Many2one("account.move", string="Credit Note", readonly=True, copy=False, tracking=True)
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

    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The returned quantity must be positive.")

    @api.depends("picking_id")
    def _compute_sale_order_id(self):
        for order in self:
            order.sale_order_id = order.picking_id.sudo().sale_id

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

    @api.onchange("picking_id")
    def _onchange_picking_id(self):
        if self.picking_id:
            self.partner_id = self.picking_id.partner_id
            products = self.picking_id.move_ids.product_id
            if len(products) == 1:
                self.product_id = products

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

    @api.constrains("reject_reason", "decision")
    def _check_reject_reason(self):
        for order in self:
            if order.decision == "reject" and not (order.reject_reason or "").strip():
                raise ValidationError(self.env._("Give the reason why the return is rejected."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("svcms.return.order") or "/"
        return super().create(vals_list)

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

    def _ensure_state(self, *states):
        for order in self:
            if order.state not in states:
                raise UserError(
                    self.env._(
                        "Return %(name)s cannot do this in its current state (%(state)s).",
                        name=order.name,
                        state=dict(order._fields["state"]._description_selection(self.env))[order.state],
                    )
                )

    # ------------------------------------------------------------------
    # Receiving
    # ------------------------------------------------------------------
    def action_create_return(self):
        """Create the return receipt with Odoo's return wizard, into the inspection location."""
        self._ensure_state("draft")
        for order in self:
            order._create_return_picking()
        return True

    def _create_return_picking(self):
        self.ensure_one()
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
        self.write({"return_picking_id": picking.id, "location_id": location.id, "state": "waiting"})
        self.message_post(body=self.env._("Return receipt %s created.", picking.name))

    def _set_return_lots(self, picking):
        """Receive exactly the returned serial, not whatever the reservation proposes."""
        if not self.lot_id:
            return
        move = picking.move_ids.filtered(lambda m: m.product_id == self.product_id)[:1]
        move.move_line_ids.unlink()
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
        self._ensure_state("waiting")
        for order in self:
            picking = order.return_picking_id
            if picking.state != "done":
                picking.move_ids.picked = True
                picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
        # The picking's _action_done moves the orders to "received".
        return True

    def _on_return_received(self):
        self.filtered(lambda o: o.state == "waiting").write({"state": "received"})

    # ------------------------------------------------------------------
    # Inspection
    # ------------------------------------------------------------------
    def action_inspect(self):
        self._ensure_state("received")
        for order in self:
            if not order.inspection_result:
                raise UserError(self.env._("Record the inspection result (resellable, defective or scrap) first."))
            if order.inspection_result == "resellable":
                order._restock()
            elif order.inspection_result == "scrap":
                order._scrap()
            order.write(
                {"state": "inspected", "inspection_user_id": self.env.uid, "inspection_date": fields.Datetime.now()}
            )
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
        self.restock_move_id = move

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
        self.scrap_id = scrap

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def _check_refund_rights(self):
        """Billing users may refund up to the company limit; above it only an after-sales manager may.

        Warehouse users without billing rights can prepare a return but never issue a credit note.
        """
        user = self.env.user
        is_manager = user.has_group("svcms_aftersales.group_aftersales_manager")
        if not is_manager and not user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only billing users or after-sales managers may issue a refund. Ask them to approve it.")
            )
        for order in self:
            limit = order.company_id.svcms_refund_approval_limit
            if not is_manager and order.currency_id.compare_amounts(order.refund_amount, limit) > 0:
                raise UserError(
                    self.env._(
                        "The refund of %(amount)s for %(name)s exceeds %(limit)s: "
                        "an after-sales manager must approve it.",
                        amount=order.refund_amount,
                        name=order.name,
                        limit=limit,
                    )
                )

    def _original_invoice(self):
        self.ensure_one()
        invoices = self.sale_order_id.sudo().invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        invoices = invoices.filtered(lambda m: self.product_id in m.invoice_line_ids.product_id)
        return invoices[:1]

    def action_refund(self):
        self._ensure_state("inspected")
        self._check_refund_rights()
        for order in self:
            invoice = order._original_invoice()
            if not invoice:
                raise UserError(self.env._("Sale order of %s has no posted invoice to reverse.", order.name))
            # Rights were checked above; the credit note needs accounting access a manager may lack.
            credit_note = order._create_credit_note(invoice.sudo())
            order.write(
                {"decision": "refund", "invoice_id": invoice.id, "credit_note_id": credit_note.id, "state": "done"}
            )
            order.message_post(body=self.env._("Credit note %s issued.", credit_note.name))
        return True

    def _create_credit_note(self, invoice):
        self.ensure_one()
        credit_note = invoice._reverse_moves(
            [
                {
                    "invoice_date": fields.Date.context_today(self),
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
        credit_note.action_post()
        return credit_note

    def action_exchange(self):
        """Deliver a replacement unit (same or another product) to the customer."""
        self._ensure_state("inspected")
        for order in self:
            picking = order._create_exchange_picking()
            order.write({"decision": "exchange", "exchange_picking_id": picking.id, "state": "done"})
            order.message_post(body=self.env._("Replacement delivery %s created.", picking.name))
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
        self._ensure_state("inspected")
        for order in self:
            repair = order._create_repair()
            order.write({"decision": "repair", "repair_id": repair.id, "state": "done"})
            order.message_post(body=self.env._("Repair order %s created.", repair.name))
        return self.action_view_repair() if len(self) == 1 else True

    def _create_repair(self):
        self.ensure_one()
        if self.inspection_result != "defective":
            raise UserError(self.env._("Only a unit inspected as defective can be sent to repair."))
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
            vals.update(under_warranty=self.request_id.under_warranty, svcms_request_id=self.request_id.id)
        return self.env["repair.order"].sudo().create(vals).sudo(False)

    def action_reject(self):
        """Refuse the return: the unit goes back to the customer with Odoo's return wizard."""
        self._ensure_state("draft", "waiting", "received", "inspected")
        for order in self:
            if not (order.reject_reason or "").strip():
                raise UserError(self.env._("Give the reason why the return is rejected."))
            values = {"decision": "reject", "state": "rejected"}
            if order.return_picking_id.state == "done" and order.inspection_result in (False, "defective"):
                values["reject_picking_id"] = order._send_back().id
            elif order.return_picking_id.state not in (False, "done", "cancel"):
                order.return_picking_id.action_cancel()
            order.write(values)
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
        self._ensure_state("draft", "waiting")
        for order in self:
            if order.return_picking_id.state not in (False, "done", "cancel"):
                order.return_picking_id.action_cancel()
        self.write({"state": "cancelled"})
        return True

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
