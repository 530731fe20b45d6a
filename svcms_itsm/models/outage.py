from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Unplanned downtime of each (service, period): the outages overlapping the period, clipped to it (an open
# outage lasts until the end of the period), merged where they overlap (range_agg), then summed.
DOWNTIME_SQL = """
    SELECT d.service_id, d.period, COALESCE(SUM(EXTRACT(EPOCH FROM (UPPER(d.r) - LOWER(d.r)))), 0)
      FROM (SELECT o.service_id, p.idx AS period,
                   UNNEST(RANGE_AGG(TSRANGE(GREATEST(o.date_start, p.date_from),
                                            LEAST(COALESCE(o.date_end, p.date_to), p.date_to)))) AS r
              FROM svcms_outage o
              JOIN UNNEST(%(starts)s::timestamp[], %(stops)s::timestamp[])
                   WITH ORDINALITY AS p(date_from, date_to, idx)
                ON o.date_start < p.date_to AND (o.date_end IS NULL OR o.date_end > p.date_from)
             WHERE o.service_id = ANY(%(services)s)
               AND NOT COALESCE(o.planned, FALSE)
               AND COALESCE(o.date_end, p.date_to) > o.date_start
             GROUP BY o.service_id, p.idx) d
     GROUP BY d.service_id, d.period
"""


class SvcmsOutage(models.Model):
    """A period a service was unavailable, planned (maintenance) or not (an incident) (ISO/IEC 20000-1
    8.7.1)."""

    _name = "svcms.outage"
    _description = "Service Outage"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.7.1",)}
    _svcms_evidence_date_field = "date_start"

    service_id = fields.Many2one(
        "svcms.service",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        compute="_compute_service_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    incident_id = fields.Many2one("svcms.incident", index="btree_not_null", check_company=True, tracking=True)
    incident_service_ids = fields.Many2many(related="incident_id.service_ids", string="Services of the Incident")
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    date_start = fields.Datetime(string="Start", required=True, index=True, tracking=True)
    date_end = fields.Datetime(string="End", tracking=True, help="Empty while the service is still down.")
    planned = fields.Boolean(
        tracking=True, help="A planned maintenance window, not counted against the availability target."
    )
    description = fields.Text()
    duration_hours = fields.Float(
        string="Duration (Hours)", compute="_compute_duration_hours", store=True, digits=(16, 2), aggregator="sum"
    )

    @api.model
    def default_get(self, fields_list):
        """Opened from an incident ("Record Outage"): its first service, its report and resolution times."""
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "svcms.incident" and context.get("active_id"):
            incident = self.env["svcms.incident"].browse(context["active_id"])
            values.setdefault("incident_id", incident.id)
            values.setdefault("service_id", incident.service_ids[:1].id)
            values.setdefault("date_start", incident.date_reported)
            if incident.resolved_date:
                values.setdefault("date_end", incident.resolved_date)
        return values

    @api.depends("incident_id")
    def _compute_service_id(self):
        for outage in self:
            if not outage.service_id and outage.incident_id:
                outage.service_id = outage.incident_id.service_ids[:1]

    @api.depends("date_start", "date_end")
    def _compute_duration_hours(self):
        for outage in self:
            if outage.date_start and outage.date_end:
                outage.duration_hours = (outage.date_end - outage.date_start).total_seconds() / 3600.0
            else:
                outage.duration_hours = 0.0

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for outage in self:
            if outage.date_end and outage.date_start and outage.date_end < outage.date_start:
                raise ValidationError(
                    self.env._(
                        "The outage of %(service)s cannot end (%(end)s) before it starts (%(start)s).",
                        service=outage.service_id.display_name,
                        end=outage.date_end,
                        start=outage.date_start,
                    )
                )

    @api.depends("service_id", "date_start")
    def _compute_display_name(self):
        for outage in self:
            outage.display_name = f"{outage.service_id.display_name or ''} {outage.date_start or ''}".strip()

    # ------------------------------------------------------------------ availability

    @api.model
    def _svcms_downtime(self, service_ids, periods):
        """``{(service id, period index): unplanned downtime in seconds}`` for ``periods`` (a list of
        ``(date_from, date_to)`` naive UTC datetimes; index from 0). One SQL query for everything."""
        if not service_ids or not periods:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                DOWNTIME_SQL,
                starts=[start for start, _stop in periods],
                stops=[stop for _start, stop in periods],
                services=list(service_ids),
            )
        )
        return {(service_id, index - 1): float(seconds) for service_id, index, seconds in rows}

    def _svcms_availability(self, services, date_from, date_to):
        """``{service id: availability %}`` of ``services`` between two datetimes: the share of the period not
        covered by unplanned outages (overlaps merged, clipped to the period, an open outage lasting to its end).
        One SQL query."""
        total = (date_to - date_from).total_seconds()
        if total <= 0:
            return dict.fromkeys(services.ids, 100.0)
        downtime = self._svcms_downtime(services.ids, [(date_from, date_to)])
        return {service.id: 100.0 * (total - downtime.get((service.id, 0), 0.0)) / total for service in services}
