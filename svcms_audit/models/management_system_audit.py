from odoo import fields, models

from .audit import DUE_MONTHS

# how long before the due date the people in charge are reminded
REMIND_DAYS = 30


class SvcmsManagementSystem(models.Model):
    _name = "svcms.management.system"
    _inherit = ["svcms.management.system", "svcms.cron.failure.mixin", "svcms.lang.mixin"]

    def _svcms_remind_evaluations_due(self):
        """GB/T 27922: an activity for the management representative when a supervisory evaluation (yearly) or a
        re-evaluation (every three years) falls due within a month and none is planned."""
        Audit = self.env["svcms.audit"].sudo()
        due_dates = Audit._svcms_evaluation_due_dates(self)
        horizon = fields.Date.add(fields.Date.context_today(self), days=REMIND_DAYS)
        planned = {
            (system.id, audit_type)
            for system, audit_type in Audit._read_group(
                [
                    ("management_system_id", "in", self.ids),
                    ("audit_type", "in", list(DUE_MONTHS)),
                    ("state", "in", ("draft", "in_progress", "reported")),
                ],
                ["management_system_id", "audit_type"],
            )
        }
        activity_xmlids = {
            "supervisory": "svcms_audit.mail_activity_supervisory_due",
            "re_evaluation": "svcms_audit.mail_activity_re_evaluation_due",
        }
        for system in self:
            user = system.representative_id.user_id or system.create_uid
            for audit_type, activity_xmlid in activity_xmlids.items():
                activity_type = self.env.ref(activity_xmlid)
                due = due_dates[system.id, audit_type]
                if due > horizon or (system.id, audit_type) in planned:
                    continue
                if system.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t):
                    continue
                addressed = system._svcms_for_user(user)
                labels = dict(Audit._fields["audit_type"]._description_selection(addressed.env))
                addressed.activity_schedule(
                    activity_xmlid,
                    date_deadline=max(due, fields.Date.context_today(self)),
                    user_id=user.id,
                    summary=addressed.env._(
                        "%(type)s of %(system)s due on %(date)s",
                        type=labels[audit_type],
                        system=system.display_name,
                        date=fields.Date.to_string(due),
                    ),
                )
