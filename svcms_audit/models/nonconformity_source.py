from odoo import models


class SvcmsNonconformitySource(models.AbstractModel):
    """The records nonconformities are raised from count them (``source_ref``), one aggregate per batch."""

    _inherit = "svcms.nonconformity.source"

    def _compute_nonconformity_count(self):
        records = self.filtered("id")
        (self - records).nonconformity_count = 0
        if not records:
            return
        counts = self.env["svcms.nonconformity"]._svcms_counts_by_source(
            {f"{record._name},{record.id}" for record in records}
        )
        for record in records:
            record.nonconformity_count = counts.get(f"{record._name},{record.id}", 0)
