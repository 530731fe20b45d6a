from odoo import api, fields, models


class SvcmsCapacityMeasurement(models.Model):
    """One reading of a capacity plan's resource (used storage, busy lines ...)."""

    _name = "svcms.capacity.measurement"
    _description = "Capacity Measurement"
    _order = "date desc, id desc"

    plan_id = fields.Many2one("svcms.capacity.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Float(required=True, help="Usage in the plan's unit.")
    unit = fields.Char(related="plan_id.unit")
    note = fields.Char()

    _value_positive = models.Constraint("CHECK(value >= 0)", "A measured usage cannot be negative.")

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["svcms.capacity.plan"].browse({vals["plan_id"] for vals in vals_list if vals.get("plan_id")})
        # a breach episode starts when the status leaves "OK": alert then, and only then
        before = {plan.id: plan.status for plan in plans.sudo()}
        measurements = super().create(vals_list)
        breached = measurements.plan_id.filtered(lambda p: p.status != "ok" and before.get(p.id) in ("ok", False))
        breached._svcms_alert()
        return measurements
