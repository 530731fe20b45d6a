from collections import defaultdict

from odoo import models

# What a message says and where it belongs; starring, pinning and notifications stay personal bookkeeping.
CONTENT_KEYS = frozenset(
    {
        "body",
        "subject",
        "attachment_ids",
        "tracking_value_ids",
        "author_id",
        "author_guest_id",
        "email_from",
        "date",
        "message_type",
        "subtype_id",
        "model",
        "res_id",
        "parent_id",
        "partner_ids",
        "is_internal",
        "record_name",
    }
)


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _svcms_check_evidence_unlocked(self):
        """Messages (and their tracking values) on SVCMS records that lock their chatter are evidence."""
        if self.env.su or not self:
            return
        ids_by_model = defaultdict(set)
        for message in self.sudo():
            if message.model and message.res_id:
                ids_by_model[message.model].add(message.res_id)
        for model_name, res_ids in ids_by_model.items():
            model = self.env.get(model_name)
            if model is not None and getattr(model, "_svcms_lock_chatter", False):
                model.browse(res_ids)._svcms_check_chatter_unlocked()

    def write(self, vals):
        if CONTENT_KEYS & set(vals):
            self._svcms_check_evidence_unlocked()
        return super().write(vals)

    def unlink(self):
        self._svcms_check_evidence_unlocked()
        return super().unlink()
