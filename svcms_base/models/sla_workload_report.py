from odoo import fields, models
from odoo.tools import SQL


class SvcmsSlaWorkloadReport(models.Model):
    """Workload against agreed limits: requests per agreement and period (ISO/IEC 20000-1 8.3.3)."""

    _name = "svcms.sla.workload.report"
    _description = "Workload vs Limits"
    _auto = False
    _order = "period_start desc, agreement_id"
    _rec_name = "agreement_id"

    agreement_id = fields.Many2one("svcms.sla.agreement", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    limit_period = fields.Selection(
        [("week", "Week"), ("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Per",
        readonly=True,
    )
    period_start = fields.Date(readonly=True)
    request_count = fields.Integer(string="Requests", readonly=True, aggregator="sum")
    over_limit_count = fields.Integer(string="Beyond Limit", readonly=True, aggregator="sum")
    workload_limit = fields.Integer(string="Limit", readonly=True, aggregator="max")
    utilization = fields.Float(string="Workload Used (%)", readonly=True, aggregator="max")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT min(l.id) AS id, a.id AS agreement_id, a.partner_id, a.company_id, a.limit_period,
                   date_trunc(a.limit_period, l.request_datetime AT TIME ZONE 'UTC' AT TIME ZONE a.tz)::date
                       AS period_start,
                   count(DISTINCT (l.res_model, l.res_id)) AS request_count,
                   count(DISTINCT (l.res_model, l.res_id)) FILTER (WHERE l.over_limit) AS over_limit_count,
                   a.workload_limit,
                   CASE WHEN a.workload_limit > 0
                        THEN 100.0 * count(DISTINCT (l.res_model, l.res_id)) / a.workload_limit END AS utilization
              FROM svcms_sla_line l
              JOIN svcms_sla_agreement a ON a.id = l.agreement_id
             WHERE l.request_datetime IS NOT NULL
          GROUP BY a.id, period_start
            """
        )
