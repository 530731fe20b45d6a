from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsCabMember(models.Model):
    """A seat on a change advisory board."""

    _name = "svcms.cab.member"
    _description = "Change Advisory Board Member"
    _order = "cab_id, sequence, id"

    cab_id = fields.Many2one("svcms.cab", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one(
        "res.users",
        string="Member",
        required=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref("svcms_itsm.group_itsm_cab").id)],
    )
    is_chair = fields.Boolean(string="Chair")
    company_id = fields.Many2one(related="cab_id.company_id", store=True)

    _user_uniq = models.Constraint("UNIQUE(cab_id, user_id)", "A user sits once on a board.")

    @api.constrains("user_id")
    def _check_cab_group(self):
        for member in self:
            if not member.user_id.has_group("svcms_itsm.group_itsm_cab"):
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a CAB member (group “CAB Member”) and cannot sit on a board.",
                        user=member.user_id.name,
                    )
                )
