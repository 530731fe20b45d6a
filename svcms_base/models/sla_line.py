import json
import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime

from .sla_clock import ClockRegistry

_logger = logging.getLogger(__name__)

# A line whose notifications fail is retried after this delay times its failures, then given up.
NOTIFY_RETRY = timedelta(minutes=15)
NOTIFY_MAX_FAILURES = 5

# The engine reads and writes lines with a few set-based SQL statements. Which columns it touches is
# declared on the fields themselves (``sla_engine="insert"``: written when the line is created;
# ``sla_engine="derived"``: re-derived from the segments at every evaluation), so the statements
# follow the model: see ``engine_columns``.
ENGINE_PARAMETER = "sla_engine"


def engine_columns(model, kind=None):
    """{column: SQL type} of the fields of ``model`` the engine writes (``kind``: only "derived" ones).

    The list comes from the model's fields (their ``sla_engine`` flag and column type), never
    from a list kept by hand; ``id`` is always first.
    """
    columns = {"id": "int4"} if kind is None else {}
    for name, field in model._fields.items():
        flag = getattr(field, ENGINE_PARAMETER, None)
        if flag and field.store and field.column_type and (kind is None or flag == kind):
            columns[name] = field.column_type[1]
    return columns


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _jsonb(rows, columns):
    return json.dumps([{col: _json_value(row.get(col)) for col in columns} for row in rows])


def _recordset_sql(columns, types):
    return SQL(", ").join(SQL("%s %s", SQL.identifier(col), SQL(types[col])) for col in columns)


def next_notification(line, rule, clock):
    """When the next warning or escalation of ``line`` is due (None when none is pending).

    Share-of-target steps fall where that much working time has been consumed; after-breach
    steps fall that much working time after the deadline (wall-clock time when the policy
    notifies outside working hours). Unless the policy allows it, a due time outside working time
    moves to the start of the next working interval.
    """
    steps = rule["steps"]
    level = line["notify_level"] or 0
    if line["clock"] != "running" or level >= len(steps):
        return None
    step = steps[level]
    since, consumed = line["clock_since"], line["consumed_seconds"] or 0
    if step["percent"] is not None:
        point = round(step["percent"] * line["target_seconds"] / 100)
        due = since if point <= consumed else clock.add(since, point - consumed)
    else:
        deadline = line["deadline"]
        if not deadline:
            return None
        delay = step["after_breach_seconds"] or 0
        due = deadline + timedelta(seconds=delay) if rule["outside_hours"] else clock.add(deadline, delay)
    if due and not rule["outside_hours"]:
        due = clock.next_working(due)
    return due


def derive(line, segments, rule, clock, now):
    """Recompute everything the clock shows from the segments of ``line`` (in place).

    The working time of every closed running segment is counted again on ``clock`` (the line's
    calendar and timezone), paused and stopped segments count for nothing: replaying a line on a
    new target or calendar therefore keeps its pauses and never counts working time twice.
    The deadline is the instant the consumed working time reaches the target.
    """
    target = line["target_seconds"]
    consumed = paused = 0
    deadline = None
    open_segment = None
    for segment in segments:
        end = segment["date_end"]
        if end is None:
            open_segment = segment
            continue
        if segment["kind"] == "running":
            work = clock.work_seconds(segment["date_start"], end)
            if work != segment.get("work_seconds"):
                segment["work_seconds"] = work
                segment["dirty"] = True
            if deadline is None and consumed + work >= target:
                deadline = clock.add(segment["date_start"], target - consumed)
            consumed += work
        elif segment["kind"] == "paused":
            paused += int((end - segment["date_start"]).total_seconds())
    kind = open_segment["kind"] if open_segment else "stopped"
    since = open_segment["date_start"] if open_segment else line.get("stop_datetime") or now
    if deadline is None and kind != "paused":
        # running: when the remaining time will be consumed; stopped: where the deadline stood
        deadline = clock.add(since, target - consumed)
    reference = since if kind == "stopped" else now
    breached = bool(deadline and deadline < reference)
    if kind == "stopped" and line.get("stop_cause") in ("cancel", "policy"):
        state = "cancelled"
    elif breached:
        state = "breached"
    elif kind == "stopped":
        state = "met"
    else:
        state = kind
    line.update(
        clock=kind,
        clock_since=since,
        consumed_seconds=consumed,
        paused_seconds=paused,
        deadline=deadline,
        breached=breached,
        breach_datetime=deadline if breached else None,
        stop_datetime=since if kind == "stopped" else None,
        state=state,
        outcome_datetime=(deadline if breached else since if state == "met" else None),
    )
    line["notify_next"] = next_notification(line, rule, clock) if rule else None
    return line


