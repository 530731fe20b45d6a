from odoo import api, models


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
