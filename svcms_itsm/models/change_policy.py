from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsChangePolicy(models.Model):
    """The change management policy of a company (ISO/IEC 20000-1 8.5.1.1): what is under change control,
    what makes a change of major impact, how risk scores map to levels and who approves emergency changes."""

    _name = "svcms.change.policy"
    _description = "Change Management Policy"
    _inherit = ["mail.thread"]
    _order = "company_id, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    controlled_ci_type_ids = fields.Many2many(
        "svcms.ci.type",
        "svcms_change_policy_controlled_type_rel",
        string="CI Types Under Change Control",
        help="Configuration items of these types change only through a change record.",
    )
    major_if_critical_service = fields.Boolean(
        string="Critical Service Means Major Impact",
        default=True,
        tracking=True,
        help="A change affecting a service of critical criticality has a major impact.",
    )
    major_customer_threshold = fields.Integer(
        string="Major Impact Above Customers",
        default=10,
        tracking=True,
        help="A change whose impact analysis reaches more customers than this has a major impact (0: no limit).",
    )
    major_ci_type_ids = fields.Many2many(
        "svcms.ci.type",
        "svcms_change_policy_major_type_rel",
        string="Major Impact CI Types",
        help="A change on a configuration item of these types has a major impact.",
    )
    risk_medium_score = fields.Integer(string="Medium Risk From Score", default=4, tracking=True)
    risk_high_score = fields.Integer(string="High Risk From Score", default=8, tracking=True)
    emergency_definition = fields.Text(
        string="What Counts as an Emergency",
        help="The situations in which a change may follow the emergency procedure.",
    )
    emergency_user_ids = fields.Many2many(
        "res.users", "svcms_change_policy_emergency_user_rel", string="Emergency Change Authority"
    )
    emergency_group_id = fields.Many2one(
        "res.groups",
        string="Emergency Authority Group",
        help="Members of this group may also approve emergency changes.",
    )
    cab_id = fields.Many2one(
        "svcms.cab", string="Default Change Advisory Board", check_company=True, help="Decides normal changes."
    )

    _company_uniq = models.Constraint("UNIQUE(company_id)", "A company has one change management policy.")

    @api.constrains("risk_medium_score", "risk_high_score", "major_customer_threshold")
    def _check_scores(self):
        for policy in self:
            if policy.risk_medium_score < 0 or policy.risk_high_score <= policy.risk_medium_score:
                raise ValidationError(
                    self.env._("The high risk score must be above the medium risk score, both positive.")
                )
            if policy.major_customer_threshold < 0:
                raise ValidationError(self.env._("The number of customers cannot be negative."))

    @api.model
    def _svcms_for_company(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)

    def _svcms_is_emergency_authority(self, user):
        """Whether ``user`` may approve emergency changes (without a policy: the IT managers)."""
        if not self:
            return user.has_group("svcms_itsm.group_itsm_manager")
        self.ensure_one()
        policy = self.sudo()
        return user in policy.emergency_user_ids or bool(
            policy.emergency_group_id and user in policy.emergency_group_id.all_user_ids
        )
