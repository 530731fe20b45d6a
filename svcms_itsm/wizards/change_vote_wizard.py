from odoo import fields, models


class SvcmsChangeVoteWizard(models.TransientModel):
    """Asks a board member for the comment of the vote they cast."""

    _name = "svcms.change.vote.wizard"
    _description = "Vote on a Change"

    change_id = fields.Many2one("svcms.change", required=True, readonly=True)
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject"), ("abstain", "Abstain")], required=True, readonly=True
    )
    comment = fields.Text()
    conflict_warning = fields.Text(related="change_id.conflict_warning")

    def action_confirm(self):
        self.ensure_one()
        self.change_id.action_vote(self.decision, self.comment)
        return {"type": "ir.actions.act_window_close"}
