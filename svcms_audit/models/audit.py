from odoo import fields, models

AUDIT_TYPES = [
    ("internal", "Internal Audit"),
    ("certification", "External Certification Audit"),
    ("supplier", "Supplier Audit"),
    ("supervisory", "GB/T 27922 Supervisory Evaluation"),
    ("re_evaluation", "GB/T 27922 Re-evaluation"),
]


class SvcmsAudit(models.Model):
    """One audit: plan, team, checklist, findings and report (ISO/IEC 20000-1 9.2; procedure No.28 内部审核)."""

    _name = "svcms.audit"
    _description = "Audit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    programme_id = fields.Many2one("svcms.audit.programme", string="Programme", index=True, check_company=True)
    management_system_id = fields.Many2one(
        "svcms.management.system", string="Management System", required=True, index=True, check_company=True
    )
    audit_type = fields.Selection(AUDIT_TYPES, string="Type", required=True, default="internal", tracking=True)
    date_start = fields.Date(string="Start", required=True, tracking=True, index=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    lead_auditor_id = fields.Many2one("hr.employee", string="Lead Auditor", tracking=True, check_company=True)
    auditor_ids = fields.Many2many(
        "hr.employee", "svcms_audit_auditor_rel", "audit_id", "employee_id", string="Auditors", check_company=True
    )
    clause_ids = fields.Many2many("svcms.clause", string="Clauses Audited")
    process_ids = fields.Many2many("svcms.process", string="Processes Audited", check_company=True)
    department_ids = fields.Many2many("hr.department", string="Departments Audited", check_company=True)
    line_ids = fields.One2many("svcms.audit.line", "audit_id", string="Checklist")
    state = fields.Selection(
        [
            ("draft", "Planned"),
            ("in_progress", "In Progress"),
            ("reported", "Report Submitted"),
            ("approved", "Approved"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