class SvcmsSlaLine(models.Model):
    """The clock of one target on one record (one line per record and metric).

    The engine keeps these rows with a few set-based SQL statements per batch (whatever the
    number of records); users read them, and an approved exception excludes them from compliance.
    """

    _name = "svcms.sla.line"
    _description = "SLA Line"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.nonconformity.source",
        "svcms.lang.mixin",
        "svcms.evidence.mixin",
    ]
    _svcms_evidence_clauses = {"iso20000": ("8.3.3",), "gbt27922": ("1.4.1",)}
    _svcms_evidence_date_field = "start_datetime"
    _svcms_evidence_domain = [("state", "!=", "cancelled")]
    _order = "start_datetime desc, id desc"
    _rec_name = "target_id"

    res_model = fields.Char(string="Record Model", required=True, index=True, readonly=True, sla_engine="insert")
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", required=True, readonly=True, sla_engine="insert"
    )
    res_name = fields.Char(string="Record", compute="_compute_res_name")
    company_id = fields.Many2one("res.company", index=True, readonly=True, sla_engine="derived")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, readonly=True, sla_engine="derived")
    team_id = fields.Many2one("hr.department", index=True, readonly=True, sla_engine="derived")
    user_id = fields.Many2one("res.users", string="Responsible", index=True, readonly=True, sla_engine="derived")
    policy_id = fields.Many2one(
        "svcms.sla.policy",
        required=True,
        ondelete="restrict",
        index=True,
        readonly=True,
        tracking=True,
        sla_engine="derived",
    )
    target_id = fields.Many2one(
        "svcms.sla.target",
        required=True,
        ondelete="restrict",
        index=True,
        readonly=True,
        tracking=True,
        sla_engine="derived",
    )
    metric = fields.Selection(
        selection=lambda self: self.env["svcms.sla.target"]._selection_metric(),
        required=True,
        readonly=True,
        sla_engine="derived",
    )
    calendar_id = fields.Many2one(
        "resource.calendar", string="Working Calendar", readonly=True, tracking=True, sla_engine="derived"
    )
    tz = fields.Char(string="Timezone", readonly=True, sla_engine="derived")
    agreement_id = fields.Many2one(
        "svcms.sla.agreement", index=True, readonly=True, ondelete="set null", sla_engine="insert"
    )
    over_limit = fields.Boolean(
        string="Beyond Workload Limit",
        readonly=True,
        help="The request exceeded the agreement's workload limit.",
        sla_engine="insert",
    )
    exception_id = fields.Many2one(
        "svcms.sla.exception", string="Approved Exception", readonly=True, ondelete="set null", index="btree_not_null"
    )
    excluded = fields.Boolean(
        string="Excluded from Compliance",
        compute="_compute_excluded",
        store=True,
        help="Beyond the workload limit or covered by an approved exception.",
        sla_engine="insert",
    )
    request_datetime = fields.Datetime(string="Requested On", readonly=True, sla_engine="insert")
    start_datetime = fields.Datetime(string="Clock Started", readonly=True, index=True, sla_engine="insert")
    target_seconds = fields.Integer(readonly=True, sla_engine="derived")
    clock = fields.Selection(
        [("running", "Running"), ("paused", "Paused"), ("stopped", "Stopped")],
        readonly=True,
        default="running",
        sla_engine="derived",
    )
    stop_cause = fields.Selection(
        [
            ("stop", "Target Reached"),
            ("event", "Event"),
            ("cancel", "Cancelled"),
            ("policy", "No Longer Applicable"),
        ],
        readonly=True,
        sla_engine="derived",
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("paused", "Paused"),
            ("met", "Met"),
            ("breached", "Breached"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        readonly=True,
        default="running",
        index=True,
        sla_engine="derived",
    )
    breached = fields.Boolean(readonly=True, sla_engine="derived")
    breach_datetime = fields.Datetime(string="Breached On", readonly=True, sla_engine="derived")
    outcome_datetime = fields.Datetime(
        string="Outcome Date",
        readonly=True,
        index=True,
        help="When the line was met or breached.",
        sla_engine="derived",
    )
    deadline = fields.Datetime(readonly=True, sla_engine="derived")
    stop_datetime = fields.Datetime(string="Stopped On", readonly=True, sla_engine="derived")
    consumed_seconds = fields.Integer(
        readonly=True, help="Working time of the closed running segments.", sla_engine="derived"
    )
    paused_seconds = fields.Integer(
        readonly=True, help="Wall-clock time of the closed paused segments.", sla_engine="derived"
    )
    clock_since = fields.Datetime(readonly=True, help="Start of the current segment.", sla_engine="derived")
    notify_level = fields.Integer(
        readonly=True, help="Warnings and escalation steps already sent.", sla_engine="insert"
    )
    notify_next = fields.Datetime(string="Next Notification", readonly=True, sla_engine="derived")
    warning_sent = fields.Boolean(readonly=True, sla_engine="insert")
    escalation_level = fields.Integer(readonly=True, sla_engine="insert")
    segment_ids = fields.One2many("svcms.sla.segment", "line_id", string="Clock Segments", readonly=True)
    target_hours = fields.Float(string="Target Time", compute="_compute_live")
    consumed_hours = fields.Float(string="Working Time Consumed", compute="_compute_live")
    remaining_hours = fields.Float(string="Working Time Remaining", compute="_compute_live")
    paused_hours = fields.Float(string="Time Paused", compute="_compute_live")
    progress = fields.Float(string="Consumed (%)", compute="_compute_live")
    explanation = fields.Text(compute="_compute_explanation")
    notify_failures = fields.Integer(
        string="Failed Notification Runs",
        readonly=True,
        copy=False,
        help="How many times in a row sending this line's warnings or escalations failed.",
    )
    notify_error = fields.Char(string="Last Notification Error", readonly=True, copy=False)

    _record_metric_uniq = models.UniqueIndex("(res_model, res_id, metric)")
    _open_deadline_idx = models.Index("(deadline) WHERE clock = 'running' AND breached IS NOT TRUE")
    _notify_idx = models.Index("(notify_next) WHERE clock = 'running' AND notify_next IS NOT NULL")

    @api.model
    def _valid_field_parameter(self, field, name):
        return name == ENGINE_PARAMETER or super()._valid_field_parameter(field, name)

    # ------------------------------------------------------------------ integrity
    @api.model
    def _sla_key_fields(self):
        """Fields that decide which lines an evaluation or a transition touches (fixed once breached)."""
        return {"res_model", "res_id", "policy_id", "target_id", "metric", "company_id"}

    def write(self, vals):
        """Users never rewrite a clock: the engine writes lines with SQL, server code with sudo().

        Only the approved exception may be set, by server code (an exception's approval). Even
        server code cannot move a breached line to another record, policy, target or metric: the
        breach stays where it happened.
        """
        self.check_access("write")
        engine = set(engine_columns(self)) | {"exception_id", "notify_failures", "notify_error"}
        if not self.env.su and engine & set(vals):
            raise UserError(
                self.env._(
                    "SLA lines are kept by the service level engine: %(fields)s cannot be edited.",
                    fields=", ".join(sorted(self._fields[n]._description_string(self.env) for n in engine & set(vals))),
                )
            )
        keys = self._sla_key_fields() & set(vals)
        if keys:
            breached = self.filtered("breached")
            if breached and any(
                self._fields[name].convert_to_write(line[name], line) != vals[name]
                for line in breached
                for name in keys
            ):
                raise UserError(
                    self.env._(
                        "%(line)s is breached: its record, policy, target and metric can no longer change.",
                        line=breached[0].display_name,
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------ display
    @api.depends("over_limit", "exception_id")
    def _compute_excluded(self):
        for line in self:
            line.excluded = line.over_limit or bool(line.exception_id)

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        by_model = defaultdict(list)
        for line in self:
            by_model[line.res_model].append(line.res_id)
        names = {}
        for model, ids in by_model.items():
            if model in self.env:
                records = self.env[model].sudo().browse(ids).exists()
                names.update({(model, rec.id): rec.display_name for rec in records})
        for line in self:
            line.res_name = names.get((line.res_model, line.res_id), False)

    @api.depends("target_id", "res_name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = " - ".join(filter(None, [line.res_name, line.target_id.name]))

    @api.depends("clock", "clock_since", "consumed_seconds", "paused_seconds", "target_seconds")
    def _compute_live(self):
        now = fields.Datetime.now()
        clocks = ClockRegistry(self.env)
        for line in self:
            consumed, paused = line.consumed_seconds, line.paused_seconds
            if line.clock == "running" and line.calendar_id and line.clock_since:
                consumed += clocks.get(line.calendar_id.id, line.tz).work_seconds(line.clock_since, now)
            elif line.clock == "paused" and line.clock_since:
                paused += int((now - line.clock_since).total_seconds())
            line.target_hours = line.target_seconds / 3600.0
            line.consumed_hours = consumed / 3600.0
            line.remaining_hours = max(line.target_seconds - consumed, 0) / 3600.0
            line.paused_hours = paused / 3600.0
            line.progress = 100.0 * consumed / line.target_seconds if line.target_seconds else 0.0

    def _format(self, value):
        return format_datetime(self.env, value, tz=self.tz, dt_format="yyyy-MM-dd HH:mm") if value else "-"

    @staticmethod
    def _hours_text(seconds):
        minutes = round(seconds / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"

    @api.depends("segment_ids", "deadline", "state")
    def _compute_explanation(self):
        for line in self:
            if not line.start_datetime:
                line.explanation = False
                continue
            running = sum(s.work_seconds for s in line.segment_ids if s.kind == "running" and s.date_end)
            lines = [
                self.env._(
                    "Clock started %(start)s (%(tz)s) for %(target)s working hours on calendar %(calendar)s.",
                    start=line._format(line.start_datetime),
                    tz=line.tz,
                    target=self._hours_text(line.target_seconds),
                    calendar=line.calendar_id.display_name,
                )
            ]
            for segment in line.segment_ids:
                kind = dict(segment._fields["kind"]._description_selection(self.env))[segment.kind]
                lines.append(
                    self.env._(
                        "- %(kind)s from %(start)s to %(end)s%(work)s: %(reason)s",
                        kind=kind,
                        start=line._format(segment.date_start),
                        end=line._format(segment.date_end) if segment.date_end else self.env._("now"),
                        work=self.env._(", %s working hours", self._hours_text(segment.work_seconds))
                        if segment.kind == "running" and segment.date_end
                        else "",
                        reason=segment.reason or "",
                    )
                )
            if line.clock == "paused" and not line.deadline:
                lines.append(
                    self.env._(
                        "Paused: %(remaining)s working hours remain; the deadline is set again when the clock resumes.",
                        remaining=self._hours_text(max(line.target_seconds - running, 0)),
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "Deadline %(deadline)s: %(consumed)s working hours consumed in closed running segments, "
                        "paused time not counted, remaining time planned on the calendar from %(since)s.",
                        deadline=line._format(line.deadline),
                        consumed=self._hours_text(running),
                        since=line._format(line.clock_since),
                    )
                )
            line.explanation = "\n".join(lines)

    @api.model
    def _svcms_nonconformity_source_type(self):
        return "sla_breach"

    def _svcms_nonconformity_values(self):
        values = super()._svcms_nonconformity_values()
        values["description"] = Markup("<pre>%s</pre>") % (self.explanation or "")
        return values

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }

    def action_request_exception(self):
        lines = self.filtered(lambda line: line.state != "cancelled")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request an SLA Exception"),
            "res_model": "svcms.sla.exception",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_line_ids": [fields.Command.set(lines.ids)],
                "default_company_id": lines[:1].company_id.id or self.env.company.id,
            },
        }

    # ------------------------------------------------------------------ engine: read
    @api.model
    def _sla_fetch(self, res_model, res_ids):
        """Lines and their segments of some records, as plain dicts: {res_id: [line, ...]}."""
        self.flush_model()
        Segment = self.env["svcms.sla.segment"]
        Segment.flush_model()
        columns = SQL(", ").join(SQL.identifier(col) for col in engine_columns(self))
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT %s FROM svcms_sla_line WHERE res_model = %s AND res_id = ANY(%s) ORDER BY id",
                columns,
                res_model,
                list(res_ids),
            )
        )
        if not rows:
            return {}
        lines = {row["id"]: dict(row, segments=[]) for row in rows}
        segments = self.env.execute_query_dict(
            SQL(
                "SELECT %s FROM svcms_sla_segment WHERE line_id = ANY(%s) ORDER BY line_id, date_start, id",
                SQL(", ").join(SQL.identifier(col) for col in engine_columns(Segment)),
                list(lines),
            )
        )
        for segment in segments:
            lines[segment["line_id"]]["segments"].append(segment)
        result = defaultdict(list)
        for line in lines.values():
            result[line["res_id"]].append(line)
        return result

    # ------------------------------------------------------------------ engine: write
    @api.model
    def _sla_commit(self, new_lines, changed_lines):
        """Store new lines (with their first segment) and changed lines in a few statements.

        ``new_lines``: line dicts with ``segments`` holding one open segment.
        ``changed_lines``: line dicts as returned by `_sla_fetch`, re-derived; their new segments
        have no id, their closed or recounted ones carry ``dirty``.

        The statements bypass the ORM; afterwards the cache of the written fields is invalidated
        and they are marked modified, so that any stored field computed from SLA lines (on any
        model) is recomputed as after an ORM write.
        """
        cr = self.env.cr
        uid = self.env.uid
        now = fields.Datetime.now()
        Segment = self.env["svcms.sla.segment"]
        self.flush_model()
        Segment.flush_model()
        line_types = engine_columns(self)
        segment_types = engine_columns(Segment)
        derived = list(engine_columns(self, "derived"))
        new_ids, segment_ids = [], []
        if new_lines:
            columns = [col for col in line_types if col != "id"]
            rows = []
            for line in new_lines:
                first = line["segments"][0]
                rows.append(dict(line, segment_kind=first["kind"], segment_reason=first.get("reason")))
            types = dict(line_types, segment_kind="varchar", segment_reason="varchar")
            column_list = SQL(", ").join(SQL.identifier(col) for col in columns)
            cr.execute(
                SQL(
                    """
                    WITH data AS (
                        SELECT * FROM jsonb_to_recordset(%(data)s::jsonb) AS d(%(types)s)
                    ), inserted AS (
                        INSERT INTO svcms_sla_line (%(columns)s, create_uid, create_date, write_uid, write_date)
                        SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s FROM data
                        RETURNING id, res_id, metric, company_id, clock_since
                    ), segments AS (
                        INSERT INTO svcms_sla_segment
                            (line_id, company_id, kind, date_start, reason, work_seconds,
                             create_uid, create_date, write_uid, write_date)
                        SELECT i.id, i.company_id, d.segment_kind, i.clock_since, d.segment_reason, 0,
                               %(uid)s, %(now)s, %(uid)s, %(now)s
                        FROM inserted i JOIN data d ON d.res_id = i.res_id AND d.metric = i.metric
                        RETURNING id, line_id
                    )
                    SELECT line_id, id FROM segments
                    """,
                    data=_jsonb(rows, [*columns, "segment_kind", "segment_reason"]),
                    types=_recordset_sql([*columns, "segment_kind", "segment_reason"], types),
                    columns=column_list,
                    uid=uid,
                    now=now,
                )
            )
            for line_id, segment_id in cr.fetchall():
                new_ids.append(line_id)
                segment_ids.append(segment_id)
        if changed_lines:
            assignments = SQL(", ").join(SQL("%s = d.%s", SQL.identifier(col), SQL.identifier(col)) for col in derived)
            cr.execute(
                SQL(
                    """
                    UPDATE svcms_sla_line l SET %(assignments)s, write_uid = %(uid)s, write_date = %(now)s
                    FROM jsonb_to_recordset(%(data)s::jsonb) AS d(%(types)s)
                    WHERE l.id = d.id
                    """,
                    assignments=assignments,
                    data=_jsonb(changed_lines, ["id", *derived]),
                    types=_recordset_sql(["id", *derived], line_types),
                    uid=uid,
                    now=now,
                )
            )
            closed = [s for line in changed_lines for s in line["segments"] if s.get("id") and s.get("dirty")]
            if closed:
                cr.execute(
                    SQL(
                        """
                        UPDATE svcms_sla_segment s
                           SET date_end = d.date_end, work_seconds = d.work_seconds,
                               write_uid = %(uid)s, write_date = %(now)s
                        FROM jsonb_to_recordset(%(data)s::jsonb) AS d(%(types)s)
                        WHERE s.id = d.id
                        """,
                        data=_jsonb(closed, ["id", "date_end", "work_seconds"]),
                        types=_recordset_sql(["id", "date_end", "work_seconds"], segment_types),
                        uid=uid,
                        now=now,
                    )
                )
                segment_ids += [s["id"] for s in closed]
            opened = [
                dict(s, line_id=line["id"], company_id=line["company_id"])
                for line in changed_lines
                for s in line["segments"]
                if not s.get("id")
            ]
            if opened:
                columns = [col for col in segment_types if col != "id"]
                cr.execute(
                    SQL(
                        """
                        INSERT INTO svcms_sla_segment (%(columns)s, create_uid, create_date, write_uid, write_date)
                        SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                        FROM jsonb_to_recordset(%(data)s::jsonb) AS d(%(types)s)
                        RETURNING id
                        """,
                        columns=SQL(", ").join(SQL.identifier(col) for col in columns),
                        data=_jsonb(opened, columns),
                        types=_recordset_sql(columns, segment_types),
                        uid=uid,
                        now=now,
                    )
                )
                segment_ids += [row[0] for row in cr.fetchall()]
        if new_lines or changed_lines:
            self._sla_written(new_ids, [line["id"] for line in changed_lines], derived)
            segments = Segment.browse(segment_ids)
            Segment.invalidate_model()
            segments.modified([col for col in segment_types if col != "id"])

    @api.model
    def _sla_written(self, new_ids, changed_ids, fnames):
        """After an SQL write: drop the cache of ``fnames`` and mark them modified on the lines.

        New lines are marked as created (their One2many inverses, e.g. ``sla_line_ids``, change too).
        """
        self.invalidate_model()
        if new_ids:
            self.browse(new_ids).modified([name for name in engine_columns(self) if name != "id"], create=True)
        if changed_ids:
            self.browse(changed_ids).modified(fnames)

    # ------------------------------------------------------------------ engine: replays
    @api.model
    def _sla_resync(self, domain):
        """Re-evaluate the records owning the lines of ``domain`` (replays them on today's settings)."""
        groups = self.sudo()._read_group(Domain(domain), ["res_model"], ["res_id:array_agg"])
        for res_model, res_ids in groups:
            if res_model in self.env:
                self.env[res_model].sudo().browse(list(set(res_ids))).exists()._svcms_sla_sync()

    @api.model
    def _sla_replay_policies(self, policies, whole_model=False):
        """Re-evaluate the records a policy change may concern.

        A new target, duration or calendar concerns the records the policies already cover; a new
        filter, order or activation may concern every open record of their models.
        """
        if whole_model:
            scope = [("res_model", "in", list(set(policies.mapped("res_model"))))]
        else:
            scope = [("policy_id", "in", policies.ids)]
        self._sla_resync([*scope, "|", ("clock", "!=", "stopped"), ("stop_cause", "in", ["policy", "cancel"])])

    @api.model
    def _sla_replay_calendars(self, calendars=None):
        domain = [("clock", "!=", "stopped")]
        if calendars:
            domain.append(("calendar_id", "in", calendars.ids))
        self._sla_resync(domain)

    # ------------------------------------------------------------------ cron
    @api.model
    def _cron_check_deadlines(self, batch_size=5000):
        """Flag breaches and send due warnings and escalations, in bounded batches.

        Every batch is a locked (SKIP LOCKED) set-based statement, so two workers never take the
        same lines; flags on the lines make every notification go out exactly once. A line flagged by a
        worker that committed after this transaction began fails to lock (REPEATABLE READ): this run
        stops with a serialization failure, and the next run sees the flag (test_cron_concurrency.py). Each batch of
        notifications runs in a savepoint: when it fails, its lines are retried one by one, each in
        its own savepoint, so one broken line is logged, counted on the line and skipped while the
        others are sent (see ``_sla_notify_failed``).
        """
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        while True:
            now = fields.Datetime.now()
            done = len(self._sla_detect_breaches(now, batch_size))
            done += self._sla_send_notifications(now, batch_size)
            remaining = self._sla_pending_count(now)
            if in_cron:
                time_left = self.env["ir.cron"]._commit_progress(done, remaining=remaining)
                if not time_left:
                    break
            if not remaining or not done:
                break

    @api.model
    def _sla_pending_count(self, now):
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT (SELECT count(*) FROM svcms_sla_line
                         WHERE clock = 'running' AND breached IS NOT TRUE AND deadline < %(now)s)
                     + (SELECT count(*) FROM svcms_sla_line
                         WHERE clock = 'running' AND notify_next IS NOT NULL AND notify_next <= %(now)s)
                """,
                now=now,
            )
        )
        return rows[0][0]

    @api.model
    def _sla_detect_breaches(self, now, limit):
        """Mark running lines past their deadline as breached: one statement, whatever the batch size."""
        self.flush_model()
        fnames = ["breached", "state", "breach_datetime", "outcome_datetime"]
        rows = self.env.execute_query(
            SQL(
                """
                WITH due AS (
                    SELECT id FROM svcms_sla_line
                     WHERE clock = 'running' AND breached IS NOT TRUE AND deadline < %(now)s
                     ORDER BY deadline
                     LIMIT %(limit)s
                       FOR UPDATE SKIP LOCKED
                )
                UPDATE svcms_sla_line l
                   SET breached = TRUE, state = 'breached', breach_datetime = l.deadline,
                       outcome_datetime = l.deadline, write_uid = %(uid)s, write_date = %(now)s
                  FROM due
                 WHERE l.id = due.id
                RETURNING l.id
                """,
                now=now,
                limit=limit,
                uid=self.env.uid,
            )
        )
        ids = [row[0] for row in rows]
        if ids:
            self._sla_written([], ids, fnames)
        return ids

    @api.model
    def _sla_send_notifications(self, now, limit):
        """Send the warnings and escalations that are due; return how many lines were handled."""
        self.flush_model()
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM svcms_sla_line
                     WHERE clock = 'running' AND notify_next IS NOT NULL AND notify_next <= %s
                     ORDER BY notify_next
                     LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    now,
                    limit,
                )
            )
        ]
        if not ids:
            return 0
        lines = self.sudo().browse(ids)
        try:
            with self.env.cr.savepoint():
                lines._sla_notify_lines(now)
        except Exception:  # noqa: BLE001 - one broken line must not stop the service levels of all others
            _logger.warning("SLA notifications: a batch of %s lines failed, retrying line by line.", len(ids))
            for line in lines.browse(ids):
                try:
                    with self.env.cr.savepoint():
                        line._sla_notify_lines(now)
                except Exception as error:
                    _logger.exception("SLA notifications: line %s failed and is skipped.", line.id)
                    line._sla_notify_failed(error, now)
        return len(ids)

    def _sla_notify_lines(self, now):
        """Send the due step of each line of ``self`` and move its notification schedule on."""
        rules = self.target_id._sla_rules()
        clocks = ClockRegistry(self.env)
        updates, to_send = [], []
        for line in self:
            rule = rules[line.target_id.id]
            clock = clocks.get(line.calendar_id.id, line.tz)
            values = {
                field: line[field]
                for field in ("clock", "clock_since", "consumed_seconds", "target_seconds", "deadline", "notify_level")
            }
            if not rule["outside_hours"] and not clock.is_working(now):
                # Due while nobody works: it waits for the next working time (sent then, once).
                updates.append(
                    {
                        "id": line.id,
                        "notify_level": line.notify_level,
                        "notify_next": clock.next_working(now),
                        "warning_sent": line.warning_sent,
                        "escalation_level": line.escalation_level,
                    }
                )
                continue
            step = rule["steps"][line.notify_level] if line.notify_level < len(rule["steps"]) else None
            values["notify_level"] = line.notify_level + 1
            updates.append(
                {
                    "id": line.id,
                    "notify_level": values["notify_level"],
                    "notify_next": next_notification(values, rule, clock),
                    "warning_sent": line.warning_sent or bool(step and step["kind"] == "warning"),
                    "escalation_level": line.escalation_level + (1 if step and step["kind"] == "escalation" else 0),
                }
            )
            if step:
                to_send.append((line, step))
        self._sla_notify(to_send, now)
        columns = ["id", "notify_level", "notify_next", "warning_sent", "escalation_level"]
        self.env.cr.execute(
            SQL(
                """
                UPDATE svcms_sla_line l
                   SET notify_level = d.notify_level, notify_next = d.notify_next,
                       warning_sent = d.warning_sent, escalation_level = d.escalation_level,
                       notify_failures = 0, notify_error = NULL,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM jsonb_to_recordset(%(data)s::jsonb) AS d(%(types)s)
                 WHERE l.id = d.id
                """,
                data=_jsonb(updates, columns),
                types=_recordset_sql(columns, engine_columns(self)),
                uid=self.env.uid,
                now=now,
            )
        )
        self._sla_written([], self.ids, [*columns[1:], "notify_failures", "notify_error"])

    def _sla_notify_failed(self, error, now):
        """Count a failed notification run on this line and retry it later, then give up loudly.

        The line is retried after ``NOTIFY_RETRY`` times the number of failures, so the next runs
        handle every other line first; after ``NOTIFY_MAX_FAILURES`` failures its notifications stop
        and the error stays on the line (list filter "Notification Failed") and in its chatter.
        """
        self.ensure_one()
        failures = self.notify_failures + 1
        give_up = failures >= NOTIFY_MAX_FAILURES
        message = f"{type(error).__name__}: {error}"[:500]
        self.env.cr.execute(
            SQL(
                """
                UPDATE svcms_sla_line
                   SET notify_failures = %(failures)s, notify_error = %(message)s, notify_next = %(next)s,
                       write_uid = %(uid)s, write_date = %(now)s
                 WHERE id = %(id)s
                """,
                failures=failures,
                message=message,
                next=None if give_up else now + NOTIFY_RETRY * failures,
                uid=self.env.uid,
                now=now,
                id=self.id,
            )
        )
        self._sla_written([], self.ids, ["notify_failures", "notify_error", "notify_next"])
        noted = self._svcms_for_company()
        body = (
            noted.env._(
                "Sending the warnings and escalations of this service level failed %(count)s times; they are "
                "stopped until the line is fixed: %(error)s",
                count=failures,
                error=message,
            )
            if give_up
            else noted.env._(
                "Sending the warnings and escalations of this service level failed (%(count)s); retried later: "
                "%(error)s",
                count=failures,
                error=message,
            )
        )
        try:
            with self.env.cr.savepoint():
                self.sudo()._message_log(body=body)
        except Exception:
            _logger.exception("SLA notifications: could not log the failure on line %s.", self.id)
        if give_up:
            _logger.error("SLA notifications of line %s stopped after %s failures: %s", self.id, failures, message)

    def _sla_recipients(self, step, managers):
        """Users to notify for one line and one step (falls back to the policy's service level manager)."""
        self.ensure_one()
        if step["kind"] == "warning":
            users = self.user_id
        else:
            escalation = self.env["svcms.sla.escalation"].browse(step["escalation_id"])
            if escalation.notify == "responsible":
                users = self.user_id
            elif escalation.notify == "manager":
                users = managers.get((self.res_model, self.res_id), self.env["res.users"])
            elif escalation.notify == "users":
                users = escalation.user_ids
            else:
                users = escalation.group_id.all_user_ids
        users = users.filtered(lambda user: user.active and not user.share)
        return users or self.policy_id.manager_id

    def _sla_notify(self, to_send, now):
        """Activities for the people concerned and a note on the record, for every (line, step)."""
        if not to_send:
            return
        managers = {}
        by_model = defaultdict(list)
        for line, _step in to_send:
            by_model[line.res_model].append(line.res_id)
        for model, res_ids in by_model.items():
            if model in self.env:
                records = self.env[model].sudo().browse(res_ids).exists()
                for record_id, users in records._svcms_sla_managers().items():
                    managers[(model, record_id)] = users
        warning_type = self.env.ref("svcms_base.mail_activity_type_sla_warning", raise_if_not_found=False)
        escalation_type = self.env.ref("svcms_base.mail_activity_type_sla_escalation", raise_if_not_found=False)
        activities, notes = [], defaultdict(dict)
        notified = defaultdict(lambda: defaultdict(list))
        line_model_id = self.env["ir.model"]._get_id(self._name)
        for line, step in to_send:
            users = line._sla_recipients(step, managers)
            is_warning = step["kind"] == "warning"
            escalation = self.env["svcms.sla.escalation"].browse(step["escalation_id"])
            # Activities go on the record people work on; models without activities get them on the line.
            on_record = line.res_model in self.env and "activity_ids" in self.env[line.res_model]._fields
            activity_type = warning_type if is_warning else escalation_type
            for user in users:
                # in the recipient's language and time zone: the cron running this has neither
                summary = line._sla_step_summary(is_warning, line._svcms_for_user(user))
                activities.append(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(line.res_model) if on_record else line_model_id,
                        "res_id": line.res_id if on_record else line.id,
                        "activity_type_id": activity_type.id if activity_type else False,
                        "summary": summary,
                        "note": escalation.with_context(lang=user.lang or None).note or False,
                        "user_id": user.id,
                        "date_deadline": fields.Date.context_today(self.with_context(tz=line.tz or "UTC"), now),
                    }
                )
            who = ", ".join(users.mapped("name")) or "-"
            # the note on the record: in its company's language and time zone (else the service level's)
            noted = line._svcms_for_company()
            if not line.company_id.sudo().partner_id.tz:
                noted = noted.with_context(tz=line.tz or "UTC")
            notes[line.res_model][line.res_id] = notes[line.res_model].get(line.res_id, Markup()) + Markup(
                "<p>%s</p>"
            ) % escape(
                noted.env._(
                    "%(summary)s (notified: %(who)s)", summary=line._sla_step_summary(is_warning, noted), who=who
                )
            )
            notified[line.res_model][step["kind"]].append(line)
        if activities:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activities)
        for model, bodies in notes.items():
            if model in self.env and hasattr(self.env[model], "_message_log_batch"):
                self.env[model].sudo().browse(list(bodies)).exists()._message_log_batch(bodies=bodies)
        for model, by_kind in notified.items():
            if model in self.env:
                for kind, lines in by_kind.items():
                    records = self.env[model].sudo().browse(list({line.res_id for line in lines})).exists()
                    records._svcms_sla_notified(kind, self.browse([line.id for line in lines]))

    def _sla_step_summary(self, is_warning, addressed):
        """The text of a warning or an escalation, in the language and time zone of ``addressed``'s context."""
        self.ensure_one()
        values = {
            "target": self.target_id.with_env(addressed.env).name,
            "deadline": addressed._svcms_datetime(self.deadline),
        }
        return (
            addressed.env._("SLA warning: %(target)s due %(deadline)s", **values)
            if is_warning
            else addressed.env._("SLA escalation: %(target)s due %(deadline)s", **values)
        )

    # ------------------------------------------------------------------ reporting
    @api.model
    def _sla_compliance(self, domain, groupby):
        """Compliance per group: {group key tuple: {"total", "met", "breached", "compliance"}}.

        Counts lines whose outcome is known (met, or breached even if still open), leaves out
        cancelled and excluded lines (beyond workload limits or covered by an approved exception).
        One SQL aggregate, whatever the number of lines.
        """
        domain = Domain.AND(
            [
                Domain(domain),
                [("outcome_datetime", "!=", False), ("state", "!=", "cancelled"), ("excluded", "=", False)],
            ]
        )
        result = {}
        for row in self.sudo()._read_group(domain, [*groupby, "breached"], ["__count"]):
            *keys, breached, count = row
            bucket = result.setdefault(tuple(keys), {"total": 0, "met": 0, "breached": 0})
            bucket["total"] += count
            bucket["breached" if breached else "met"] += count
        for bucket in result.values():
            bucket["compliance"] = 100.0 * bucket["met"] / bucket["total"] if bucket["total"] else None
        return result
