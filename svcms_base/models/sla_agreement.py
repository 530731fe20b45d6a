from datetime import datetime

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, date_utils
from odoo.tools.safe_eval import safe_eval

PERIOD_STEP = {
    "week": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "quarter": relativedelta(months=3),
    "year": relativedelta(years=1),
}


class SvcmsSlaAgreement(models.Model):
    """A service level agreement with a customer (ISO/IEC 20000-1 8.3.3): workload limits and exceptions.

    Requests of the customer (or of the service the filter describes) are counted per period;
    those beyond the limit are flagged on their SLA lines and left out of compliance figures, as
    are the lines covered by an approved exception.
    """

    _name = "svcms.sla.agreement"
    _description = "Service Level Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("8.3.3",), "gbt27922": ("1.4.1",)}
    _svcms_evidence_date_field = None  # the agreements in force
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    reference = fields.Char(tracking=True, help="Contract number.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        index=True,
        help="Requests of this customer and its contacts. Leave empty for a service-wide agreement.",
    )
    res_model = fields.Selection(
        selection=lambda self: self.env["svcms.sla.policy"]._selection_res_model(),
        string="Applies To",
        help="Kind of request counted; leave empty for every kind.",
    )
    domain = fields.Char(string="Service Filter", default="[]", help="Requests covered (needs 'Applies To').")
    policy_ids = fields.Many2many(
        "svcms.sla.policy", string="Committed Policies", help="The service levels this agreement commits to."
    )
    date_start = fields.Date(string="Valid From", tracking=True)
    date_end = fields.Date(string="Valid Until", tracking=True)
    workload_limit = fields.Integer(
        tracking=True, help="Requests per period covered by the service levels. 0 means no limit."
    )
    limit_period = fields.Selection(
        [("week", "Week"), ("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Per",
        required=True,
        default="month",
        tracking=True,
    )
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self.env.user.tz or "Asia/Shanghai",
        help="Periods start at midnight in this timezone.",
    )
    manager_id = fields.Many2one("res.users", string="Service Level Manager", tracking=True)
    exception_terms = fields.Html(help="Agreed exceptions: force majeure, delays caused by the customer ...")
    note = fields.Html()
    current_count = fields.Integer(string="Requests this Period", compute="_compute_current_usage")
    current_usage = fields.Float(string="Workload Used (%)", compute="_compute_current_usage")
    exception_ids = fields.One2many("svcms.sla.exception", "agreement_id", string="Exceptions")
    line_count = fields.Integer(compute="_compute_line_count", string="SLA Lines")

    _limit_positive = models.Constraint("CHECK(workload_limit >= 0)", "A workload limit cannot be negative.")
    _dates_order = models.Constraint(
        "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
        "An agreement cannot end before it starts.",
    )

    @api.constrains("domain", "res_model")
    def _check_domain(self):
        for agreement in self:
            domain = agreement._get_domain()
            if domain and not agreement.res_model:
                raise ValidationError(self.env._("A service filter needs the kind of request it applies to."))
            if agreement.res_model:
                try:
                    Domain(domain).validate(self.env[agreement.res_model].sudo())
                except Exception as error:
                    raise ValidationError(
                        self.env._(
                            "The service filter of %(name)s is not valid: %(error)s", name=agreement.name, error=error
                        )
                    ) from error

    def _get_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]")

    def _compute_line_count(self):
        groups = self.env["svcms.sla.line"]._read_group(
            [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"]
        )
        counts = {agreement.id: count for agreement, count in groups}
        for agreement in self:
            agreement.line_count = counts.get(agreement.id, 0)

    def _compute_current_usage(self):
        now = fields.Datetime.now()
        counts = self._sla_count_requests(now)
        for agreement in self:
            agreement.current_count = counts.get(agreement.id, 0)
            agreement.current_usage = (
                100.0 * agreement.current_count / agreement.workload_limit if agreement.workload_limit else 0.0
            )

    # ------------------------------------------------------------------ engine support
    def _period_bounds(self, moment):
        """[start, end) of the period holding ``moment`` (naive UTC), in naive UTC."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        local = pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)
        start = date_utils.start_of(local, self.limit_period)
        start = datetime.combine(start, datetime.min.time()) if not isinstance(start, datetime) else start
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + PERIOD_STEP[self.limit_period]
        return (
            tz.localize(start).astimezone(pytz.utc).replace(tzinfo=None),
            tz.localize(end).astimezone(pytz.utc).replace(tzinfo=None),
        )

    def _sla_count_requests(self, moment):
        """Requests already counted in the period of ``moment``: {agreement id: distinct records}, in one query."""
        counts = dict.fromkeys(self.ids, 0)
        if not self:
            return counts
        self.env["svcms.sla.line"].flush_model(["agreement_id", "request_datetime", "res_model", "res_id"])
        periods = SQL(", ").join(
            SQL("(%s, %s::timestamp, %s::timestamp)", agreement.id, *agreement._period_bounds(moment))
            for agreement in self
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT period.agreement_id, count(DISTINCT (line.res_model, line.res_id))
                  FROM (VALUES %s) AS period(agreement_id, start_at, end_at)
                  JOIN svcms_sla_line line ON line.agreement_id = period.agreement_id
                   AND line.request_datetime >= period.start_at AND line.request_datetime < period.end_at
              GROUP BY period.agreement_id
                """,
                periods,
            )
        )
        counts.update(rows)
        return counts

    @api.model
    def _sla_match(self, records, moment):
        """Agreement and workload flag of new requests: {record id: (agreement id, beyond limit)}.

        The first agreement (by sequence) covering a record wins; each record beyond the limit of
        its period is flagged, in the order the records were created.
        """
        company_field = "company_id" in records._fields
        domain = [
            "|", ("res_model", "=", False), ("res_model", "=", records._name),
            "|", ("date_start", "=", False), ("date_start", "<=", moment.date()),
            "|", ("date_end", "=", False), ("date_end", ">=", moment.date()),
        ]  # fmt: skip
        agreements = self.sudo().search(domain)
        if not agreements:
            return {}
        partner_field = records._svcms_sla_partner_field
        result = {}
        remaining = records
        for agreement in agreements:
            if not remaining:
                break
            domain = Domain(agreement._get_domain()) if agreement.res_model else Domain.TRUE
            if agreement.partner_id and partner_field:
                domain &= Domain(partner_field, "child_of", agreement.partner_id.commercial_partner_id.id)
            if company_field:
                domain &= Domain("company_id", "=", agreement.company_id.id)
            matched = remaining.with_context(active_test=False).search(domain & Domain("id", "in", remaining.ids))
            if not matched:
                continue
            remaining -= matched
            used = agreement._sla_count_requests(moment)[agreement.id] if agreement.workload_limit else 0
            for position, record_id in enumerate(sorted(matched.ids), start=1):
                over = bool(agreement.workload_limit) and used + position > agreement.workload_limit
                result[record_id] = (agreement.id, over)
        return result

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_sla_line")
        action["domain"] = [("agreement_id", "=", self.id)]
        return action
