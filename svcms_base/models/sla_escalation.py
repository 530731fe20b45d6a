from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsSlaEscalation(models.Model):
    """Who is told, and when, as a target runs late."""

    _name = "svcms.sla.escalation"
    _description = "SLA Escalation Step"
    _order = "target_id, sequence, id"

    target_id = fields.Many2one("svcms.sla.target", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    trigger = fields.Selection(
        [
            ("percent", "Share of Target Consumed"),
            ("after_breach", "After Breach"),
        ],
        required=True,
        default="after_breach",
    )
    percent = fields.Float(string="At (%)", default=100.0, help="Share of the target's working time consumed.")
    delay = fields.Float(
        string="Delay (Hours)",
        help="Working hours after the deadline (wall-clock hours when the policy notifies outside working hours).",
    )
    notify = fields.Selection(
        [
            ("responsible", "Responsible of the Record"),
            ("manager", "Manager of the Responsible or Team"),
            ("users", "Specific Users"),
            ("group", "Members of a Group"),
        ],
        required=True,
        default="manager",
    )
    user_ids = fields.Many2many("res.users", string="Users")
    group_id = fields.Many2one("res.groups")
    note = fields.Text(translate=True, help="Instructions for the person notified.")

    @api.constrains("trigger", "percent", "delay", "notify", "user_ids", "group_id")
    def _check_step(self):
        for step in self:
            if step.trigger == "percent" and step.percent <= 0:
                raise ValidationError(self.env._("An escalation at a share of the target needs a positive share."))
            if step.trigger == "after_breach" and step.delay < 0:
                raise ValidationError(self.env._("An escalation cannot happen before the breach it follows."))
            if step.notify == "users" and not step.user_ids:
                raise ValidationError(self.env._("Name the users to notify."))
            if step.notify == "group" and not step.group_id:
                raise ValidationError(self.env._("Name the group to notify."))

    @api.depends("trigger", "percent", "delay", "notify")
    def _compute_display_name(self):
        notify = dict(self._fields["notify"]._description_selection(self.env))
        for step in self:
            when = (
                self.env._("at %s%%", round(step.percent))
                if step.trigger == "percent"
                else self.env._("%s h after breach", step.delay)
            )
            step.display_name = f"{when}: {notify.get(step.notify, '')}"
