from odoo import api, fields, models
from odoo.exceptions import UserError


class SvcmsServiceReviewAction(models.Model):
    """An action agreed in a service review: who does what by when, followed up after the meeting."""

    _name = "svcms.service.review.action"
    _description = "Service Review Action"
    _order = "done, date_deadline, id"
    _check_company_auto = True

    review_id = fields.Many2one("svcms.service.review", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="review_id.partner_id", store=True, string="Customer")
    name = fields.Char(string="Action", required=True)
    owner_id = fields.Many2one("res.users", index=True)
    date_deadline = fields.Date(string="Due Date", index=True)
    done = fields.Boolean(readonly=True, copy=False)
    done_date = fields.Date(string="Done On", readonly=True, copy=False)
    overdue = fields.Boolean(compute="_compute_overdue")

    @api.depends("date_deadline", "done")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.overdue = not action.done and bool(action.date_deadline) and action.date_deadline < today

    def write(self, vals):
        if {"done", "done_date"} & set(vals) and not self.env.context.get("svcms_review_action_done"):
            raise UserError(self.env._("Mark review actions done with the button, not by editing."))
        if {"name", "review_id"} & set(vals) and self.filtered(lambda a: a.review_id.state == "closed"):
            raise UserError(self.env._("The review is closed: its agreed actions can no longer be reworded."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open_reviews(self):
        if self.filtered(lambda a: a.review_id.state == "closed"):
            raise UserError(self.env._("The review is closed: its agreed actions cannot be deleted."))

    def action_done(self):
        self.check_access("write")
        self.filtered(lambda a: not a.done).with_context(svcms_review_action_done=True).write(
            {"done": True, "done_date": fields.Date.context_today(self)}
        )
        return True

    def action_reopen(self):
        self.check_access("write")
        self.with_context(svcms_review_action_done=True).write({"done": False, "done_date": False})
        return True
