from odoo import api, fields, models
from odoo.tools import SQL

WARRANTY_STATUSES = [
    ("return_window", "In Return Window"),
    ("exchange_window", "In Exchange Window"),
    ("in_warranty", "In Warranty"),
    ("expired", "Expired"),
    ("not_delivered", "Not Delivered"),
]


class StockLot(models.Model):
    _inherit = "stock.lot"

    # A recall by production date selects the serials of a product created in a date range.
    _svcms_recall_product_date_idx = models.Index("(product_id, create_date)")

    warranty_policy_id = fields.Many2one("svcms.warranty.policy", compute="_compute_warranty", compute_sudo=True)
    warranty_start_date = fields.Date(
        compute="_compute_warranty",
        compute_sudo=True,
        help="Date the serial was delivered to the customer (done outgoing move), else the invoice date.",
    )
    warranty_end_date = fields.Date(string="Warranty End", compute="_compute_warranty", compute_sudo=True)
    main_parts_warranty_end_date = fields.Date(
        string="Main Parts Warranty End", compute="_compute_warranty", compute_sudo=True
    )
    warranty_status = fields.Selection(WARRANTY_STATUSES, compute="_compute_warranty", compute_sudo=True)
    failed_repair_count = fields.Integer(
        string="Failed Warranty Repairs",
        compute="_compute_warranty",
        compute_sudo=True,
        help="Done warranty repairs of this serial: the serial came back, so each of them failed to fix it.",
    )

    # ------------------------------------------------------------------ warranty
    def _warranty_start_dates(self):
        """{lot id: start date} in one query: first done delivery to a customer, else the first posted invoice
        date of a sale line whose moves carry the serial."""
        if not self.ids:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT sml.lot_id,
                       MIN(sml.date) FILTER (WHERE sml.state = 'done' AND dest.usage = 'customer'
                                             AND src.usage = 'internal'),
                       MIN(am.invoice_date)
                  FROM stock_move_line sml
                  JOIN stock_location dest ON dest.id = sml.location_dest_id
                  JOIN stock_location src ON src.id = sml.location_id
             LEFT JOIN stock_move sm ON sm.id = sml.move_id
             LEFT JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sm.sale_line_id
             LEFT JOIN account_move_line aml ON aml.id = rel.invoice_line_id
             LEFT JOIN account_move am ON am.id = aml.move_id AND am.state = 'posted' AND am.move_type = 'out_invoice'
                 WHERE sml.lot_id = ANY(%s)
              GROUP BY sml.lot_id
                """,
                list(self.ids),
            )
        )
        return {lot_id: (delivered and delivered.date()) or invoiced for lot_id, delivered, invoiced in rows}

    def _failed_repair_counts(self):
        groups = (
            self.env["repair.order"]
            .sudo()
            ._read_group(
                [("lot_id", "in", self.ids), ("state", "=", "done"), ("under_warranty", "=", True)],
                ["lot_id"],
                ["__count"],
            )
        )
        return {lot.id: count for lot, count in groups}

    @api.depends_context("date")
    def _compute_warranty(self):
        starts = self._warranty_start_dates()
        failed = self._failed_repair_counts()
        policies = self.env["svcms.warranty.policy"]._policy_by_product(self.product_id)
        today = self.env.context.get("date") or fields.Date.context_today(self)
        for lot in self:
            policy = policies.get(lot.product_id.id, self.env["svcms.warranty.policy"])
            start = starts.get(lot.id)
            lot.warranty_policy_id = policy
            lot.warranty_start_date = start
            lot.failed_repair_count = failed.get(lot.id, 0)
            lot.warranty_end_date = policy and policy._warranty_end(start)
            lot.main_parts_warranty_end_date = policy and policy._warranty_end(start, main_parts=True)
            lot.warranty_status = lot._warranty_status(today)

    def _warranty_status(self, on_date):
        self.ensure_one()
        if not self.warranty_start_date or not self.warranty_policy_id:
            return "not_delivered"
        days = (on_date - self.warranty_start_date).days
        if days <= self.warranty_policy_id.return_days:
            return "return_window"
        if days <= self.warranty_policy_id.exchange_days:
            return "exchange_window"
        return "in_warranty" if on_date <= self.warranty_end_date else "expired"

    def _svcms_entitlement(self, request_date=None, main_part=False):
        """三包 entitlement of this serial on ``request_date`` (a date; default today): one of
        ``warranty_policy.ENTITLEMENTS`` keys."""
        self.ensure_one()
        request_date = request_date or fields.Date.context_today(self)
        return self.warranty_policy_id._entitlement(
            self.warranty_start_date, request_date, self.failed_repair_count, main_part=main_part
        )

    def _svcms_last_customer_moves(self):
        """Last customer movement of each serial, in one query (the rule of ``svcms.recall``): a done move
        line into or out of a customer location, latest first.

        :return: {lot id: (partner id, date)} of the serials whose last customer movement delivered them to
            a customer; a serial returned since (last movement out of a customer location) is not in it.
        """
        if not self.ids:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (sml.lot_id)
                       sml.lot_id, dest.usage = 'customer', COALESCE(picking.partner_id, move.partner_id), sml.date
                  FROM stock_move_line sml
                  JOIN stock_location src ON src.id = sml.location_id
                  JOIN stock_location dest ON dest.id = sml.location_dest_id
             LEFT JOIN stock_move move ON move.id = sml.move_id
             LEFT JOIN stock_picking picking ON picking.id = sml.picking_id
                 WHERE sml.state = 'done'
                   AND sml.lot_id = ANY(%s)
                   AND (src.usage = 'customer') != (dest.usage = 'customer')
              ORDER BY sml.lot_id, sml.date DESC, sml.id DESC
                """,
                list(self.ids),
            )
        )
        return {
            lot_id: (partner_id, date) for lot_id, at_customer, partner_id, date in rows if at_customer and partner_id
        }

    def _svcms_sale_lines(self):
        """Sale lines whose done deliveries carried these serials."""
        moves = (
            self.env["stock.move.line"]
            .search([("lot_id", "in", self.ids), ("state", "=", "done"), ("move_id.sale_line_id", "!=", False)])
            .move_id
        )
        return moves.sale_line_id
