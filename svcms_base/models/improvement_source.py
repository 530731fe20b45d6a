"""Where improvement proposals come from: one entry point for every record type that detects one.

A missed service level, a survey trend, a review action ... call::

    self.env["svcms.improvement.source"]._svcms_propose_improvement(title, description, source_record)

Without svcms_audit, the proposal is an activity "propose an improvement" on ``source_record`` for
each service management manager (the management representative), in that manager's language. With
svcms_audit installed it becomes a draft ``svcms.improvement`` in the continual improvement register.
"""

from odoo import api, models

MANAGER_GROUP = "svcms_base.group_svcms_manager"


class SvcmsImprovementSource(models.AbstractModel):
    _name = "svcms.improvement.source"
    _inherit = ["svcms.lang.mixin"]
    _description = "Source of Improvement Proposals"

    @api.model
    def _svcms_improvement_reviewers(self, source_record):
        company = source_record.company_id if "company_id" in source_record._fields else self.env.company
        users = self.env.ref(MANAGER_GROUP).sudo().all_user_ids
        return users.filtered(lambda u: u.active and not u.share and (not company or company in u.company_ids))

    @api.model
    def _svcms_propose_improvement(self, title, description, source_record):
        """Propose an improvement from ``source_record`` (one record with ``mail.activity.mixin``).

        :param title: short title of the proposal, already in the reader's language or neutral
        :param description: plain text or HTML explaining why
        :return: what was created (activities here; an ``svcms.improvement`` with svcms_audit)
        """
        source_record.ensure_one()
        activities = self.env["mail.activity"]
        for user in self._svcms_improvement_reviewers(source_record):
            addressed = (
                source_record.sudo()._svcms_for_user(user)
                if hasattr(source_record, "_svcms_for_user")
                else (source_record.sudo().with_context(lang=user.lang or self.env.lang))
            )
            activities |= addressed.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=addressed.env._("Propose an improvement: %(title)s", title=title),
                note=description,
            )
        return activities
