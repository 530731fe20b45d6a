from odoo import api, models


class SvcmsKpiDefinition(models.Model):
    _inherit = "svcms.kpi.definition"

    @api.model
    def _svcms_kpi_models(self):
        """After-sales records KPIs may measure (see the contract in svcms_base's kpi_definition.py)."""
        return super()._svcms_kpi_models() | {
            "svcms.service.request",
            "svcms.service.request.part",
            "svcms.return.order",
            "svcms.recall",
            "svcms.recall.line",
            "svcms.return.visit",
            "svcms.installation.check",
            "svcms.maintenance.plan",
            "svcms.care.event",
            "svcms.defect.disclosure",
            "svcms.disposal",
            "svcms.service.outlet",
            "svcms.technician",
        }
