from odoo import api, fields, models
from odoo.exceptions import UserError

from .kpi import period_bounds

# Fields the system fills for computed KPIs; nobody types them by hand.
COMPUTED_VALUE_FIELDS = {"kpi_id", "period_start", "value", "has_value", "numerator", "denominator"}


class SvcmsKpiMeasurement(models.Model):
    """The value of a KPI over one period (one month, quarter or year): the history the objectives rest on."""

    _name = "svcms.kpi.measurement"
    _description = "KPI Measurement"
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
        string="Has Value",
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
    on_target = fields.Boolean(compute="_compute_on_target", store=True, index=True, string="On Target")
    note = fields.Text()
    measured_by_id = fields.Many2one("res.users", string="Measured By", default=lambda self: self.env.user)

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

    @api.model_create_multi
    def create(self, vals_list):
        kpis = self.env["svcms.kpi"].browse({vals["kpi_id"] for vals in vals_list if vals.get("kpi_id")})
        if not self.env.su and any(kpi.source == "computed" for kpi in kpis):
            raise UserError(self.env._("Measurements of computed KPIs are recorded by the system, not by hand."))
        for vals in vals_list:
            kpi = self.env["svcms.kpi"].browse(vals.get("kpi_id"))
            if "target" in vals and vals["target"] != kpi.target:
                self._check_target_rights()
            self._align_period(vals, kpi)
        measurements = super().create(vals_list)
        # The measurement answers the reminder the owner received for this KPI.
        measurements.kpi_id.sudo().activity_feedback(["svcms_base.mail_activity_type_kpi_measurement"])
        return measurements

    def write(self, vals):
        if not self.env.su and COMPUTED_VALUE_FIELDS & set(vals) and self.filtered(lambda m: m.source == "computed"):
            raise UserError(self.env._("Measurements of computed KPIs are recorded by the system, not by hand."))
        if "target" in vals:
            self._check_target_rights()
        if "period_start" in vals or "kpi_id" in vals:
            for measurement in self:
                kpi = self.env["svcms.kpi"].browse(vals.get("kpi_id", measurement.kpi_id.id))
                super(SvcmsKpiMeasurement, measurement).write(self._align_period(dict(vals), kpi))
            return True
        return super().write(vals)

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
