from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsCab(models.Model):
    """A change advisory board: its members vote on normal changes, in order or all at once."""

    _name = "svcms.cab"
    _description = "Change Advisory Board"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    member_ids = fields.One2many("svcms.cab.member", "cab_id", string="Members")
    quorum = fields.Integer(
        default=2, required=True, tracking=True, help="Approvals needed to approve a change; one rejection rejects it."
    )
    voting = fields.Selection(
        [("parallel", "Parallel"), ("sequential", "Sequential")],
        required=True,
        default="parallel",
        tracking=True,
        help="Sequential: members vote one after the other, in the order of the list.",
    )

    @api.constrains("quorum", "member_ids")
    def _check_quorum(self):
        for cab in self:
            if cab.quorum < 1 or (cab.member_ids and cab.quorum > len(cab.member_ids)):
                raise ValidationError(
                    self.env._(
                        "The quorum of %(cab)s must be between 1 and its number of members (%(count)s).",
                        cab=cab.name,
                        count=len(cab.member_ids),
                    )
                )
