"""The language and time zone of text the server writes (crons, engine hooks, automatic notes).

A scheduled action runs without a language: left alone, every activity summary and chatter note it
writes is English and every time in it is UTC. Server code writes its text through these helpers:

``records._svcms_for_user(user)``
    ``records`` in the language and time zone of ``user``: activity summaries and notifications
    addressed to one person.
``records._svcms_for_company()``
    ``records`` in the language and time zone of their company (its partner): automated notes on
    the record, read by everybody who follows it.
``records._svcms_for_partner(partner)``
    ``records`` in the language of a customer (messages and mails to customers).
``records._svcms_datetime(value)``
    ``value`` (naive UTC) as text in the time zone of ``records``' context (set by the helpers above).
"""

from odoo import api, models
from odoo.tools import format_datetime


class SvcmsLangMixin(models.AbstractModel):
    _name = "svcms.lang.mixin"
    _description = "SVCMS Language of Server Messages"

    @api.model
    def _svcms_default_lang(self):
        return self.env.lang or self.env.company.partner_id.lang or "en_US"

    def _svcms_company(self):
        company = self[:1].company_id if "company_id" in self._fields else self.env["res.company"]
        return company.sudo() or self.env.company.sudo()

    def _svcms_for_user(self, user):
        """``self`` in the language and time zone of ``user`` (res.users, the first one counts)."""
        user = user[:1].sudo()
        if not user:
            return self._svcms_for_company()
        company = self._svcms_company()
        return self.with_context(
            lang=user.lang or company.partner_id.lang or self._svcms_default_lang(),
            tz=user.tz or company.partner_id.tz or self.env.context.get("tz") or "UTC",
        )

    def _svcms_for_partner(self, partner):
        """``self`` in the language and time zone of a customer or any contact."""
        partner = partner[:1].sudo()
        company = self._svcms_company()
        return self.with_context(
            lang=partner.lang or company.partner_id.lang or self._svcms_default_lang(),
            tz=partner.tz or company.partner_id.tz or self.env.context.get("tz") or "UTC",
        )

    def _svcms_for_company(self):
        """``self`` in the language and time zone of its company (the current company for other models)."""
        return self._svcms_for_partner(self._svcms_company().partner_id)

    def _svcms_datetime(self, value, dt_format="yyyy-MM-dd HH:mm"):
        """A naive UTC datetime as text in the time zone (and language) of ``self``'s context."""
        if not value:
            return "-"
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        return format_datetime(self.env, value, tz=tz, dt_format=dt_format)
