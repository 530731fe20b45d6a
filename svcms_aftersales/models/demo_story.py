from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command


class AftersalesDemoStory(models.AbstractModel):
    """Helpers that play the after-sales story on real Odoo documents: the demo data (XML ``<function>``),
    the tests and the benchmarks call them, so that "a serial delivered to a customer" is built one way.

    Not used by the production code paths; no user-facing menu."""

    _name = "svcms.aftersales.demo.story"
    _description = "After-sales Demo Story"

    @api.model
    def _use_chinese_chart(self):
        """Give the Chinese demo company Odoo's Chinese chart of accounts (CNY, 13 % VAT).

        Odoo's accounting demo puts every demo company on the generic chart before the country's
        localisation is installed; reloading the country's template with its demo replaces it, before
        the after-sales story creates its first invoice."""
        company = self.env.ref("base.main_company")
        chart_installed = self.env["ir.module.module"].search_count(
            [("name", "=", "l10n_cn"), ("state", "=", "installed")]
        )
        if company.country_id.code == "CN" and company.chart_template != "cn" and chart_installed:
            self.env["account.chart.template"].try_loading("cn", company, install_demo=True)
        return True

    @api.model
    def _deliver_serials(self, deliveries):
        """Sell and deliver serials to customers: the one way to put a serial at a customer.

        ``deliveries`` is a list of ``(partner_id, days_ago, lot_ids, invoice)``. Each becomes one confirmed
        sale order (one line per serial) in the company's first warehouse, whose delivery is validated with
        exactly those serials; with ``days_ago`` the order and the delivery are back-dated (order one day
        before the delivery); with ``invoice`` the order is invoiced (one posted invoice dated on the
        delivery). Serials not in that warehouse's stock are put there first.

        Everything is done in batch (one create, confirm and validate for all deliveries). Returns the sale
        orders, in the order of ``deliveries``.
        """
        if not deliveries:
            return self.env["sale.order"]
        Lot = self.env["stock.lot"]
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        stock = warehouse.lot_stock_id
        now = fields.Datetime.now()
        plan = [
            (partner_id, now - timedelta(days=days_ago) if days_ago else False, Lot.browse(lot_ids), invoice)
            for partner_id, days_ago, lot_ids, invoice in deliveries
        ]
        all_lots = Lot.concat(*(lots for _partner_id, _when, lots, _invoice in plan))
        # put in stock the serials that are not there (a serial can be sold only once at a time)
        in_stock = (
            self.env["stock.quant"]
            .search([("lot_id", "in", all_lots.ids), ("location_id", "=", stock.id), ("quantity", ">", 0)])
            .lot_id
        )
        for lot in all_lots - in_stock:
            self.env["stock.quant"]._update_available_quantity(lot.product_id, stock, 1.0, lot_id=lot)

        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner_id,
                    "warehouse_id": warehouse.id,
                    "order_line": [
                        Command.create({"product_id": lot.product_id.id, "product_uom_qty": 1}) for lot in lots
                    ],
                }
                for partner_id, _when, lots, _invoice in plan
            ]
        )
        orders.action_confirm()
        pickings = orders.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        # exactly these serials: drop what the reservation chose, then one move line per serial
        pickings.move_ids.move_line_ids.unlink()
        line_values = []
        for order, (_partner_id, _when, lots, _invoice) in zip(orders, plan, strict=True):
            for sale_line, lot in zip(order.order_line, lots, strict=True):
                move = sale_line.move_ids.filtered(lambda m: m.picking_id in pickings)
                line_values.append(
                    {
                        "move_id": move.id,
                        "picking_id": move.picking_id.id,
                        "product_id": lot.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "lot_id": lot.id,
                        "quantity": 1,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                    }
                )
        self.env["stock.move.line"].create(line_values)
        pickings.move_ids.picked = True
        # no SMS while loading: the IAP account would be created in a second cursor (deadlock at install)
        pickings.with_context(skip_sms=True, skip_backorder=True).button_validate()
        if not_done := pickings.filtered(lambda p: p.state != "done"):
            raise UserError(
                self.env._("The deliveries %(pickings)s could not be validated.", pickings=not_done.mapped("name"))
            )

        for order, (_partner_id, when, _lots, _invoice) in zip(orders, plan, strict=True):
            if not when:
                continue
            order.date_order = when - timedelta(days=1)
            delivery = order.picking_ids & pickings
            delivery.write({"date_done": when, "scheduled_date": when})
            delivery.move_ids.write({"date": when})
            delivery.move_ids.move_line_ids.write({"date": when})
        to_invoice = orders.browse([order.id for order, spec in zip(orders, plan, strict=True) if spec[3]])
        if to_invoice:
            invoices = to_invoice._create_invoices(grouped=True)
            for order, (_partner_id, when, _lots, _invoice) in zip(orders, plan, strict=True):
                if order in to_invoice:
                    (order.invoice_ids & invoices).invoice_date = (when or now).date()
            invoices.action_post()
        return orders

    @api.model
    def _deliver_serial(self, partner, lots, invoice=False):
        """One delivery of ``lots`` to ``partner`` now: ``(sale order, delivery picking, posted invoice)``."""
        order = self._deliver_serials([(partner.id, 0, lots.ids, invoice)])
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        return order, delivery, order.invoice_ids

    @api.model
    def _returns(self, specs):
        """Returns in several states.

        ``specs``: list of ``(request_id, lot_id, reason, target, result, reject_reason)`` where target is
        draft, waiting, received, refund, exchange, repair or reject.
        """
        ReturnOrder = self.env["svcms.return.order"]
        for request_id, lot_id, reason, target, result, reject_reason in specs:
            lot = self.env["stock.lot"].browse(lot_id)
            request = self.env["svcms.service.request"].browse(request_id)
            picking = ReturnOrder._find_delivery(self.env["sale.order"], lot.product_id, lot)
            order = ReturnOrder.create(
                {
                    "request_id": request.id,
                    "partner_id": picking.partner_id.id,
                    "picking_id": picking.id,
                    "product_id": lot.product_id.id,
                    "lot_id": lot.id,
                    "reason": reason,
                }
            )
            if target == "reject":
                order.reject_reason = reject_reason
                order.action_reject()
                continue
            if target == "draft":
                continue
            order.action_create_return()
            if target == "waiting":
                continue
            order.action_receive()
            if target == "received":
                continue
            order.inspection_result = result
            order.inspection_note = reason
            order.action_inspect()
            getattr(order, f"action_{target}")()
        return True

    @api.model
    def _rate_requests(self, request_ids, rate, feedback=None):
        """The customers answer the rating request of their closed service requests."""
        for request in self.env["svcms.service.request"].browse(request_ids):
            request.rating_apply(rate, token=request._rating_get_access_token(), feedback=feedback)
        return True
