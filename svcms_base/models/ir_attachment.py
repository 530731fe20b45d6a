from collections import defaultdict

from odoo import models

# Keys Odoo writes on attachments for its own bookkeeping (portal links): never evidence.
BOOKKEEPING_KEYS = frozenset({"access_token"})


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _svcms_check_evidence_unlocked(self):
        """Attachments of SVCMS records that lock their chatter (effective documents ...) are evidence."""
        if self.env.su or not self:
            return
        ids_by_model = defaultdict(set)
        for attachment in self.sudo():
            if attachment.res_model and attachment.res_id:
                ids_by_model[attachment.res_model].add(attachment.res_id)
        for model_name, res_ids in ids_by_model.items():
            model = self.env.get(model_name)
            if model is not None and getattr(model, "_svcms_lock_chatter", False):
                model.browse(res_ids)._svcms_check_chatter_unlocked()

    def write(self, vals):
        if set(vals) - BOOKKEEPING_KEYS:
            self._svcms_check_evidence_unlocked()
        return super().write(vals)

    def unlink(self):
        self._svcms_check_evidence_unlocked()
        return super().unlink()
