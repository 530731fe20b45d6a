from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, freeze_time, tagged

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


@tagged("post_install", "-at_install")
class TestDemoYear(TransactionCase):
    """The demo tells a year of work by real people, not an install-time snapshot by OdooBot."""

    def _story_records(self):
        story = self.env["svcms.aftersales.demo.story"]._svcms_demo_story_models()
        return {model: self.env[model].with_context(active_test=False).search([]) for model in story}

    def test_records_spread_over_the_year_by_their_people(self):
        self.assertTrue(self.env.ref("svcms_aftersales.request_zhang_wm_closed", raise_if_not_found=False))
        bots = self.env.ref("base.user_root") | self.env.ref("base.user_admin")
        months = set()
        year_ago = fields.Datetime.now() - relativedelta(months=12)
        for model, records in self._story_records().items():
            by_bots = records.filtered(lambda r: r.create_uid in bots)
            self.assertFalse(by_bots, f"{model}: created by OdooBot/admin: {by_bots.ids}")
            months |= {r.create_date.strftime("%Y-%m") for r in records if r.create_date >= year_ago}
            if "user_id" in records._fields and records._fields["user_id"].comodel_name == "res.users":
                self.assertFalse(records.filtered(lambda r: r.user_id in bots), f"{model}: OdooBot responsible")
        self.assertGreaterEqual(len(months), 10, sorted(months))
        messages = self.env["mail.message"].search(
            [("model", "=", "svcms.service.request"), ("message_type", "!=", "user_notification")]
        )
        self.assertTrue(messages)
        self.assertFalse(messages.filtered(lambda m: m.author_id in bots.partner_id), "chatter by the people")

    def test_first_response_after_reception_and_soon(self):
        requests = self.env["svcms.service.request"].search([("first_response_date", "!=", False)])
        self.assertGreaterEqual(len(requests), 5)
        for request in requests:
            self.assertGreaterEqual(request.first_response_date, request.request_date, request.name)
            for fname in ("arrival_date", "done_date", "close_date"):
                if request[fname]:
                    self.assertGreaterEqual(request[fname], request.first_response_date, f"{request.name} {fname}")
            if request.close_date:
                self.assertGreaterEqual(request.close_date, request.done_date, request.name)
        soon = requests.filtered(lambda r: r.first_response_date - r.request_date <= timedelta(hours=24))
        self.assertGreaterEqual(len(soon), 0.8 * len(requests), "most requests answered within 24 hours")
        complaints = self.env["svcms.complaint"].search([("acknowledged_date", "!=", False)])
        self.assertTrue(complaints)
        for complaint in complaints:
            self.assertGreaterEqual(complaint.acknowledged_date, complaint.date_received, complaint.display_name)
            self.assertLessEqual(complaint.acknowledged_date - complaint.date_received, timedelta(hours=24))

    def test_no_stale_installation_request(self):
        old = fields.Datetime.now() - timedelta(days=30)
        installations = self.env["svcms.service.request"].search([("request_type", "=", "installation")])
        self.assertTrue(installations.filtered(lambda r: r.installation_picking_id.date_done < old))
        stale = installations.filtered(
            lambda r: r.installation_picking_id.date_done < old and r.state not in ("done", "closed", "cancelled")
        )
        self.assertFalse(stale, f"open installation requests of old deliveries: {stale.mapped('name')}")
        for request in installations - stale:
            if request.state == "closed":
                self.assertTrue(all(request.installation_check_ids.mapped("is_done")), request.name)
                self.assertTrue(request.installation_accepted, request.name)
                self.assertEqual(request.closed_by_id.login, "wanglei")
                self.assertGreater(request.request_date, request.installation_picking_id.date_done)
                self.assertLess(request.close_date, request.installation_picking_id.date_done + timedelta(days=5))

    def test_sla_lines_follow_the_retimed_dates(self):
        """The SLA tab tells the same story as the record: clocks start at the reception, a line stopped by
        its event stops when the record says it happened, and met/breached follows deadline vs that time."""
        reached_fields = {
            "svcms.service.request": (
                "request_date",
                {"first_response": "first_response_date", "resolution": "done_date"},
            ),
            "svcms.complaint": (
                "date_received",
                {"first_response": "acknowledged_date", "resolution": "resolved_date"},
            ),
        }
        checked = 0
        for model, (start_field, fnames) in reached_fields.items():
            records = self.env[model].with_context(active_test=False).search([(start_field, "!=", False)])
            lines = self.env["svcms.sla.line"].search([("res_model", "=", model), ("res_id", "in", records.ids)])
            self.assertTrue(lines, model)
            by_id = {record.id: record for record in records}
            for line in lines:
                record = by_id[line.res_id]
                label = f"{model} {record.display_name} {line.metric}"
                self.assertEqual(line.start_datetime, record[start_field], label)
                self.assertEqual(line.segment_ids.sorted("date_start")[:1].date_start, record[start_field], label)
                for segment in line.segment_ids.filtered("date_end"):
                    self.assertGreaterEqual(segment.date_end, segment.date_start, label)
                if line.state in ("met", "breached") and line.clock == "stopped":
                    reached = line.stop_datetime
                    if line.stop_cause in ("stop", "event") and fnames.get(line.metric) and record[fnames[line.metric]]:
                        self.assertEqual(reached, record[fnames[line.metric]], label)
                        checked += 1
                    self.assertEqual(line.state == "breached", line.deadline < reached, label)
                if line.state == "met":
                    self.assertLessEqual(line.stop_datetime, line.deadline, label)
        self.assertGreaterEqual(checked, 5, "demo lines reached by their record's event")
