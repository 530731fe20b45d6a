from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from .sla_clock import ClockRegistry
from .sla_line import derive, engine_columns

_lt = LazyTranslate(__name__)

# The service level summary of a record, for every consumer (views filter on these codes). The labels
# of a static selection are translated by Odoo like field strings: consumers use this list, or the
# mixin's field ``sla_status``, and never copy it.
SLA_STATUS = [
    ("none", "No Commitment"),
    ("on_track", "On Track"),
    ("warning", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
# Events every consumer may signal; a consumer adds its own with ``_svcms_sla_events``.
COMMON_EVENTS = [
    ("first_response", _lt("First response to the customer")),
    ("resolution", _lt("Resolution")),
    ("waiting_customer", _lt("Waiting for the customer")),
]


class SvcmsSlaMixin(models.AbstractModel):
    """Service level commitments for any model: inherit it, declare the state field and events.

    A consumer writes no SLA code. It declares::

        _svcms_sla_state_field = "state"          # selection (or many2one stage) the targets refer to
        _svcms_sla_events = [("on_site", _lt("Technician on site"))]  # besides COMMON_EVENTS
        _svcms_sla_partner_field = "partner_id"   # customer (agreements, reports)
        _svcms_sla_team_field = "department_id"   # team (reports, escalation to its manager)
        _svcms_sla_user_field = "user_id"         # responsible (warnings)
        _svcms_sla_start_field = "date_received"  # optional: clocks of a new record start when it was received

    and signals events with ``records._svcms_sla_event("first_response")``. Lines are created in
    bulk when records are created and re-evaluated when the state (or a field a policy filters on)
    is written.

    Events: ``COMMON_EVENTS`` (first response, resolution, waiting for the customer) exist for
    every consumer; ``_svcms_sla_events`` adds the consumer's own, with ``LazyTranslate`` labels.
    Targets name states by their code: the selection value, or for a many2one stage field the value
    of the stage's code field ``_svcms_sla_stage_code_field`` (never a database id, so a policy
    exported from one database means the same in another).

    Contract with the lines: the engine writes ``svcms.sla.line`` and ``svcms.sla.segment`` with
    SQL and then invalidates the cache and marks the written fields modified
    (``svcms.sla.line._sla_written``), so a consumer may store a field computed from
    ``sla_line_ids``. A breached line keeps its breach: a retargeted record (new priority, policy or
    team) replays only its open, unbreached lines.
    """

    _name = "svcms.sla.mixin"
    _description = "Service Level Commitments"

    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    _svcms_sla_team_field = None
    _svcms_sla_user_field = "user_id"
    _svcms_sla_start_field = None
    _svcms_sla_events = ()
    _svcms_sla_metrics = ()
    _svcms_sla_stage_code_field = "code"

    sla_line_ids = fields.One2many("svcms.sla.line", "res_id", string="Service Levels", readonly=True, copy=False)
    sla_status = fields.Selection(
        SLA_STATUS,
        string="Service Level",
        compute="_compute_sla_summary",
        search="_search_sla_status",
    )
    sla_deadline = fields.Datetime(
        string="Next Deadline", compute="_compute_sla_summary", search="_search_sla_deadline"
    )

    # ------------------------------------------------------------------ summary
    def _compute_sla_summary(self):
        groups = (
            self.env["svcms.sla.line"]
            .sudo()
            ._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids), ("state", "!=", "cancelled")],
                ["res_id"],
                ["__count", "breached:bool_or", "warning_sent:bool_or", "clock:array_agg", "deadline:array_agg"],
            )
        )
        summary = {res_id: values for res_id, *values in groups}
        for record in self:
            count, breached, warned, clocks, deadlines = summary.get(record.id, (0, False, False, [], []))
            running = [d for c, d in zip(clocks, deadlines, strict=True) if c == "running" and d]
            record.sla_deadline = min(running) if running else False
            if not count:
                record.sla_status = "none"
            elif breached:
                record.sla_status = "breached"
            elif "running" not in clocks and "paused" not in clocks:
                record.sla_status = "met"
            elif warned:
                record.sla_status = "warning"
            else:
                record.sla_status = "on_track"

    def _search_sla_status(self, operator, value):
        if operator not in ("in", "="):
            return NotImplemented
        values = {value} if isinstance(value, str) else set(value)
        open_line = Domain("clock", "!=", "stopped")
        breached = Domain("breached", "=", True) & Domain("state", "!=", "cancelled")
        options = {
            "breached": [Domain("sla_line_ids", "any", breached)],
            "warning": [
                Domain("sla_line_ids", "any", open_line & Domain("warning_sent", "=", True)),
                Domain("sla_line_ids", "not any", breached),
            ],
            "on_track": [
                Domain("sla_line_ids", "any", open_line),
                Domain("sla_line_ids", "not any", Domain("breached", "=", True) | Domain("warning_sent", "=", True)),
            ],
            "met": [
                Domain("sla_line_ids", "any", Domain("state", "=", "met")),
                Domain("sla_line_ids", "not any", open_line | Domain("breached", "=", True)),
            ],
            "none": [Domain("sla_line_ids", "not any", Domain("state", "!=", "cancelled"))],
        }
        return Domain.OR(Domain.AND(options[v]) for v in values if v in options)

    def _search_sla_deadline(self, operator, value):
        return [("sla_line_ids", "any", [("clock", "=", "running"), ("deadline", operator, value)])]

    # ------------------------------------------------------------------ hooks of the ORM
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._svcms_sla_sync(created=True)
        return records

    def write(self, vals):
        result = super().write(vals)
        if set(vals) & self._svcms_sla_watched_fields():
            self._svcms_sla_sync()
        return result

    def unlink(self):
        # lines have no foreign key to the record (any model may own them): they go with it, once
        # the record itself could be deleted (access rights and the consumer's own rules checked)
        ids = self.ids
        result = super().unlink()
        self.env["svcms.sla.line"].sudo().search([("res_model", "=", self._name), ("res_id", "in", ids)]).unlink()
        return result

    def _svcms_sla_watched_fields(self):
        fnames = {
            self._svcms_sla_state_field,
            self._svcms_sla_partner_field,
            self._svcms_sla_team_field,
            self._svcms_sla_user_field,
        }
        fnames |= self.env["svcms.sla.policy"]._trigger_fields(self._name)
        fnames.discard(None)
        return fnames

    # ------------------------------------------------------------------ API for consumers
    @api.model
    def _svcms_sla_event_selection(self):
        """(code, translated label) of every event this model may signal: the common ones, then its own."""
        events = dict(COMMON_EVENTS)
        for code, label in self._svcms_sla_events:
            events.setdefault(code, label)
        # a cron has no language: English labels then, without the translation warning
        lang = self.env.lang or "en_US"
        return [
            (code, label._translate(lang) if hasattr(label, "_translate") else str(label))
            for code, label in events.items()
        ]

    def _svcms_sla_event(self, event):
        """Signal an event (common or declared in ``_svcms_sla_events``) to the clocks of these records."""
        if event not in dict(self._svcms_sla_event_selection()):
            raise UserError(
                self.env._("%(model)s has no service level event %(event)s.", model=self._description, event=event)
            )
        self._svcms_sla_sync(event=event)

    def _svcms_sla_managers(self):
        """Manager of record per record: the team's manager, else the responsible's manager."""
        result = {}
        for record in self:
            users = self.env["res.users"]
            team = record[self._svcms_sla_team_field] if self._svcms_sla_team_field else None
            if team and team._name == "hr.department":
                users = team.manager_id.user_id
            responsible = record[self._svcms_sla_user_field] if self._svcms_sla_user_field else None
            if not users and responsible:
                employee = responsible.employee_ids[:1]
                users = employee.parent_id.user_id or employee.department_id.manager_id.user_id
            result[record.id] = users
        return result

    def _svcms_sla_notified(self, kind, lines):
        """Called after warnings (``kind`` = "warning") or escalations were sent for ``lines``."""

    # ------------------------------------------------------------------ engine
    def _svcms_sla_targets(self):
        """Applicable target per record and metric: ({record id: {metric: target id}}, rules)."""
        policies = self.env["svcms.sla.policy"].sudo().search([("res_model", "=", self._name)])
        if not policies:
            return {}, {}
        rules = policies.target_ids._sla_rules()
        company_field = "company_id" in self._fields
        result = defaultdict(dict)
        records = self.sudo().with_context(active_test=False)
        for policy in policies:
            domain = Domain(policy._get_domain())
            if policy.company_id and company_field:
                domain &= Domain("company_id", "in", [policy.company_id.id, False])
            matched = records.ids if domain.is_true() else records.search(domain & Domain("id", "in", records.ids)).ids
            targets = policy.target_ids.sorted(lambda t: (t.sequence, t.id))
            for record_id in matched:
                for target in targets:
                    result[record_id].setdefault(target.metric, target.id)
        return result, rules

    def _svcms_sla_links(self):
        """Company, customer, team and responsible of each record, as ids."""

        def ident(record, fname):
            if not fname or fname not in record._fields:
                return None
            value = record[fname]
            return value.id or None

        return {
            record.id: {
                "company_id": ident(record, "company_id"),
                "partner_id": ident(record, self._svcms_sla_partner_field),
                "team_id": ident(record, self._svcms_sla_team_field),
                "user_id": ident(record, self._svcms_sla_user_field),
            }
            for record in self
        }

    def _svcms_sla_state_values(self):
        """{record id: (state code, label)}: the selection value, or the code of a many2one stage."""
        field = self._fields[self._svcms_sla_state_field]
        labels = dict(field._description_selection(self.env)) if field.type == "selection" else {}
        result = {}
        for record in self:
            value = record[self._svcms_sla_state_field]
            if field.type == "many2one":
                code = value[self._svcms_sla_stage_code_field] if value else ""
                result[record.id] = (code or "", value.display_name or "")
            else:
                result[record.id] = (value or "", labels.get(value, value or ""))
        return result

    def _svcms_sla_sync(self, created=False, event=None):
        """Bring the SLA lines of these records in line with their state, event and policies.

        Every line of the records is re-derived from its segments on its current target and
        calendar (see ``derive``), so a new priority, policy or calendar replays the clock without
        losing pauses. The number of queries does not depend on the number of records.
        """
        if not self:
            return
        records = self.sudo()
        applicable, rules = records._svcms_sla_targets()
        existing = {} if created else self.env["svcms.sla.line"]._sla_fetch(self._name, records.ids)
        if not applicable and not existing:
            return
        now = fields.Datetime.now()
        states = records._svcms_sla_state_values()
        links = records._svcms_sla_links()
        event_label = dict(self._svcms_sla_event_selection()).get(event, event) if event else None
        clocks = ClockRegistry(self.env)
        own_rules = self._svcms_sla_breached_rules(existing, rules)
        new_lines, changed_lines, starting = [], [], []
        for record in records:
            state, state_label = states[record.id]
            lines = {line["metric"]: line for line in existing.get(record.id, [])}
            for metric, target_id in applicable.get(record.id, {}).items():
                rule = rules[target_id]
                line = lines.get(metric)
                if line is None:
                    kind = self._svcms_sla_desired(rule, state, event)[0]
                    if kind != "stopped" and self._svcms_sla_may_start(rule, state, event):
                        starting.append((record, rule, kind, state_label))
                    continue
                if line["breached"]:
                    continue  # a breach stays on the target it broke (below)
                del lines[metric]
                if not self._svcms_sla_transition(line, rule, state, state_label, event, event_label, now):
                    continue  # a finished clock stays as it finished
                line.update(links[record.id])
                if self._svcms_sla_rederive(line, rule, clocks, now):
                    changed_lines.append(line)
            for line in lines.values():
                if line["breached"]:
                    # not replayed on another target, policy or team: it follows the record's state on its own
                    rule = own_rules[line["target_id"]]
                    if self._svcms_sla_transition(
                        line, rule, state, state_label, event, event_label, now, retarget=False
                    ) and self._svcms_sla_rederive(line, rule, clocks, now):
                        changed_lines.append(line)
                elif line["clock"] != "stopped":
                    # no policy covers this metric any more: the clock is cancelled (and revived if one does again)
                    self._svcms_sla_close(line, "stopped", "policy", self.env._("No policy applies any more"), now)
                    line.update(links[record.id])
                    self._svcms_sla_rederive(line, None, clocks, now)
                    changed_lines.append(line)
        if starting:
            new_lines = self._svcms_sla_new_lines(starting, links, clocks, existing, now, created)
        self.env["svcms.sla.line"]._sla_commit(new_lines, changed_lines)
        replayed = [line for line in changed_lines if line.get("replayed_from")]
        if replayed:
            self._svcms_sla_log_replays(replayed)

    def _svcms_sla_record_history(self, reached):
        """Clocks for records entered after the fact (a migration, the demo data): records created in a
        final state got no clock, since none was running when they were created.

        Each applicable target's clock runs from the record's start field (``_svcms_sla_start_field``) until
        the time ``reached`` gives for its metric (``{record id: {metric: datetime}}``), then stops; without
        one, it runs on, unless the record's state already stopped it (the outcome is unknown: no line). The
        engine then counts working time, deadline and breach as for a record followed live. Records that
        already have lines are left alone. The number of queries does not depend on the number of records.
        """
        start_field = self._svcms_sla_start_field
        if not start_field:
            return
        records = self.sudo().filtered(lambda record: record[start_field])
        Line = self.env["svcms.sla.line"].sudo()
        known = Line._sla_fetch(self._name, records.ids)
        records = records.filtered(lambda record: record.id not in known)
        if not records:
            return
        applicable, rules = records._svcms_sla_targets()
        states = records._svcms_sla_state_values()
        started = self.env._("Received")
        starting = []
        for record in records:
            state = states[record.id][0]
            for metric, target_id in applicable.get(record.id, {}).items():
                rule = rules[target_id]
                stopped_by_state = self._svcms_sla_desired(rule, state, None)[0] == "stopped"
                if state not in rule["cancel_states"] and (
                    metric in reached.get(record.id, {}) or not stopped_by_state
                ):
                    starting.append((record, rule, "running", started))
        now = fields.Datetime.now()
        clocks = ClockRegistry(self.env)
        new_lines = records._svcms_sla_new_lines(starting, records._svcms_sla_links(), clocks, {}, now, created=True)
        Line._sla_commit(new_lines, [])
        stopped_lines = []
        for res_id, lines in Line._sla_fetch(self._name, records.ids).items():
            for line in lines:
                stop = reached.get(res_id, {}).get(line["metric"])
                if not stop:
                    continue
                stop = min(max(stop.replace(microsecond=0), line["start_datetime"]), now)
                self._svcms_sla_close(line, "stopped", "stop", states[res_id][1], stop)
                # derived again from the segments: the clock ran until it stopped, not until now
                derive(
                    line, line["segments"], rules[line["target_id"]], clocks.get(line["calendar_id"], line["tz"]), now
                )
                stopped_lines.append(line)
        Line._sla_commit([], stopped_lines)

    def _svcms_sla_breached_rules(self, existing, rules):
        """Rules of the targets breached lines keep (their policy may no longer apply)."""
        target_ids = {line["target_id"] for lines in existing.values() for line in lines if line["breached"]} - set(
            rules
        )
        if not target_ids:
            return rules
        return {**rules, **self.env["svcms.sla.target"].sudo().browse(list(target_ids))._sla_rules()}

    def _svcms_sla_rederive(self, line, rule, clocks, now):
        """Derive ``line`` again; True when something to store changed.

        A breached line stays breached, with its deadline and breach time: a later holiday, a
        pause or a stop cannot turn a breach into a success.
        """
        derived = list(engine_columns(self.env["svcms.sla.line"], "derived"))
        before = {col: line[col] for col in derived}
        derive(line, line["segments"], rule, clocks.get(line["calendar_id"], line["tz"]), now)
        if before["breached"]:
            line.update(
                breached=True,
                state="breached",
                deadline=before["deadline"],
                breach_datetime=before["breach_datetime"],
                outcome_datetime=before["breach_datetime"],
            )
        return before != {col: line[col] for col in derived} or any(
            segment.get("dirty") or not segment.get("id") for segment in line["segments"]
        )

    @staticmethod
    def _svcms_sla_may_start(rule, state, event):
        if rule["start_on"] == "state":
            return state in rule["start_states"]
        if rule["start_on"] == "event":
            return bool(event) and event == rule["start_event"]
        return True

    @staticmethod
    def _svcms_sla_desired(rule, state, event):
        """(clock kind, stop cause) the target asks for in this state or on this event."""
        if state in rule["cancel_states"]:
            return "stopped", "cancel"
        if state in rule["stop_states"]:
            return "stopped", "stop"
        if event and event == rule["stop_event"]:
            return "stopped", "event"
        if state in rule["pause_states"]:
            return "paused", None
        return "running", None

    def _svcms_sla_transition(self, line, rule, state, state_label, event, event_label, now, retarget=True):
        """Retarget ``line`` on ``rule`` and move its clock as the record's state or event asks.

        Returns False for a finished clock that stays finished (nothing to do). A breached line is
        not retargeted (``retarget=False``): ``rule`` is then its own target's.
        """
        kind, cause = self._svcms_sla_desired(rule, state, event)
        reason = event_label if cause == "event" else state_label
        if line["clock"] == "stopped":
            revive = kind != "stopped" and (
                line["stop_cause"] in ("cancel", "policy")
                or (line["stop_cause"] == "stop" and state in rule["restart_states"])
            )
            if not revive:
                return False
            if retarget:
                self._svcms_sla_retarget(line, rule)
            self._svcms_sla_close(line, kind, None, reason, now)
            return True
        if retarget:
            self._svcms_sla_retarget(line, rule)
        if kind != line["clock"]:
            self._svcms_sla_close(line, kind, cause, reason, now)
        return True

    @staticmethod
    def _svcms_sla_retarget(line, rule):
        before = {col: line[col] for col in ("target_id", "calendar_id", "tz", "target_seconds")}
        line.update(
            policy_id=rule["policy_id"],
            target_id=rule["id"],
            calendar_id=rule["calendar_id"],
            tz=rule["tz"],
            target_seconds=rule["seconds"],
        )
        if before != {col: line[col] for col in before}:
            line["replayed_from"] = before

    @staticmethod
    def _svcms_sla_close(line, kind, cause, reason, now):
        """End the open segment at ``now`` and open one of ``kind``."""
        for segment in line["segments"]:
            if segment["date_end"] is None:
                segment["date_end"] = now
                segment["dirty"] = True
        line["segments"].append(
            {"kind": kind, "date_start": now, "date_end": None, "reason": reason, "work_seconds": 0}
        )
        line["stop_cause"] = cause if kind == "stopped" else None

    def _svcms_sla_new_lines(self, starting, links, clocks, existing, now, created=False):
        records = self.browse(list({record.id for record, *_rest in starting}))
        # a record that already has lines keeps its agreement and workload flag
        known = {
            res_id: (lines[0]["agreement_id"], lines[0]["over_limit"]) for res_id, lines in existing.items() if lines
        }
        fresh = records.filtered(lambda r: r.id not in known)
        agreements = self.env["svcms.sla.agreement"]._sla_match(fresh, now) if fresh else {}
        new_lines = []
        for record, rule, kind, reason in starting:
            start = now
            if created and self._svcms_sla_start_field:
                # a request registered after it was received: its clocks start at the receipt
                received = record[self._svcms_sla_start_field]
                start = min(received.replace(microsecond=0), now) if received else now
            # a request counts in the period it was made in: now for new records, else when it was created
            requested = start if created else record.create_date or now
            agreement_id, over, requested = known.get(record.id) or (
                *agreements.get(record.id, (None, False)),
                requested,
            )
            line = {
                "res_model": self._name,
                "res_id": record.id,
                **links[record.id],
                "policy_id": rule["policy_id"],
                "target_id": rule["id"],
                "metric": rule["metric"],
                "calendar_id": rule["calendar_id"],
                "tz": rule["tz"],
                "agreement_id": agreement_id,
                "over_limit": over,
                "excluded": over,
                "request_datetime": requested,
                "start_datetime": start,
                "target_seconds": rule["seconds"],
                "stop_cause": None,
                "notify_level": 0,
                "warning_sent": False,
                "escalation_level": 0,
                "segments": [{"kind": kind, "date_start": start, "date_end": None, "reason": reason}],
            }
            derive(line, line["segments"], rule, clocks.get(rule["calendar_id"], rule["tz"]), now)
            new_lines.append(line)
        return new_lines

    def _svcms_sla_log_replays(self, replayed):
        """Say on each replayed line why its deadline moved (the audit trail of the clock)."""
        Line = self.env["svcms.sla.line"].sudo()
        targets = (
            self.env["svcms.sla.target"]
            .sudo()
            .browse(
                list(
                    {line["target_id"] for line in replayed} | {line["replayed_from"]["target_id"] for line in replayed}
                )
            )
        )
        calendars = (
            self.env["resource.calendar"]
            .sudo()
            .browse(
                list(
                    {line["calendar_id"] for line in replayed}
                    | {line["replayed_from"]["calendar_id"] for line in replayed}
                )
            )
        )
        names = {("t", t.id): t.display_name for t in targets} | {("c", c.id): c.display_name for c in calendars}
        bodies = {}
        # an automated note: in the language of the line's company, whoever changed the record
        noted_lines = Line.browse([line["id"] for line in replayed])
        for line in replayed:
            before = line["replayed_from"]
            env = noted_lines.browse(line["id"])._svcms_for_company().env
            bodies[line["id"]] = env._(
                "Clock replayed from its start with its pauses kept: target %(old_target)s (%(old_hours)s h, "
                "%(old_calendar)s, %(old_tz)s) became %(new_target)s (%(new_hours)s h, %(new_calendar)s, %(new_tz)s).",
                old_target=names.get(("t", before["target_id"])),
                old_hours=round(before["target_seconds"] / 3600, 2),
                old_calendar=names.get(("c", before["calendar_id"])),
                old_tz=before["tz"],
                new_target=names.get(("t", line["target_id"])),
                new_hours=round(line["target_seconds"] / 3600, 2),
                new_calendar=names.get(("c", line["calendar_id"])),
                new_tz=line["tz"],
            )
        Line.browse(list(bodies))._message_log_batch(bodies=bodies)

    # ------------------------------------------------------------------ integration
    def _svcms_api_status(self):
        """The record's state and service levels as plain data for external systems (XML-RPC/JSON-RPC): no
        ``None``, no recordset; datetimes as ISO 8601 UTC text, "" when unset."""
        self.ensure_one()
        state_field = self._fields[self._svcms_sla_state_field]
        states = dict(state_field._description_selection(self.env)) if state_field.type == "selection" else {}
        state = self[self._svcms_sla_state_field]
        statuses = dict(self._fields["sla_status"]._description_selection(self.env))
        line_states = dict(self.env["svcms.sla.line"]._fields["state"]._description_selection(self.env))

        def iso(value):
            return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""

        return {
            "model": self._name,
            "id": self.id,
            "reference": self.display_name,
            "state": state if state_field.type == "selection" else state.display_name,
            "state_label": states.get(state, "") if states else state.display_name,
            "sla_status": self.sla_status,
            "sla_status_label": statuses.get(self.sla_status, ""),
            "next_deadline": iso(self.sla_deadline),
            "service_levels": [
                {
                    "target": line.target_id.display_name,
                    "metric": line.metric,
                    "state": line.state,
                    "state_label": line_states.get(line.state, ""),
                    "deadline": iso(line.deadline),
                    "breached": bool(line.breached),
                }
                for line in self.sla_line_ids.sudo()
            ],
        }
