from odoo import api, models


class SvcmsKpiDefinition(models.Model):
    """Nonconformities and their actions are measurable (closed on time, effective at first verification)."""

    _inherit = "svcms.kpi.definition"

    @api.model
    def _svcms_kpi_models(self):
        return super()._svcms_kpi_models() | {"svcms.nonconformity", "svcms.capa.action", "svcms.improvement"}
