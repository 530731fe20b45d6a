from odoo import api, fields, models
from odoo.exceptions import ValidationError

ALERT_ACTIVITY = "svcms_itsm.mail_activity_type_capacity_alert"


class SvcmsCapacityPlan(models.Model):
    """The capacity of one resource a service needs (ISO/IEC 20000-1 8.4.3): people, technical
    resources (storage, lines, licences) or money, with warning and critical thresholds.

    Each measurement updates the usage and the status; when the status leaves "OK" the service
    owner gets one alert activity for that breach episode (no further alert until the usage went
    back under the warning threshold)."""

    _name = "svcms.capacity.plan"
    _description = "Capacity Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin", "svcms.lang.mixin"]
    _order = "service_id, name"
    _check_company_auto = True
    _svcms_evidence_clauses = {"iso20000": ("8.4.3",)}
    _svcms_evidence_date_field = None

    name = fields.Char(required=True, tracking=True)
    service_id = fields.Many2one("svcms.service", required=True, index=True, check_company=True, tracking=True)
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    resource_type = fields.Selection(
        [("human", "Human"), ("technical", "Technical"), ("financial", "Financial")],
        required=True,
        default="technical",
        tracking=True,
    )
    resource = fields.Char(required=True, help="e.g. mail storage, concurrent call-centre lines, service desk agents.")
    unit = fields.Char(help="e.g. GB, lines, people.")
    capacity = fields.Float(required=True, tracking=True, help="What the resource can take, in its unit.")
    warning_threshold = fields.Float(string="Warning Threshold (%)", default=80.0, tracking=True)
    critical_threshold = fields.Float(string="Critical Threshold (%)", default=95.0, tracking=True)
    forecast_id = fields.Many2one(
        "svcms.demand.forecast",
        string="Demand Forecast",
        check_company=True,
        domain="[('service_id', '=', service_id)]",
        help="The demand this capacity is planned for.",
    )
    measurement_ids = fields.One2many("svcms.capacity.measurement", "plan_id", string="Measurements")
    last_value = fields.Float(compute="_compute_last_measurement", store=True, string="Last Measured Usage")
    last_date = fields.Date(compute="_compute_last_measurement", store=True, string="Last Measured On")
    usage_percent = fields.Float(compute="_compute_status", store=True, string="Usage (%)", digits=(16, 1))
    status = fields.Selection(
        [("ok", "OK"), ("warning", "Warning"), ("critical", "Critical")],
        compute="_compute_status",
        store=True,
        tracking=True,
        index=True,
    )
    notes = fields.Text()

    _capacity_positive = models.Constraint("CHECK(capacity > 0)", "The capacity must be greater than zero.")

    @api.constrains("warning_threshold", "critical_threshold")
    def _check_thresholds(self):
        for plan in self:
            if not (0 <= plan.warning_threshold <= 100 and 0 <= plan.critical_threshold <= 100):
                raise ValidationError(
                    self.env._("Capacity plan %(plan)s: thresholds are percentages from 0 to 100.", plan=plan.name)
                )
            if plan.warning_threshold > plan.critical_threshold:
                raise ValidationError(
                    self.env._(
                        "Capacity plan %(plan)s: the warning threshold cannot be above the critical threshold.",
                        plan=plan.name,
                    )
                )

    @api.depends("measurement_ids.date", "measurement_ids.value")
    def _compute_last_measurement(self):
        for plan in self:
            last = plan.measurement_ids.sorted(lambda m: (m.date, m.id))[-1:]
            plan.last_value = last.value
            plan.last_date = last.date

    @api.depends("last_value", "last_date", "capacity", "warning_threshold", "critical_threshold")
    def _compute_status(self):
        for plan in self:
            usage = plan.last_value / plan.capacity * 100 if plan.capacity else 0.0
            plan.usage_percent = usage
            if not plan.last_date:
                plan.status = "ok"
            elif usage >= plan.critical_threshold:
                plan.status = "critical"
            elif usage >= plan.warning_threshold:
                plan.status = "warning"
            else:
                plan.status = "ok"

    def _svcms_alert(self):
        """One alert activity per plan to the service owner's user (or a note when the owner has no user)."""
        for plan in self.sudo():
            user = plan.service_id.owner_id.user_id
            addressed = plan._svcms_for_user(user)
            note = addressed.env._(
                "%(resource)s of %(service)s is at %(usage)s%% of its capacity (%(status)s).",
                resource=plan.resource,
                service=plan.service_id.display_name,
                usage=round(plan.usage_percent, 1),
                status=addressed._fields["status"].convert_to_export(plan.status, addressed),
            )
            if user:
                addressed.activity_schedule(
                    ALERT_ACTIVITY,
                    user_id=user.id,
                    summary=addressed.env.ref(ALERT_ACTIVITY).sudo().with_context(lang=addressed.env.lang).summary,
                    note=note,
                )
            else:
                plan._svcms_for_company().message_post(body=note)
