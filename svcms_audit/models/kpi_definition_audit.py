from odoo import api, models


class SvcmsKpiDefinition(models.Model):
    _inherit = "svcms.kpi.definition"

    @api.model
    def _svcms_kpi_models(self):
        """Audits and their programmes are measurable (audit programme completion %)."""
        return super()._svcms_kpi_models() | {"svcms.audit", "svcms.audit.programme"}
