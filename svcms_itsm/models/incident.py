from odoo import api, fields, models

IMPACT_URGENCY = [("1", "High"), ("2", "Medium"), ("3", "Low")]
PRIORITIES = [("1", "P1 Critical"), ("2", "P2 High"), ("3", "P3 Medium"), ("4", "P4 Low")]


class SvcmsIncident(models.Model):
    """An unplanned interruption or degradation of an IT service (ISO/IEC 20000-1 8.6.1).

    Skeleton: the fields other areas (major incidents, problems, changes, availability, security,
    reporting) rely on. The incident area owns this file and builds the workflow on it.
    """

    _name = "svcms.incident"
    _description = "Incident"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    description = fields.Html()
    partner_id = fields.Many2one("res.partner", string="Caller", tracking=True, index=True)
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id", store=True, index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("assigned", "Assigned"),
            ("in_progress", "In Progress"),
            ("waiting", "Waiting for Caller"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="new",
        tracking=True,
        index=True,
    )
    impact = fields.Selection(IMPACT_URGENCY, required=True, default="3", tracking=True)
    urgency = fields.Selection(IMPACT_URGENCY, required=True, default="3", tracking=True)
    priority = fields.Selection(PRIORITIES, default="4", tracking=True, index=True)
    category_id = fields.Many2one("svcms.incident.category", string="Category", tracking=True, check_company=True)
    user_id = fields.Many2one("res.users", string="Assigned To", tracking=True, index=True)
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    ci_ids = fields.Many2many("svcms.ci", string="Configuration Items", check_company=True)
    date_reported = fields.Datetime(string="Reported On", required=True, default=fields.Datetime.now, index=True)
    resolved_date = fields.Datetime(readonly=True, copy=False, index=True)
    closed_date = fields.Datetime(readonly=True, copy=False)
    resolved_at_first_contact = fields.Boolean(readonly=True, copy=False)
    is_security = fields.Boolean(
        string="Security Incident",
        tracking=True,
        index=True,
        help="Information security incident (ISO/IEC 20000-1 8.7.3): only security officers see it.",
    )
    parent_id = fields.Many2one("svcms.incident", string="Master Incident", index="btree_not_null", tracking=True)
    child_ids = fields.One2many("svcms.incident", "parent_id", string="Child Incidents")
    duplicate_of_id = fields.Many2one("svcms.incident", string="Duplicate Of", readonly=True, copy=False)
    major_incident_id = fields.Many2one("svcms.major.incident", string="Major Incident", readonly=True, copy=False)
    is_major = fields.Boolean(string="Major", compute="_compute_is_major", store=True, index=True)
    problem_id = fields.Many2one("svcms.problem", string="Problem", index="btree_not_null", tracking=True)
    change_ids = fields.Many2many(
        "svcms.change", "svcms_change_incident_rel", "incident_id", "change_id", string="Changes"
    )
    known_error_id = fields.Many2one("svcms.known.error", string="Workaround Applied", tracking=True)

    @api.depends("major_incident_id")
    def _compute_is_major(self):
        for incident in self:
            incident.is_major = bool(incident.major_incident_id)
