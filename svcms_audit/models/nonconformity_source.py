from odoo import models


class SvcmsNonconformitySource(models.AbstractModel):
    """The records nonconformities are raised from count them (``source_ref``), one aggregate per batch."""

    _inherit = "svcms.nonconformity.source"

    def _compute_nonconformity_count(self):
        Nonconformity = self.env["svcms.nonconformity"]
        # users who may not read nonconformities (technicians, returns clerks) see none, never an error
        records = self.filtered("id") if Nonconformity.has_access("read") else self.browse()
        (self - records).nonconformity_count = 0
        if not records:
            return
        counts = Nonconformity._svcms_counts_by_source({f"{record._name},{record.id}" for record in records})
        for record in records:
            record.nonconformity_count = counts.get(f"{record._name},{record.id}", 0)
