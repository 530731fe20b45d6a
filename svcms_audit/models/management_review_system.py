from odoo import models


class SvcmsManagementSystem(models.Model):
    """The management review reminder processes management systems (failures recorded on them)."""

    _name = "svcms.management.system"
    _inherit = ["svcms.management.system", "svcms.cron.failure.mixin", "svcms.lang.mixin"]

    def _svcms_schedule_review_reminder(self):
        activity_xmlid = "svcms_audit.mail_activity_type_management_review_due"
        for system in self:
            user = system.representative_id.user_id
            addressed = system._svcms_for_user(user)
            addressed.activity_schedule(
                activity_xmlid,
                user_id=user.id,
                note=addressed.env._(
                    "No approved management review of %(system)s in the last twelve months: plan one.",
                    system=system.display_name,
                ),
            )
