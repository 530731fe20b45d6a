from odoo import api, fields, models
from odoo.exceptions import UserError

from .kpi import SYSTEM_MEASUREMENT, period_bounds, period_step

# What anyone who may write a measurement (its KPI's owner, a manager) may add at any time: an
# explanation of the figure, which does not change the figure.
COMMENT_FIELDS = {"note"}
MANAGER_GROUP = "svcms_base.group_svcms_manager"


class SvcmsKpiMeasurement(models.Model):
    """The value of a KPI over one period (one month, quarter or year): the history the objectives rest on.

    Measurements are evidence (ISO/IEC 20000-1 9.1):

    * a measurement of a computed KPI is recorded by the system (the daily cron, or "Measure Now" by
      the KPI's owner or a manager) and never changes afterwards: nobody but the superuser edits its
      figures or deletes it; its note (the explanation of the figure) stays open to the KPI's owner
      and managers;
    * a manual measurement is corrected or deleted only by its author (``measured_by_id``, set to
      whoever records it), and only while its period is open: until the end of the following period
      (the window in which it is due), or on the day it was recorded (back-filled history);
    * the target a measurement is judged against is set by managers only.
    """

    _name = "svcms.kpi.measurement"
    _description = "KPI Measurement"
    _inherit = ["svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("6.2.2", "9.1"), "gbt27922": ("1.5.1", "1.6.1")}
    _svcms_evidence_date_field = "period_start"
    _svcms_evidence_system_field = "management_system_id"
    _order = "period_start desc, id desc"
    _check_company_auto = True

    kpi_id = fields.Many2one(
        "svcms.kpi", string="KPI", required=True, ondelete="cascade", index=True, check_company=True
    )
    objective_id = fields.Many2one(related="kpi_id.objective_id", store=True, index=True)
    process_id = fields.Many2one(related="kpi_id.process_id", store=True)
    management_system_id = fields.Many2one(related="kpi_id.management_system_id", store=True, index=True)
    company_id = fields.Many2one(related="kpi_id.company_id", store=True, index=True, precompute=True)
    source = fields.Selection(related="kpi_id.source")
    unit = fields.Char(related="kpi_id.unit")
    direction = fields.Selection(related="kpi_id.direction")
    period_start = fields.Date(
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self),
        help="Any day of the period: it is moved to the first day of the KPI's month, quarter or year.",
    )
    period_end = fields.Date(compute="_compute_period_end", store=True)
    value = fields.Float(aggregator="avg")
    has_value = fields.Boolean(
        default=True,
        help="Unticked when the period had nothing to measure (e.g. no records for a ratio).",
    )
    numerator = fields.Float(aggregator="sum")
    denominator = fields.Float(aggregator="sum")
    target = fields.Float(
        compute="_compute_target",
        store=True,
        readonly=False,
        precompute=True,
        aggregator="avg",
        help="The KPI's target when the measurement was taken: history keeps its own verdict.",
    )
    on_target = fields.Boolean(compute="_compute_on_target", store=True, index=True)
    note = fields.Text()
    measured_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        help="Who recorded the measurement: the only one who may correct a manual measurement while its period "
        "is open.",
    )
    can_edit = fields.Boolean(
        compute="_compute_can_edit",
        help="Whether the current user may still correct the figures of this measurement.",
    )

    _kpi_period_uniq = models.Constraint(
        "UNIQUE(kpi_id, period_start)",
        "A KPI has a single measurement per period.",
    )

    @api.depends("kpi_id.name", "period_start", "period_end")
    def _compute_display_name(self):
        for measurement in self:
            measurement.display_name = f"{measurement.kpi_id.name or ''} {measurement.period_start or ''}".strip()

    @api.depends("period_start", "kpi_id.frequency")
    def _compute_period_end(self):
        for measurement in self:
            if measurement.period_start and measurement.kpi_id:
                measurement.period_end = period_bounds(measurement.period_start, measurement.kpi_id.frequency)[1]
            else:
                measurement.period_end = False

    @api.onchange("kpi_id")
    def _onchange_kpi_id(self):
        if self.kpi_id.next_period_start:
            self.period_start = self.kpi_id.next_period_start

    @api.depends("kpi_id")
    def _compute_target(self):
        for measurement in self:
            measurement.target = measurement.kpi_id.target

    @api.depends("value", "has_value", "target", "kpi_id.direction")
    def _compute_on_target(self):
        for measurement in self:
            if not measurement.has_value:
                measurement.on_target = False
            elif measurement.kpi_id.direction == "lower":
                measurement.on_target = measurement.value <= measurement.target
            else:
                measurement.on_target = measurement.value >= measurement.target

    @api.depends_context("uid")
    @api.depends("source", "measured_by_id", "period_end", "create_date")
    def _compute_can_edit(self):
        for measurement in self:
            measurement.can_edit = not measurement.id or (
                measurement.source == "manual"
                and measurement.measured_by_id == self.env.user
                and measurement._is_open()
            )

    def _is_open(self):
        """A manual measurement stays correctable until the end of the following period, or on the day recorded."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        window_end = self.period_end and self.period_end + period_step(self.kpi_id.frequency)
        recorded_today = self.create_date and fields.Date.context_today(self, self.create_date) == today
        return bool(recorded_today or (window_end and today <= window_end))

    @api.model_create_multi
    def create(self, vals_list):
        kpis = self.env["svcms.kpi"].browse({vals["kpi_id"] for vals in vals_list if vals.get("kpi_id")})
        recorded_by_system = self.env.context.get("svcms_kpi_measurement") is SYSTEM_MEASUREMENT
        if not (self.env.su or recorded_by_system) and any(kpi.source == "computed" for kpi in kpis):
            raise UserError(self.env._("Measurements of computed KPIs are recorded by the system, not by hand."))
        for vals in vals_list:
            kpi = self.env["svcms.kpi"].browse(vals.get("kpi_id"))
            if "target" in vals and vals["target"] != kpi.target:
                self._check_target_rights()
            if not self.env.su:
                # The author is whoever records the measurement, whatever the client sends.
                vals["measured_by_id"] = self.env.uid
            self._align_period(vals, kpi)
        measurements = super().create(vals_list)
        # The measurement answers the reminder the owner received for this KPI. A manager may close
        # anyone's reminder on the KPI; an owner closes their own.
        user_id = None if self.env.su or self.env.user.has_group(MANAGER_GROUP) else self.env.uid
        measurements.kpi_id.activity_feedback(["svcms_base.mail_activity_type_kpi_measurement"], user_id=user_id)
        return measurements

    def write(self, vals):
        if not self.env.su:
            self._check_evidence(set(vals))
        if "target" in vals:
            self._check_target_rights()
        if "period_start" in vals or "kpi_id" in vals:
            for measurement in self:
                kpi = self.env["svcms.kpi"].browse(vals.get("kpi_id", measurement.kpi_id.id))
                super(SvcmsKpiMeasurement, measurement).write(self._align_period(dict(vals), kpi))
            return True
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        if not self.env.su:
            self._check_evidence(None)

    def _check_evidence(self, names):
        """Refuse changing (``names``) or deleting (``None``) measurements that are evidence (see the class)."""
        self.check_access("write" if names is not None else "unlink")
        if names is not None and not names - COMMENT_FIELDS:
            return
        if "measured_by_id" in (names or ()):
            raise UserError(self.env._("The author of a measurement is whoever recorded it: it cannot be changed."))
        computed = self.filtered(lambda m: m.source == "computed")
        if computed:
            raise UserError(
                self.env._(
                    "%(measurement)s was recorded by the system for a computed KPI: it is evidence and cannot be "
                    "changed or deleted. Explain it in its note.",
                    measurement=computed[0].display_name,
                )
            )
        others = self.filtered(lambda m: m.measured_by_id != self.env.user)
        if others:
            raise UserError(
                self.env._(
                    "%(measurement)s was recorded by %(author)s: only its author may correct or delete it.",
                    measurement=others[0].display_name,
                    author=others[0].measured_by_id.name or "-",
                )
            )
        closed = self.filtered(lambda m: not m._is_open())
        if closed:
            raise UserError(
                self.env._(
                    "The period of %(measurement)s is closed: the measurement is evidence and can no longer be "
                    "corrected or deleted. Explain it in its note, or record the next period.",
                    measurement=closed[0].display_name,
                )
            )

    def _check_target_rights(self):
        # The verdict (on target or not) rests on the target: owners record values, managers set targets.
        if not self.env.su and not self.env.user.has_group("svcms_base.group_svcms_manager"):
            raise UserError(self.env._("Only a manager may change the target a measurement is judged against."))

    @api.model
    def _align_period(self, vals, kpi):
        """Move the period start to the first day of the KPI's period, so one period is one row."""
        if vals.get("period_start") and kpi:
            vals["period_start"] = period_bounds(fields.Date.to_date(vals["period_start"]), kpi.frequency)[0]
        return vals
