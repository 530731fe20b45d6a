from odoo import api, fields, models
from odoo.addons.svcms_base.models.kpi_definition import kpi_method
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

    # [major incidents] KPI method of the major-incident area (major incidents per period)

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
