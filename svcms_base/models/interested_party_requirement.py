from odoo import fields, models


class SvcmsInterestedPartyRequirement(models.Model):
    """One need or expectation of an interested party and how the management system addresses it."""

    _name = "svcms.interested.party.requirement"
    _description = "Interested Party Requirement"
    _order = "party_id, sequence, id"
    _check_company_auto = True

    party_id = fields.Many2one(
        "svcms.interested.party", string="Interested Party", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Text(string="Requirement", required=True)
    how_addressed = fields.Text()
    clause_id = fields.Many2one("svcms.clause")
    obligation_id = fields.Many2one(
        "svcms.obligation",
        string="Compliance Obligation",
        check_company=True,
        help="Set when the requirement is a legal or contractual obligation evaluated for compliance.",
    )
    company_id = fields.Many2one(related="party_id.company_id", store=True, index=True, precompute=True)
