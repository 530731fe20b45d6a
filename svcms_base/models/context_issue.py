from odoo import api, fields, models

# Internal issues are strengths or weaknesses, external ones opportunities or threats (SWOT);
# the category says where the issue comes from (PESTLE outside, resources and culture inside).
SWOT = {
    ("internal", "positive"): "strength",
    ("internal", "negative"): "weakness",
    ("external", "positive"): "opportunity",
    ("external", "negative"): "threat",
}


class SvcmsContextIssue(models.Model):
    """An internal or external issue relevant to the purpose of the management system (clause 4.1)."""

    _name = "svcms.context.issue"
    _description = "Context Issue"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("4.1",)}
    _svcms_evidence_date_field = None  # the context register as it stands
    _order = "origin, category, id"
    _check_company_auto = True

    name = fields.Char(string="Issue", required=True, tracking=True)
    origin = fields.Selection(
        [("internal", "Internal"), ("external", "External")],
        string="Internal / External",
        required=True,
        default="external",
        index=True,
        tracking=True,
    )
    category = fields.Selection(
        [
            ("political", "Political"),
            ("economic", "Economic"),
            ("social", "Social"),
            ("technological", "Technological"),
            ("legal", "Legal"),
            ("environmental", "Environmental"),
            ("market", "Market and Competition"),
            ("organisation", "Organisation and Culture"),
            ("people", "People and Competence"),
            ("infrastructure", "Infrastructure and Technology"),
            ("finance", "Finance"),
        ],
        required=True,
        default="market",
        tracking=True,
    )
    effect = fields.Selection(
        [("positive", "Positive"), ("negative", "Negative")],
        required=True,
        default="negative",
        tracking=True,
        help="Whether the issue helps (strength, opportunity) or hinders (weakness, threat) the intended outcomes.",
    )
    swot = fields.Selection(
        [
            ("strength", "Strength"),
            ("weakness", "Weakness"),
            ("opportunity", "Opportunity"),
            ("threat", "Threat"),
        ],
        string="SWOT",
        compute="_compute_swot",
        store=True,
        group_expand=True,
    )
    description = fields.Text()
    impact = fields.Text(
        string="Impact on the Management System",
        help="How the issue affects the ability to achieve the intended outcomes of the management system.",
    )
    response = fields.Text(help="How the organisation monitors or addresses the issue.")
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True, tracking=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    risk_ids = fields.Many2many(
        "svcms.risk",
        "svcms_risk_context_issue_rel",
        "issue_id",
        "risk_id",
        string="Risks and Opportunities",
    )
    risk_count = fields.Integer(compute="_compute_risk_count")
    owner_id = fields.Many2one("res.users", default=lambda self: self.env.user, index=True, tracking=True)
    review_date = fields.Date(string="Next Review Date", tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    @api.depends("origin", "effect")
    def _compute_swot(self):
        for issue in self:
            issue.swot = SWOT.get((issue.origin, issue.effect), False)

    @api.depends("risk_ids")
    def _compute_risk_count(self):
        for issue in self:
            issue.risk_count = len(issue.risk_ids)

    def action_view_risks(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.risk",
            "view_mode": "list,form",
            "domain": [("id", "in", self.risk_ids.ids)],
            "context": {
                "default_context_issue_ids": [self.id],
                "default_management_system_id": self.management_system_id.id,
            },
            "name": self.env._("Risks and Opportunities"),
        }
