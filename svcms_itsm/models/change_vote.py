from odoo import api, fields, models
from odoo.exceptions import UserError


class SvcmsChangeVote(models.Model):
    """A board member's vote on a normal change: cast through ``svcms.change.action_vote``, never edited."""

    _name = "svcms.change.vote"
    _description = "Change Vote"
    _order = "vote_date, id"

    change_id = fields.Many2one("svcms.change", required=True, ondelete="cascade", index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Member", required=True, readonly=True)
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject"), ("abstain", "Abstain")], required=True, readonly=True
    )
    comment = fields.Text(readonly=True)
    vote_date = fields.Datetime(string="Voted On", required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one(related="change_id.company_id", store=True)

    _change_user_uniq = models.Constraint("UNIQUE(change_id, user_id)", "A member votes once on a change.")

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")
            raise UserError(self.env._("A vote cannot be changed once cast."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("A vote cannot be deleted once cast."))
