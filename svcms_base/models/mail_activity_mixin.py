from odoo import fields, models


class MailActivityMixin(models.AbstractModel):
    _inherit = "mail.activity.mixin"

    def _svcms_schedule_activities_once(self, activity_type, values_of):
        """Reminders of the crons: one activity of ``activity_type`` on each record of ``self`` that has none
        open yet, all created at once. ``values_of(record)`` gives the activity's ``user_id``, ``summary`` and
        optionally ``date_deadline`` (default today), or ``None`` to skip the record.

        Two workers: the crons call this inside ``_svcms_cron_process``, which processes only the records
        the worker took (``take_for_cron``), so the check of open activities cannot race with the other
        worker's creation.

        :return: the records that got an activity
        """
        if not self:
            return self
        Activity = self.env["mail.activity"].sudo()
        pending = set(
            Activity.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list, scheduled = [], []
        for record in self.filtered(lambda r: r.id not in pending):
            values = values_of(record)
            if values is None:
                continue
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "date_deadline": fields.Date.context_today(record),
                    "automated": True,
                    **values,
                }
            )
            scheduled.append(record.id)
        Activity.create(vals_list)
        return self.browse(scheduled)
