from odoo import api, fields, models

# Parties that belong to the organisation; everyone else is external by default.
INTERNAL_PARTY_TYPES = ("employee", "shareholder", "management")


class SvcmsInterestedParty(models.Model):
    """A party whose needs and expectations the management system must understand (clause 4.2)."""

    _name = "svcms.interested.party"
    _description = "Interested Party"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("4.2",)}
    _svcms_evidence_date_field = None  # the register of interested parties as it stands
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        check_company=True,
        help="Optional: the partner record of this party (a regulator, a dealer, a key customer).",
    )
    party_type = fields.Selection(
        [
            ("customer", "Customer"),
            ("dealer", "Dealer / Distributor"),
            ("service_partner", "Outsourced Service Partner"),
            ("supplier", "Supplier"),
            ("employee", "Employee"),
            ("management", "Top Management"),
            ("shareholder", "Shareholder"),
            ("regulator", "Regulator"),
            ("community", "Community"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="customer",
        tracking=True,
    )
    origin = fields.Selection(
        [("internal", "Internal"), ("external", "External")],
        string="Internal / External",
        compute="_compute_origin",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    relevance = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=True,
        default="medium",
        tracking=True,
        help="How strongly this party's requirements affect the management system.",
    )
    management_system_ids = fields.Many2many("svcms.management.system", string="Management Systems", check_company=True)
    requirement_ids = fields.One2many(
        "svcms.interested.party.requirement", "party_id", string="Requirements", copy=True
    )
    requirement_count = fields.Integer(compute="_compute_requirement_count")
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, index=True, tracking=True)
    review_date = fields.Date(string="Next Review Date", tracking=True)
    notes = fields.Text()
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    @api.depends("party_type")
    def _compute_origin(self):
        for party in self:
            party.origin = "internal" if party.party_type in INTERNAL_PARTY_TYPES else "external"

    @api.depends("requirement_ids")
    def _compute_requirement_count(self):
        for party in self:
            party.requirement_count = len(party.requirement_ids)
