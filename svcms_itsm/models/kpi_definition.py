import datetime

from odoo import api, fields, models
from odoo.addons.svcms_base.models.kpi_definition import kpi_method
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class SvcmsKpiDefinition(models.Model):
    _inherit = "svcms.kpi.definition"

    @api.model
    def _svcms_kpi_models(self):
        """The IT service records a KPI may measure."""
        return super()._svcms_kpi_models() | {
            "svcms.incident",
            "svcms.major.incident",
            "svcms.problem",
            "svcms.change",
            "svcms.service.fulfilment",
            "svcms.outage",
        }

    # [incidents] KPI methods of the incident area (resolved within SLA %, MTTR, first-contact resolution)
    @api.model
    def _svcms_incident_kpi(self, definition, periods, numerator=None, value_field=None, measure="ratio"):
        """One or two ``_read_group`` over the incidents the definition selects, for all periods at once."""
        model = self.env[definition.model_name]
        domain, granularity, by_company = definition._svcms_scope(model, periods)
        groupby = [f"{definition.date_field}:{granularity}"] + (["company_id"] if by_company else [])
        aggregates = ["__count"] + ([f"{value_field}:sum", f"{value_field}:count"] if value_field else [])
        buckets = self._buckets(model._read_group(domain, groupby, aggregates), by_company)
        matched = {}
        if numerator is not None:
            matched = self._buckets(
                model._read_group(Domain(domain) & Domain(numerator), groupby, ["__count"]), by_company
            )
        result = {}
        for start, end, company in periods:
            company_id = company.id if by_company else False
            totals = self._sum_buckets(buckets, start, end, company_id)
            hits = self._sum_buckets(matched, start, end, company_id)[0] if numerator is not None else 0
            result[(start, end, company.id)] = definition._result(totals, hits, measure=measure)
        return result

    @api.model
    @kpi_method(_lt("Incidents resolved within SLA (%)"), "svcms.incident")
    def _svcms_kpi_method_incident_resolved_in_sla(self, definition, periods):
        """Share of the incidents resolved in the period whose resolution target was met."""
        met = [("metric", "=", "resolution"), ("state", "=", "met"), ("breached", "=", False)]
        return self._svcms_incident_kpi(definition, periods, numerator=[("sla_line_ids", "any", met)])

    @api.model
    @kpi_method(_lt("Incident mean time to resolve (hours)"), "svcms.incident")
    def _svcms_kpi_method_incident_mttr(self, definition, periods):
        """Mean hours from the report of the incidents resolved in the period to their resolution."""
        return self._svcms_incident_kpi(definition, periods, value_field="resolution_hours", measure="avg")

    @api.model
    @kpi_method(_lt("Incidents resolved at first contact (%)"), "svcms.incident")
    def _svcms_kpi_method_incident_first_contact(self, definition, periods):
        """Share of the incidents resolved in the period by the agent who logged them, without handover."""
        return self._svcms_incident_kpi(definition, periods, numerator=[("resolved_at_first_contact", "=", True)])

    # [major incidents] KPI method of the major-incident area (major incidents per period)
    @api.model
    @kpi_method(_lt("Major incidents per period"), "svcms.major.incident")
    def _svcms_kpi_method_major_incident_count(self, definition, periods):
        """Number of major incidents whose ``date_field`` (e.g. ``declared_date``) falls in each period: one
        ``_read_group`` for all the periods and companies, on the records the definition selects."""
        model = self.env[definition.model_name]
        domain, granularity, by_company = definition._svcms_scope(model, periods)
        groupby = [f"{definition.date_field}:{granularity}"] + (["company_id"] if by_company else [])
        buckets = {}
        for key in model._read_group(domain, groupby, ["__count"]):
            day, company, count = (key[0], key[1], key[2]) if by_company else (key[0], None, key[1])
            if not day:
                continue
            if isinstance(day, datetime.datetime):
                day = day.date()
            bucket = (day, company.id if company else False)
            buckets[bucket] = tuple(
                a + b for a, b in zip(buckets.get(bucket, (0, 0.0, 0)), (count, 0.0, 0), strict=True)
            )
        return {
            (start, end, company.id): definition._result(
                definition._sum_buckets(buckets, start, end, company.id if by_company else False), 0, measure="count"
            )
            for start, end, company in periods
        }

    # [changes] KPI methods of the change area (change success rate, emergency change share)

    # [availability] KPI method of the availability area (availability % against target)
    @api.model
    @kpi_method(_lt("Service availability (%, time-weighted)"), "svcms.outage")
    def _svcms_kpi_method_availability(self, definition, periods):
        """Availability of the live services with a target, time-weighted: 100 x service hours without an
        unplanned outage / service hours, per period and company (a period still running counts until now).

        Two SQL queries for all the periods and companies: the services, then their downtime."""
        company_ids = list({company.id for _start, _end, company in periods})
        rows = self.env.execute_query(
            SQL(
                "SELECT id, company_id FROM svcms_service "
                "WHERE status = 'live' AND availability_target > 0 AND company_id = ANY(%s)",
                company_ids,
            )
        )
        services_by_company = {}
        for service_id, company_id in rows:
            services_by_company.setdefault(company_id, []).append(service_id)
        now = fields.Datetime.now()
        bounds = [
            (definition._utc_midnight(start), min(definition._utc_midnight(end), now)) for start, end, _c in periods
        ]
        downtime = self.env["svcms.outage"]._svcms_downtime([service_id for service_id, _c in rows], bounds)
        results = {}
        for index, (start, end, company) in enumerate(periods):
            services = services_by_company.get(company.id, [])
            seconds = max((bounds[index][1] - bounds[index][0]).total_seconds(), 0.0)
            total = seconds * len(services)
            down = sum(downtime.get((service_id, index), 0.0) for service_id in services)
            value = 100.0 * (total - down) / total if total else None
            results[(start, end, company.id)] = {
                "value": value,
                "numerator": round((total - down) / 3600.0, 2),
                "denominator": round(total / 3600.0, 2),
            }
        return results
