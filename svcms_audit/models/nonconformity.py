from odoo import api, fields, models

SOURCE_TYPES = [
    ("audit", "Audit Finding"),
    ("complaint", "Complaint"),
    ("incident", "Incident"),
    ("service_request", "Service Request"),
    ("sla_breach", "SLA Breach"),
    ("supplier", "Supplier"),
    ("management_review", "Management Review"),
    ("customer", "Customer"),
    ("internal", "Internal"),
]


class SvcmsNonconformity(models.Model):
    """A nonconformity (ISO/IEC 20000-1 10.1; procedure No.27 不符合、纠正与预防措施) and its corrective actions."""

    _name = "svcms.nonconformity"
    _description = "Nonconformity"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "detected_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one(
        "svcms.management.system", string="Management System", index=True, check_company=True, tracking=True
    )
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    process_id = fields.Many2one("svcms.process", string="Process", index=True, check_company=True)
    department_id = fields.Many2one("hr.department", string="Department", index=True, check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer / Supplier", index=True)
    source_type = fields.Selection(SOURCE_TYPES, string="Source", required=True, default="internal", index=True)
    source_ref = fields.Reference(selection="_selection_source_models", string="Source Record", copy=False, index=True)
    audit_line_id = fields.Many2one("svcms.audit.line", string="Audit Finding", index=True, copy=False)
    severity = fields.Selection([("minor", "Minor"), ("major", "Major")], required=True, default="minor", tracking=True)
    description = fields.Html(required=True)
    detected_date = fields.Date(string="Detected On", required=True, default=fields.Date.context_today, index=True)
    owner_id = fields.Many2one(
        "res.users", string="Owner", tracking=True, index=True, help="Who leads the correction and the actions."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("verification", "Awaiting Verification"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    action_ids = fields.One2many("svcms.capa.action", "nonconformity_id", string="Actions")

    @api.model
    def _selection_source_models(self):
        """Every record type a nonconformity may come from: the sources registered in svcms_base and the audit's own."""
        names = set(self.env.registry.descendants(["svcms.nonconformity.source"], "_inherit"))
        names -= {"svcms.nonconformity.source"}
        names |= {"svcms.audit.line", "svcms.management.review"}
        return sorted(
            ((name, self.env[name]._description) for name in names if name in self.env),
            key=lambda item: item[1],
        )
