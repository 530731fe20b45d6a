from datetime import date

from odoo.tests import freeze_time, tagged

from .common import AftersalesRequestsCase


@tagged("post_install", "-at_install")
class TestDemoStoryDelivery(AftersalesRequestsCase):
    """The one helper that puts serials at customers (demo data, tests, benchmarks) uses Odoo's own
    documents: a confirmed sale order, its delivery validated with exactly those serials, an invoice."""

    def test_deliveries_in_batch_with_dates_and_invoice(self):
        lots = self._lots(3, "DS")
        stock = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1).lot_stock_id
        # one serial is already in stock: it must not be put there a second time
        self.env["stock.quant"]._update_available_quantity(self.product, stock, 1.0, lot_id=lots[2])
        with freeze_time("2026-06-15 10:00:00"):
            orders = self.env["svcms.aftersales.demo.story"]._deliver_serials(
                [
                    (self.customer.id, 10, lots[:2].ids, True),
                    (self.other_customer.id, 0, lots[2].ids, False),
                ]
            )
        self.env.invalidate_all()
        first, second = orders
        self.assertEqual((first.partner_id, second.partner_id), (self.customer, self.other_customer))
        self.assertEqual(first.state, "sale")
        self.assertEqual(first.order_line.mapped("qty_delivered"), [1.0, 1.0])

        delivery = first.picking_ids
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.picking_type_code, "outgoing")
        self.assertEqual(delivery.move_line_ids.lot_id, lots[:2], "exactly the given serials, not reserved ones")
        self.assertEqual(delivery.date_done.date(), date(2026, 6, 5), "back-dated 10 days")
        self.assertEqual(first.date_order.date(), date(2026, 6, 4), "ordered the day before the delivery")
        self.assertEqual(second.picking_ids.date_done.date(), date(2026, 6, 15))

        invoice = first.invoice_ids
        self.assertEqual((invoice.state, invoice.move_type), ("posted", "out_invoice"))
        self.assertEqual(invoice.invoice_date, date(2026, 6, 5))
        self.assertFalse(second.invoice_ids)

        self.assertEqual(lots[0].warranty_start_date, date(2026, 6, 5))
        self.assertEqual(lots[2].warranty_start_date, date(2026, 6, 15))
        quants = self.env["stock.quant"].search([("lot_id", "in", lots.ids), ("quantity", "!=", 0)])
        self.assertEqual(set(quants.location_id.mapped("usage")), {"customer"}, "nothing left (or negative) in stock")
        self.assertEqual(sum(quants.mapped("quantity")), 3.0)
