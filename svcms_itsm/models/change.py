from odoo import fields, models


class SvcmsChange(models.Model):
    """A change to a service or CI (ISO/IEC 20000-1 8.5.1). Skeleton: the change area owns this file."""

    _name = "svcms.change"
    _description = "Change"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    change_type = fields.Selection(
        [("standard", "Standard"), ("normal", "Normal"), ("emergency", "Emergency")],
        required=True,
        default="normal",
        tracking=True,
        index=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("assessment", "Assessment"),
            ("approval", "Awaiting Approval"),
            ("approved", "Approved"),
            ("implementing", "Implementing"),
            ("review", "Post-Implementation Review"),
            ("done", "Done"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
    )
    outcome = fields.Selection(
        [("successful", "Successful"), ("failed", "Failed"), ("backed_out", "Backed Out")],
        tracking=True,
        copy=False,
        index=True,
        help="How the implementation ended.",
    )
    requested_by_id = fields.Many2one("res.users", string="Requested By", default=lambda self: self.env.user)
    is_major_impact = fields.Boolean(
        string="Major Impact",
        tracking=True,
        help="Meets the change policy's criteria of a major impact: "
        "the change goes through service design and transition.",
    )
    planned_start = fields.Datetime(tracking=True, index=True)
    planned_end = fields.Datetime(tracking=True)
    actual_end = fields.Datetime(readonly=True, copy=False, index=True)
    service_ids = fields.Many2many("svcms.service", string="Affected Services", check_company=True)
    ci_ids = fields.Many2many("svcms.ci", string="Affected CIs", check_company=True)
    incident_ids = fields.Many2many(
        "svcms.incident", "svcms_change_incident_rel", "change_id", "incident_id", string="Incidents"
    )
    problem_ids = fields.One2many("svcms.problem", "change_id", string="Problems Fixed")
    release_id = fields.Many2one("svcms.release", string="Release", index="btree_not_null", check_company=True)
