from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.sla_clock import ClockRegistry
from odoo.addons.svcms_base.models.sla_line import derive
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

    # ------------------------------------------------------------------ a year-long story (demo only)
    @api.model
    def _svcms_demo_story_models(self):
        """The story's record models installed and who creates them (login): configuration models are not listed."""
        return {model: login for model, login in DEMO_AUTHORS.items() if model in self.env}

    @api.model
    def _svcms_demo_play_year(self):
        """Turn the install-time demo into a year of work: stale installation requests done by the people of
        the after-sales desk, every workflow timestamp after the reception, records created by the person of
        their role on the day their story begins, chatter messages by them. Demo loading only."""
        self._svcms_demo_close_old_installations()
        # the steps below write with SQL and read what the previous one wrote
        self.env.flush_all()
        self.env.invalidate_all()
        moved = self._svcms_demo_timelines()
        self.env.invalidate_all()
        self._svcms_demo_retime_sla(moved)
        self.env.invalidate_all()
        self._svcms_demo_authors_and_dates()
        self.env.invalidate_all()
        return True

    def _svcms_demo_user(self, login):
        return self.env["res.users"].search([("login", "=", login)], limit=1)

    @api.model
    def _svcms_demo_close_old_installations(self):
        """Installation requests of deliveries older than a week were done at the time: assigned by the service
        desk, installed and checked by the technician, confirmed by the customer, closed by the manager."""
        Request = self.env["svcms.service.request"]
        cutoff = fields.Datetime.now() - timedelta(days=7)
        stale = Request.search(
            [
                ("request_type", "=", "installation"),
                ("state", "not in", ("done", "closed", "cancelled")),
                ("installation_picking_id.date_done", "<", cutoff),
            ]
        )
        technician = self.env.ref("svcms_aftersales.technician_zhang_wei", raise_if_not_found=False)
        desk, manager = self._svcms_demo_user("zhaojing"), self._svcms_demo_user("wanglei")
        if not stale or not technician or not desk or not manager:
            return True
        stale.write({"outlet_id": technician.outlet_id.id, "technician_id": technician.id, "user_id": desk.id})
        stale.with_user(desk).action_assign()
        stale.installation_check_ids.write({"is_done": True})
        stale.with_user(technician.user_id).action_start()
        stale.with_user(desk).action_customer_confirm()
        stale.with_user(technician.user_id).action_done()
        stale.with_user(manager).action_close()
        self.env.flush_all()
        # received two hours after the delivery: move the request, its SLA clocks and its chatter there
        for request in stale:
            delta = request.installation_picking_id.date_done + timedelta(hours=2) - request.request_date
            self._svcms_demo_shift(request, delta)
        self.env.invalidate_all()
        return True

    @api.model
    def _svcms_demo_shift(self, record, delta):
        """Move every timestamp of ``record`` (and of its SLA lines and messages) by ``delta``."""
        cr = self.env.cr
        columns = [
            name
            for name, field in record._fields.items()
            if field.type == "datetime" and field.store and field.column_type and name not in ("write_date",)
        ]
        sets = ", ".join(f'"{name}" = "{name}" + %s' for name in columns)
        cr.execute(f'UPDATE "{record._table}" SET {sets} WHERE id = %s', [delta] * len(columns) + [record.id])
        Line = self.env["svcms.sla.line"]
        line_columns = [n for n, f in Line._fields.items() if f.type == "datetime" and f.store and n != "write_date"]
        sets = ", ".join(f'"{name}" = "{name}" + %s' for name in line_columns)
        cr.execute(
            f"UPDATE svcms_sla_line SET {sets} WHERE res_model = %s AND res_id = %s RETURNING id",
            [delta] * len(line_columns) + [record._name, record.id],
        )
        line_ids = [row[0] for row in cr.fetchall()]
        if line_ids:
            cr.execute(
                "UPDATE svcms_sla_segment SET date_start = date_start + %s, date_end = date_end + %s, "
                "create_date = create_date + %s WHERE line_id = ANY(%s)",
                [delta, delta, delta, line_ids],
            )
        cr.execute(
            "UPDATE mail_message SET date = date + %s, create_date = create_date + %s WHERE model = %s AND res_id = %s",
            [delta, delta, record._name, record.id],
        )
        return True

    @api.model
    def _svcms_demo_timelines(self):
        """Each step some minutes or hours after the previous one, never in the future: the first response
        minutes after the reception, the technician on site the next day, closure a day after completion.

        Returns what moved: {model: {record id: {field: (old value, new value)}}} (the reception included,
        unchanged), for ``_svcms_demo_retime_sla``."""
        now = fields.Datetime.now()
        moved = {}
        steps = {
            "svcms.service.request": (
                "request_date",
                [
                    ("first_response_date", timedelta(minutes=20)),
                    ("arrival_date", timedelta(hours=22)),
                    ("signed_on", timedelta(hours=2)),
                    ("confirmed_date", timedelta(hours=2, minutes=10)),
                    ("done_date", timedelta(minutes=20)),
                    ("close_date", timedelta(days=1)),
                ],
            ),
            "svcms.complaint": (
                "date_received",
                [
                    ("acknowledged_date", timedelta(minutes=25)),
                    ("resolved_date", timedelta(hours=20)),
                    ("escalation_date", timedelta(hours=2)),
                    ("confirmation_date", timedelta(days=1)),
                    ("closed_date", timedelta(hours=1)),
                ],
            ),
        }
        for model, (start_field, chain) in steps.items():
            Model = self.env[model].with_context(active_test=False)
            for record in Model.search([(start_field, "!=", False)]):
                previous, values = record[start_field], {}
                # a few minutes more or less per record, so that the demo does not look machine-made
                jitter = timedelta(minutes=(record.id * 7) % 40)
                for fname, step in chain:
                    if not record[fname]:
                        continue
                    when = min(previous + step + jitter, now - timedelta(minutes=5))
                    when = max(when, previous)
                    values[fname] = previous = when
                if not values:
                    continue
                moved.setdefault(model, {})[record.id] = {
                    start_field: (record[start_field], record[start_field]),
                    **{fname: (record[fname], when) for fname, when in values.items()},
                }
                sets = ", ".join(f'"{name}" = %s' for name in values)
                self.env.cr.execute(
                    f'UPDATE "{Model._table}" SET {sets} WHERE id = %s',
                    [*values.values(), record.id],
                )
                if model == "svcms.service.request" and record.done_date:
                    self.env.cr.execute(
                        "UPDATE svcms_service_request SET turnaround_hours = "
                        "EXTRACT(EPOCH FROM done_date - request_date) / 3600.0, "
                        "response_on_time = first_response_date <= request_date + interval '2 hours' WHERE id = %s",
                        [record.id],
                    )
        return moved

    @api.model
    def _svcms_demo_retime_sla(self, moved):
        """Move the SLA clocks of the retimed records onto their new timeline, then let the engine derive them.

        The clocks were run at install time: every segment boundary (start, pause, stop) is moved like the
        record's nearest earlier event (``moved``, see ``_svcms_demo_timelines``), the clock starts at the
        reception, and the line that an event stopped stops when the record says that event happened. The
        engine's ``derive`` then recounts working time, deadline, breach and status on the line's own target
        and calendar, and ``_sla_commit`` stores the lines as after any evaluation (caches invalidated)."""
        Line = self.env["svcms.sla.line"].sudo()
        now = fields.Datetime.now()
        slack = timedelta(seconds=2)  # an event and the clock it moved are stamped within the same second or two
        clocks = ClockRegistry(self.env)
        for model, records in moved.items():
            start_field = self.env[model]._svcms_sla_start_field
            reached_fields = DEMO_SLA_EVENT_FIELDS.get(model, {})
            existing = Line._sla_fetch(model, list(records))
            lines = [line for res_lines in existing.values() for line in res_lines]
            if not lines:
                continue
            rules = self.env["svcms.sla.target"].sudo().browse(list({line["target_id"] for line in lines}))._sla_rules()
            segment_starts = []
            for line in lines:
                timeline = records[line["res_id"]]
                received = timeline[start_field][1]
                segments = line["segments"]
                if not received or not segments:
                    continue
                # (old, new) pairs, the line's old start moving to the reception
                anchors = sorted({*timeline.values(), (line["start_datetime"], received)}, key=lambda a: (a[0], a[1]))
                anchors = [(old, new) for old, new in anchors if old and new]

                def remap(moment, anchors=anchors, received=received):
                    earlier = [(old, new) for old, new in anchors if old <= moment + slack]
                    if not earlier:
                        return received
                    old, new = earlier[-1]
                    return moment + (new - old)

                reached_field = reached_fields.get(line["metric"])
                reached = timeline.get(reached_field, (None, None))[1] if reached_field else None
                last = segments[-1]
                stops_at = (
                    reached
                    if reached
                    and last["kind"] == "stopped"
                    and last["date_end"] is None
                    and line["stop_cause"] in ("stop", "event")
                    else None
                )
                cap = min(stops_at or now, now)
                previous = received
                for index, segment in enumerate(segments):
                    if index == 0:
                        start = received
                    elif stops_at and segment is last:
                        start = stops_at
                    else:
                        start = min(max(remap(segment["date_start"]), previous), cap)
                    if index:
                        segments[index - 1]["date_end"] = start
                    segment["date_start"] = previous = start
                    segment["dirty"] = True
                    segment_starts.append((segment["id"], start))
                if last["date_end"] is not None:
                    last["date_end"] = min(max(remap(last["date_end"]), previous), now)
                line["start_datetime"] = received
                rule = rules[line["target_id"]]
                derive(line, segments, rule, clocks.get(line["calendar_id"], line["tz"]), now)
            # the engine never moves a clock's start (nor a segment's): the demo does, then commits the rest
            self.env.cr.execute(
                "UPDATE svcms_sla_segment s SET date_start = d.date_start FROM unnest(%s::int[], %s::timestamp[]) "
                "AS d(id, date_start) WHERE s.id = d.id",
                [[sid for sid, _start in segment_starts], [start for _sid, start in segment_starts]],
            )
            self.env.cr.execute(
                "UPDATE svcms_sla_line l SET start_datetime = d.start_datetime "
                "FROM unnest(%s::int[], %s::timestamp[]) AS d(id, start_datetime) WHERE l.id = d.id",
                [[line["id"] for line in lines], [line["start_datetime"] for line in lines]],
            )
            Line._sla_commit([], lines)
            Line._sla_written([], [line["id"] for line in lines], ["start_datetime"])
        return True

    @api.model
    def _svcms_demo_authors_and_dates(self):
        """Records created at install by OdooBot/admin: by the person of their role, on the day their story
        begins (its first date, else when the management system was set up a year ago); their messages by
        that person, spread between creation and last change."""
        cr = self.env.cr
        bots = [self.env.ref("base.user_root").id, self.env.ref("base.user_admin").id]
        bot_partners = self.env["res.users"].browse(bots).partner_id.ids
        now = fields.Datetime.now()
        setup = now - timedelta(days=365)
        for model, login in self._svcms_demo_story_models().items():
            if model not in self.env:
                continue
            user = self._svcms_demo_user(login)
            if not user:
                continue
            Model = self.env[model]
            start = next(
                (
                    (name, Model._fields[name].type, offset)
                    for name, offset in START_FIELDS
                    if name in Model._fields and Model._fields[name].store
                ),
                None,
            )
            if start:
                name, ftype, offset = start
                column = f'"{name}"' if ftype == "datetime" else f"(\"{name}\" + time '09:00')"
                started = f"LEAST({column} + interval '{offset}', %(now)s)"
            else:
                started = "NULL"
            events = [
                f'CASE WHEN "{n}" <= %(now)s THEN "{n}" END'
                for n, f in Model._fields.items()
                if f.type == "datetime" and f.store and f.column_type and n not in ("create_date", "write_date")
            ]
            # configuration-like records without a date: set up over the first weeks of the year
            cr.execute(
                f"""UPDATE "{Model._table}" SET create_uid = %(user)s, write_uid = %(user)s,
                           create_date = COALESCE({started}, %(setup)s + (id %% 30) * interval '1 day')
                     WHERE create_uid = ANY(%(bots)s) RETURNING id""",
                {"user": user.id, "bots": bots, "now": now, "setup": setup},
            )
            ids = [row[0] for row in cr.fetchall()]
            if not ids:
                continue
            responsible = Model._fields.get("user_id")
            if responsible and responsible.store and responsible.comodel_name == "res.users":
                cr.execute(
                    f'UPDATE "{Model._table}" SET user_id = %s WHERE id = ANY(%s) AND user_id = ANY(%s)',
                    [user.id, ids, bots],
                )
            cr.execute(
                f"""UPDATE "{Model._table}" SET write_date = GREATEST(create_date, {", ".join(events) or "NULL"})
                     WHERE id = ANY(%(ids)s)""",
                {"ids": ids, "now": now},
            )
            # messages: by that person when OdooBot/admin wrote them, dated along the record's life
            cr.execute(
                f"""WITH ranked AS (
                        SELECT m.id, r.create_date AS born, GREATEST(r.write_date, r.create_date) AS last,
                               ROW_NUMBER() OVER (PARTITION BY m.res_id ORDER BY m.id) - 1 AS pos,
                               COUNT(*) OVER (PARTITION BY m.res_id) AS total
                          FROM mail_message m JOIN "{Model._table}" r ON r.id = m.res_id
                         WHERE m.model = %(model)s AND m.res_id = ANY(%(ids)s))
                    UPDATE mail_message m
                       SET date = ranked.born + (ranked.last - ranked.born) * ranked.pos
                                  / GREATEST(ranked.total - 1, 1),
                           create_date = ranked.born + (ranked.last - ranked.born) * ranked.pos
                                         / GREATEST(ranked.total - 1, 1),
                           author_id = CASE WHEN m.author_id = ANY(%(bot_partners)s) OR m.author_id IS NULL
                                            THEN %(partner)s ELSE m.author_id END,
                           create_uid = CASE WHEN m.create_uid = ANY(%(bots)s) THEN %(user)s ELSE m.create_uid END
                      FROM ranked WHERE ranked.id = m.id""",
                {
                    "model": model,
                    "ids": ids,
                    "bots": bots,
                    "bot_partners": bot_partners,
                    "partner": user.partner_id.id,
                    "user": user.id,
                },
            )
        return True


