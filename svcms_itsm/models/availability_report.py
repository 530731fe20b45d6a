from odoo import fields, models, tools
from odoo.tools import SQL


class SvcmsAvailabilityReport(models.Model):
    """Availability of each live service with a target, per calendar month (UTC) of the last two years, against
    its target (ISO/IEC 20000-1 8.7.1). A database view: unplanned outages clipped to the month (the current
    month until now), overlapping ones merged."""

    _name = "svcms.availability.report"
    _description = "Availability per Service and Month"
    _auto = False
    _order = "month desc, service_id"

    service_id = fields.Many2one("svcms.service", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(readonly=True)
    target = fields.Float(string="Target (%)", readonly=True, digits=(5, 3), aggregator="avg")
    availability = fields.Float(string="Availability (%)", readonly=True, digits=(6, 3), aggregator="avg")
    downtime_hours = fields.Float(string="Unplanned Downtime (Hours)", readonly=True, digits=(16, 2))
    target_met = fields.Boolean(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                WITH months AS (
                    SELECT m::timestamp AS date_from,
                           LEAST(m + INTERVAL '1 month', NOW() AT TIME ZONE 'UTC')::timestamp AS date_to
                      FROM GENERATE_SERIES(DATE_TRUNC('month', NOW() AT TIME ZONE 'UTC') - INTERVAL '23 months',
                                           DATE_TRUNC('month', NOW() AT TIME ZONE 'UTC'),
                                           INTERVAL '1 month') AS m
                ),
                down AS (
                    SELECT x.service_id, x.date_from, SUM(EXTRACT(EPOCH FROM (UPPER(x.r) - LOWER(x.r)))) AS seconds
                      FROM (SELECT o.service_id, m.date_from,
                                   UNNEST(RANGE_AGG(TSRANGE(GREATEST(o.date_start, m.date_from),
                                                            LEAST(COALESCE(o.date_end, m.date_to), m.date_to)))) AS r
                              FROM svcms_outage o
                              JOIN months m
                                ON o.date_start < m.date_to AND (o.date_end IS NULL OR o.date_end > m.date_from)
                             WHERE NOT COALESCE(o.planned, FALSE)
                             GROUP BY o.service_id, m.date_from) x
                     GROUP BY x.service_id, x.date_from
                ),
                figures AS (
                    SELECT s.id AS service_id, s.company_id, m.date_from, s.availability_target AS target,
                           COALESCE(d.seconds, 0) AS seconds,
                           EXTRACT(EPOCH FROM (m.date_to - m.date_from)) AS period_seconds
                      FROM svcms_service s
                     CROSS JOIN months m
                      LEFT JOIN down d ON d.service_id = s.id AND d.date_from = m.date_from
                     WHERE s.status = 'live' AND s.availability_target > 0
                )
                SELECT f.service_id * 10000
                           + (EXTRACT(YEAR FROM f.date_from)::int - 2000) * 12
                           + EXTRACT(MONTH FROM f.date_from)::int AS id,
                       f.service_id, f.company_id, f.date_from::date AS month, f.target,
                       f.seconds / 3600.0 AS downtime_hours,
                       CASE WHEN f.period_seconds > 0
                            THEN 100.0 * (f.period_seconds - f.seconds) / f.period_seconds ELSE 100.0 END
                           AS availability,
                       CASE WHEN f.period_seconds > 0
                            THEN 100.0 * (f.period_seconds - f.seconds) / f.period_seconds ELSE 100.0 END
                           >= f.target AS target_met
                  FROM figures f
                )
                """,
                SQL.identifier(self._table),
            )
        )
