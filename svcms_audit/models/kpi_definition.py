from odoo import api, models


class SvcmsKpiDefinition(models.Model):
    _inherit = "svcms.kpi.definition"

    @api.model
    def _svcms_kpi_models(self):
        """The audit addon's measurable records: audits and programmes (programme completion), nonconformities and
        actions (closed on time, effective at first verification), improvements, evaluations (score)."""
        return super()._svcms_kpi_models() | {
            "svcms.audit",
            "svcms.audit.programme",
            "svcms.nonconformity",
            "svcms.capa.action",
            "svcms.improvement",
            "svcms.evaluation",
        }
