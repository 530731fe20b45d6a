from odoo import api, models


class SvcmsKpiDefinition(models.Model):
    _inherit = "svcms.kpi.definition"

    @api.model
    def _svcms_kpi_models(self):
        """GB/T 27922 evaluations are measurable (KPI "evaluation score", data/evaluation_data.xml)."""
        return super()._svcms_kpi_models() | {"svcms.evaluation"}
