from odoo import fields, models
from odoo.tools import SQL


class SvcmsSlaReport(models.Model):
    """SLA performance against targets: one row per SLA line, for pivots and graphs.

    "Compliance (%)" is 100 for a target met and 0 for one breached; lines still open, cancelled,
    beyond the workload limit or covered by an approved exception have none, so its average is the
    compliance rate of ISO/IEC 20000-1 8.3.3.
    """

    _name = "svcms.sla.report"
    _description = "SLA Performance"
    _auto = False
    _order = "start_datetime desc"
    _rec_name = "target_id"

    line_id = fields.Many2one("svcms.sla.line", string="SLA Line", readonly=True)
    res_model = fields.Char(string="Record Model", readonly=True)
    policy_id = fields.Many2one("svcms.sla.policy", readonly=True)
    target_id = fields.Many2one("svcms.sla.target", readonly=True)
    metric = fields.Selection(selection=lambda self: self.env["svcms.sla.target"]._selection_metric(), readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    team_id = fields.Many2one("hr.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    agreement_id = fields.Many2one("svcms.sla.agreement", readonly=True)
    start_datetime = fields.Datetime(string="Clock Started", readonly=True)
    outcome_datetime = fields.Datetime(string="Outcome Date", readonly=True)
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
    )
    excluded = fields.Boolean(string="Excluded from Compliance", readonly=True)
    over_limit = fields.Boolean(string="Beyond Workload Limit", readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True, aggregator="sum")
    measured_count = fields.Integer(string="Measured", readonly=True, aggregator="sum")
    met_count = fields.Integer(string="Met", readonly=True, aggregator="sum")
    breached_count = fields.Integer(string="Breached", readonly=True, aggregator="sum")
    compliance = fields.Float(string="Compliance (%)", readonly=True, aggregator="avg")
    target_hours = fields.Float(string="Target (Hours)", readonly=True, aggregator="avg")
    consumed_hours = fields.Float(string="Working Hours Used", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id, l.id AS line_id, l.res_model, l.policy_id, l.target_id, l.metric, l.partner_id,
                   l.team_id, l.user_id, l.company_id, l.agreement_id, l.start_datetime, l.outcome_datetime,
                   l.state, COALESCE(l.excluded, FALSE) AS excluded, COALESCE(l.over_limit, FALSE) AS over_limit,
                   1 AS line_count,
                   %(measured)s AS measured_count,
                   CASE WHEN %(measured)s = 1 AND NOT l.breached THEN 1 ELSE 0 END AS met_count,
                   CASE WHEN %(measured)s = 1 AND l.breached THEN 1 ELSE 0 END AS breached_count,
                   CASE WHEN %(measured)s = 1 THEN (CASE WHEN l.breached THEN 0.0 ELSE 100.0 END) END AS compliance,
                   l.target_seconds / 3600.0 AS target_hours,
                   l.consumed_seconds / 3600.0 AS consumed_hours
              FROM svcms_sla_line l
            """,
            measured=SQL(
                "(CASE WHEN l.outcome_datetime IS NOT NULL AND l.state <> 'cancelled' "
                "AND NOT COALESCE(l.excluded, FALSE) THEN 1 ELSE 0 END)"
            ),
        )