# the record's field telling when the event a line's metric waits for happened (the "reached" time)
DEMO_SLA_EVENT_FIELDS = {
    "svcms.service.request": {
        "first_response": "first_response_date",
        "on_site": "arrival_date",
        "resolution": "done_date",
    },
    "svcms.complaint": {
        "first_response": "acknowledged_date",
        "resolution": "resolved_date",
    },
}

# who creates the story's records, by role (README: the demo people)
DEMO_AUTHORS = {
    # management representative 李敏
    "svcms.management.system": "limin",
    "svcms.objective": "limin",
    "svcms.kpi": "limin",
    "svcms.kpi.measurement": "limin",
    "svcms.process": "limin",
    "svcms.risk": "limin",
    "svcms.context.issue": "limin",
    "svcms.interested.party": "limin",
    "svcms.obligation": "limin",
    "svcms.communication.plan": "limin",
    # internal auditor
    "svcms.compliance.evaluation": "chenjing",
    # document controller
    "svcms.document": "gaoya",
    "svcms.manual.section": "gaoya",
    "svcms.document.copy": "gaoya",
    "svcms.document.acknowledgement": "gaoya",
    "svcms.document.review": "gaoya",
    "svcms.knowledge.article": "gaoya",
    # HR officer
    "svcms.training.course": "zhengli",
    "svcms.training.plan": "zhengli",
    "svcms.training.session": "zhengli",
    "svcms.competence.requirement": "zhengli",
    # service desk
    "svcms.complaint": "zhaojing",
    "svcms.service.request": "zhaojing",
    "svcms.return.visit": "zhaojing",
    # warehouse
    "svcms.return.order": "huangjun",
    "svcms.disposal": "huangjun",
    # after-sales manager
    "svcms.recall": "wanglei",
    "svcms.defect.disclosure": "wanglei",
    "svcms.maintenance.plan": "wanglei",
    "svcms.service.fund": "wanglei",
    "svcms.service.fund.line": "wanglei",
    "svcms.care.event": "wanglei",
    "svcms.sla.exception": "wanglei",
    # svcms_audit's records, when it is installed (it loads before this addon): the lead auditor and the
    # management representative
    "svcms.audit.programme": "limin",
    "svcms.audit": "chenjing",
    "svcms.nonconformity": "chenjing",
    "svcms.improvement": "limin",
    "svcms.management.review": "limin",
    "svcms.evaluation": "chenjing",
}

# the first date of a record's story (field, how long before/after it the record was created)
START_FIELDS = (
    ("request_date", "0 minutes"),
    ("date_received", "0 minutes"),
    ("submitted_date", "-1 day"),
    ("approved_date", "-5 days"),
    ("requested_date", "0 minutes"),
    ("issue_date", "0 minutes"),
    ("appointment_date", "-2 days"),
    ("period_end", "1 day"),
    ("planned_date", "-7 days"),
    ("date_start", "-14 days"),
    ("published_date", "-1 day"),
    ("date", "0 minutes"),
    ("detected_date", "0 minutes"),
    ("review_date", "-14 days"),
    ("evaluation_date", "-1 day"),
)
