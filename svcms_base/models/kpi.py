import datetime
import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from .cron_failure_mixin import CRON_FAILURE_FIELDS, RETRYABLE_ERRORS

_logger = logging.getLogger(__name__)

KPI_STATUS = [("on_target", "On Target"), ("off_target", "Off Target"), ("no_data", "No Data")]
KPI_TREND = [("improving", "Improving"), ("stable", "Stable"), ("worsening", "Worsening")]
FREQUENCIES = [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")]
# A KPI created long ago catches up over several cron steps rather than in one huge batch.
MAX_PERIODS_PER_RUN = 24
DEFAULT_CRON_BATCH_SIZE = 200
# Changes smaller than this are noise, not a trend.
TREND_TOLERANCE = 1e-6
# Context value marking the measurements the system records for computed KPIs. RPC cannot forge it:
# JSON and XML-RPC carry no Python objects.
SYSTEM_MEASUREMENT = object()


def period_step(frequency):
    return relativedelta(months={"monthly": 1, "quarterly": 3, "yearly": 12}[frequency])


def period_bounds(day, frequency):
    """First and last day of the calendar period of ``frequency`` holding ``day``."""
    if frequency == "yearly":
        start = day.replace(month=1, day=1)
    elif frequency == "quarterly":
        start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    else:
        start = day.replace(day=1)
    return start, start + period_step(frequency) - relativedelta(days=1)


class SvcmsKpi(models.Model):
    """A key performance indicator: a target, and a measurement per period (manual or computed)."""

    _name = "svcms.kpi"
    _description = "Key Performance Indicator"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.cron.failure.mixin", "svcms.lang.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(translate=True, help="What is measured and how.")
    objective_id = fields.Many2one("svcms.objective", index=True, ondelete="cascade", check_company=True)
    process_id = fields.Many2one("svcms.process", index=True, ondelete="set null", check_company=True)
    management_system_id = fields.Many2one(
        "svcms.management.system",
        compute="_compute_management_system_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    owner_id = fields.Many2one(
        "res.users",
        compute="_compute_owner_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        help="Records the measurements and is reminded when one is due.",
    )
    target = fields.Float(tracking=True)
    unit = fields.Char(help="e.g. %, hours, incidents")
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
        tracking=True,
    )
    frequency = fields.Selection(FREQUENCIES, required=True, default="monthly", tracking=True)
    source = fields.Selection(
        [("manual", "Manual"), ("computed", "Computed")],
        required=True,
        default="manual",
        tracking=True,
        help="Manual: the owner enters a measurement per period. Computed: measured from live records.",
    )
    definition_id = fields.Many2one("svcms.kpi.definition", index=True, tracking=True)
    date_start = fields.Date(
        string="Measured From",
        required=True,
        default=fields.Date.context_today,
        help="Periods before the one holding this date are not measured.",
    )
    measurement_ids = fields.One2many("svcms.kpi.measurement", "kpi_id", string="Measurements")
    measurement_count = fields.Integer(compute="_compute_measurement_count")
    last_measurement_id = fields.Many2one("svcms.kpi.measurement", compute="_compute_last_measurement", store=True)
    last_period_start = fields.Date(compute="_compute_last_measurement", store=True, string="Last Period")
    last_value = fields.Float(compute="_compute_last_measurement", store=True)
    on_target = fields.Boolean(compute="_compute_last_measurement", store=True)
    status = fields.Selection(KPI_STATUS, compute="_compute_last_measurement", store=True, index=True)
    trend = fields.Selection(KPI_TREND, compute="_compute_last_measurement", store=True)
    next_period_start = fields.Date(compute="_compute_next_period", store=True, string="Next Period")
    next_measurement_date = fields.Date(
        compute="_compute_next_period",
        store=True,
        index=True,
        help="The day the next period's measurement becomes due (the day after the period ends).",
    )
    reminded_period_start = fields.Date(readonly=True, copy=False, string="Reminder Sent For")
    reminder_pending = fields.Boolean(compute="_compute_reminder_pending", store=True, index=True)

    # ------------------------------------------------------------------ computes
    @api.depends("objective_id.management_system_id", "process_id.management_system_id")
    def _compute_management_system_id(self):
        for kpi in self:
            kpi.management_system_id = (
                kpi.objective_id.management_system_id or kpi.process_id.management_system_id or kpi.management_system_id
            )

    @api.depends("management_system_id.company_id", "objective_id.company_id", "process_id.company_id")
    def _compute_company_id(self):
        for kpi in self:
            kpi.company_id = (
                kpi.management_system_id.company_id
                or kpi.objective_id.company_id
                or kpi.process_id.company_id
                or kpi.company_id
                or self.env.company
            )

    @api.depends("objective_id.owner_id", "process_id.owner_id")
    def _compute_owner_id(self):
        for kpi in self:
            kpi.owner_id = kpi.owner_id or kpi.objective_id.owner_id or kpi.process_id.owner_id

    def _compute_measurement_count(self):
        counts = dict(
            self.env["svcms.kpi.measurement"]._read_group([("kpi_id", "in", self.ids)], ["kpi_id"], ["__count"])
        )
        for kpi in self:
            kpi.measurement_count = counts.get(kpi._origin, 0)

    @api.depends(
        "measurement_ids.period_start",
        "measurement_ids.value",
        "measurement_ids.has_value",
        "measurement_ids.on_target",
        "direction",
    )
    def _compute_last_measurement(self):
        for kpi in self:
            measurements = kpi.measurement_ids.sorted("period_start", reverse=True)
            last = measurements[:1]
            kpi.last_measurement_id = last
            kpi.last_period_start = last.period_start
            kpi.last_value = last.value
            kpi.on_target = last.on_target
            if not last.has_value:
                kpi.status = "no_data"
            else:
                kpi.status = "on_target" if last.on_target else "off_target"
            kpi.trend = kpi._trend(measurements.filtered("has_value")[:2])

    def _trend(self, last_two):
        if len(last_two) < 2:
            return False
        delta = last_two[0].value - last_two[1].value
        if self.direction == "lower":
            delta = -delta
        if delta > TREND_TOLERANCE:
            return "improving"
        if delta < -TREND_TOLERANCE:
            return "worsening"
        return "stable"

    @api.depends("last_period_start", "date_start", "frequency")
    def _compute_next_period(self):
        for kpi in self:
            if kpi.last_period_start:
                start = kpi.last_period_start + period_step(kpi.frequency)
            else:
                start = period_bounds(kpi.date_start or fields.Date.context_today(kpi), kpi.frequency)[0]
            kpi.next_period_start = start
            kpi.next_measurement_date = start + period_step(kpi.frequency)

    @api.depends("source", "next_period_start", "reminded_period_start")
    def _compute_reminder_pending(self):
        for kpi in self:
            kpi.reminder_pending = kpi.source == "manual" and kpi.reminded_period_start != kpi.next_period_start

    # ------------------------------------------------------------------ constraints
    @api.constrains("source", "definition_id")
    def _check_definition(self):
        for kpi in self:
            if kpi.source == "computed" and not kpi.definition_id:
                raise ValidationError(self.env._("The computed KPI %s needs a definition.", kpi.name))

    @api.onchange("definition_id")
    def _onchange_definition_id(self):
        if self.definition_id.unit and not self.unit:
            self.unit = self.definition_id.unit

    def write(self, vals):
        changed = self.filtered(lambda kpi: kpi.frequency != vals.get("frequency", kpi.frequency))
        if changed.measurement_ids:
            raise UserError(
                self.env._(
                    "The frequency of a KPI that already has measurements cannot change: "
                    "archive it and create a new KPI, so that the history stays comparable."
                )
            )
        if {"source", "definition_id", "date_start", "owner_id"} & set(vals):
            # What failed before may work now: try again at the next run.
            vals = {**vals, **dict.fromkeys(CRON_FAILURE_FIELDS, False)}
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_measured(self):
        # Read for the guard only: whoever deletes must not miss measurements of another company.
        measured = self.env["svcms.kpi.measurement"].sudo().search([("kpi_id", "in", self.ids)], limit=1)
        if measured:
            raise UserError(
                self.env._(
                    "The KPI %(kpi)s has measurements: they are the evidence of the objectives, so it cannot be "
                    "deleted. Archive it instead.",
                    kpi=measured.kpi_id.display_name,
                )
            )

    # ------------------------------------------------------------------ periods
    def _period_of(self, day):
        self.ensure_one()
        return period_bounds(day, self.frequency)

    def _due_periods(self, today):
        """Completed periods (first day, last day) not measured yet, oldest first."""
        self.ensure_one()
        periods = []
        start = self.next_period_start
        step = period_step(self.frequency)
        while start + step <= today and len(periods) < MAX_PERIODS_PER_RUN:
            periods.append((start, start + step - relativedelta(days=1)))
            start += step
        return periods

    # ------------------------------------------------------------------ evaluation
    def _evaluate_many(self, requests):
        """Evaluate computed KPIs on given periods, grouped by definition.

        :param requests: iterable of (kpi, first_day, last_day)
        :return: {(kpi_id, first_day): {"value", "numerator", "denominator"}}
        """
        by_definition = defaultdict(list)
        for kpi, first_day, last_day in requests:
            by_definition[kpi.definition_id].append((kpi, first_day, last_day + datetime.timedelta(days=1)))
        results = {}
        for definition, items in by_definition.items():
            values = definition._evaluate_batch([(start, end, kpi.company_id) for kpi, start, end in items])
            for kpi, start, end in items:
                results[(kpi.id, start)] = values[(definition.id, start, end, kpi.company_id.id)]
        return results

    def _evaluate_period(self, first_day, last_day):
        """Values of every computed KPI of ``self`` over one period: {kpi_id: result}."""
        computed = self.filtered(lambda kpi: kpi.source == "computed" and kpi.definition_id)
        results = computed._evaluate_many([(kpi, first_day, last_day) for kpi in computed])
        return {kpi_id: result for (kpi_id, _start), result in results.items()}

    def _record_computed_measurements(self, today, isolate=False):
        """Create the measurements of every completed, unmeasured period of the computed KPIs of ``self``.

        :param isolate: for the cron: evaluate each definition in its own savepoint and create the
            measurements in a savepoint (then KPI by KPI if that fails); a definition or a KPI that
            fails is rolled back, logged and marked (failure count, last error), the others are
            recorded. Without it (buttons, scripts) the first error reaches the user.
        """
        requests = [
            (kpi, first_day, last_day)
            for kpi in self.filtered(lambda kpi: kpi.source == "computed" and kpi.definition_id)
            for first_day, last_day in kpi._due_periods(today)
        ]
        if isolate:
            results = {}
            for definition, items in self._group_by_definition(requests).items():
                try:
                    with self.env.cr.savepoint():
                        results.update(self._evaluate_many(items))
                except RETRYABLE_ERRORS:
                    raise
                except Exception as error:  # noqa: BLE001 - the definition is marked, the others go on
                    definition._svcms_cron_failed(error)
                else:
                    definition._svcms_cron_succeeded()
            requests = [request for request in requests if (request[0].id, request[1]) in results]
        else:
            results = self._evaluate_many(requests)
        vals_list = []
        for kpi, first_day, _last_day in requests:
            result = results[(kpi.id, first_day)]
            has_value = result["value"] is not None
            vals_list.append(
                {
                    "kpi_id": kpi.id,
                    "period_start": first_day,
                    "value": result["value"] if has_value else 0.0,
                    "has_value": has_value,
                    "numerator": result["numerator"],
                    "denominator": result["denominator"],
                    "note": False if has_value else self.env._("No records in the period."),
                }
            )
        # Users never type the value of a computed measurement: the system records it, with the
        # rights of whoever runs it (the cron, the KPI owner or a manager), not as superuser.
        Measurement = self.env["svcms.kpi.measurement"].with_context(svcms_kpi_measurement=SYSTEM_MEASUREMENT)
        if not isolate:
            return Measurement.create(vals_list)
        vals_by_kpi = defaultdict(list)
        for vals in vals_list:
            vals_by_kpi[vals["kpi_id"]].append(vals)
        created = {}

        def create(kpis):
            measurements = Measurement.create([vals for kpi in kpis for vals in vals_by_kpi[kpi.id]])
            for kpi in kpis:
                created[kpi.id] = measurements.filtered(lambda m, kpi=kpi: m.kpi_id == kpi).ids

        done = self.browse(list(vals_by_kpi))._svcms_cron_process(create)
        return Measurement.browse([measurement_id for kpi in done for measurement_id in created[kpi.id]])

    @api.model
    def _group_by_definition(self, requests):
        by_definition = defaultdict(list)
        for request in requests:
            by_definition[request[0].definition_id].append(request)
        return by_definition

    def _remind_missing_measurements(self):
        """Schedule one activity per manual KPI and missing period, for its owner."""
        for kpi in self.filtered("reminder_pending"):
            owner = kpi.owner_id or kpi.objective_id.owner_id
            if owner:
                first_day, last_day = kpi._period_of(kpi.next_period_start)
                # in the owner's language: the daily cron has none
                addressed = kpi._svcms_for_user(owner)
                addressed.activity_schedule(
                    "svcms_base.mail_activity_type_kpi_measurement",
                    date_deadline=kpi.next_measurement_date,
                    summary=addressed.env._(
                        "Record %(kpi)s for %(start)s - %(end)s",
                        kpi=addressed.name,
                        start=first_day,
                        end=last_day,
                    ),
                    user_id=owner.id,
                )
            kpi.reminded_period_start = kpi.next_period_start

    @api.model
    def _record_due_measurements(self, kpi_ids):
        """Measure the given computed KPIs up to today without waiting for the daily run (demo data, scripts)."""
        return self.browse(kpi_ids)._record_computed_measurements(fields.Date.context_today(self))

    @api.model
    def _due_domain(self, today):
        """KPIs with a measurement or a reminder due, leaving out those (or whose definition) failed today."""
        return Domain.AND(
            [
                [("next_measurement_date", "<=", today)],
                self._svcms_cron_retry_domain(),
                Domain("source", "=", "computed") & self._svcms_cron_retry_domain("definition_id")
                | Domain("reminder_pending", "=", True),
            ]
        )

    @api.model
    def _cron_record_measurements(self):
        """Daily: measure computed KPIs and remind owners of manual ones, in bounded batches.

        A broken definition or KPI does not stop the run: it is rolled back, logged and marked (see
        `_record_computed_measurements`), left out of the rest of today's batches, and tried again
        by tomorrow's run.
        """
        batch_size = int(
            self.env["ir.config_parameter"].sudo().get_param("svcms_base.kpi_cron_batch_size", DEFAULT_CRON_BATCH_SIZE)
        )
        today = fields.Date.context_today(self)
        domain = self._due_domain(today)
        kpis = self.search(domain, limit=batch_size, order="next_measurement_date, id")
        kpis._record_computed_measurements(today, isolate=True)
        kpis.filtered("reminder_pending")._svcms_cron_process(lambda batch: batch._remind_missing_measurements())
        remaining = self.search_count(domain) if len(kpis) == batch_size else 0
        _logger.info("KPI measurements: %s KPIs processed, %s remaining", len(kpis), remaining)
        self.env["ir.cron"]._commit_progress(len(kpis), remaining=remaining)

    # ------------------------------------------------------------------ actions
    def action_measure_now(self):
        """Record the due measurements of these computed KPIs without waiting for the daily run."""
        user = self.env.user
        if not user.has_group("svcms_base.group_svcms_manager") and self.filtered(lambda kpi: kpi.owner_id != user):
            raise AccessError(self.env._("Only the owner of a KPI or a manager may record its measurements."))
        self.check_access("read")
        measurements = self._record_computed_measurements(fields.Date.context_today(self))
        message = (
            self.env._("%s measurement(s) recorded.", len(measurements))
            if measurements
            else self.env._("Nothing to record: no completed period is waiting for a measurement.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success" if measurements else "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_record_measurement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Measurement"),
            "res_model": "svcms.kpi.measurement",
            "view_mode": "form",
            "target": "new",
            "context": {"default_kpi_id": self.id, "default_period_start": self.next_period_start},
        }

    def action_view_measurements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.svcms_kpi_measurement_action")
        action["domain"] = [("kpi_id", "=", self.id)]
        action["context"] = {"default_kpi_id": self.id}
        return action
