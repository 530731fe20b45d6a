from odoo import api, models

# record types whose proposals are "missed service level" in the improvement register
SLA_SOURCES = {"svcms.sla.agreement", "svcms.sla.line", "svcms.service.report"}


class SvcmsImprovementSource(models.AbstractModel):
    """With the audit module, a proposal is a draft improvement opportunity in the register (10.2)."""

    _inherit = "svcms.improvement.source"

    @api.model
    def _svcms_propose_improvement(self, title, description, source_record):
        source_record.ensure_one()
        Improvement = self.env["svcms.improvement"]
        if source_record._name in SLA_SOURCES:
            source_type = "sla"
        elif source_record._name == "svcms.complaint":
            source_type = "complaint"
        else:
            source_type = "other"
        values = {"name": title, "description": description, "source_type": source_type}
        if source_record._name in dict(Improvement._selection_source_models()):
            values["source_ref"] = f"{source_record._name},{source_record.id}"
        if "company_id" in source_record._fields and source_record.company_id:
            values["company_id"] = source_record.company_id.id
        return Improvement.sudo().create(values)
