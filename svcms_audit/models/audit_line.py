from odoo import fields, models

AUDIT_RESULTS = [
    ("conform", "Conform"),
    ("observation", "Observation"),
    ("improvement", "Opportunity for Improvement"),
    ("minor", "Minor Nonconformity"),
    ("major", "Major Nonconformity"),
    ("not_applicable", "Not Applicable"),
]


class SvcmsAuditLine(models.Model):
    """A checklist question of an audit and what the auditor found."""

    _name = "svcms.audit.line"
    _description = "Audit Checklist Line"
    _order = "audit_id, sequence, id"
    _check_company_auto = True

    audit_id = fields.Many2one("svcms.audit", required=True, index=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    clause_id = fields.Many2one("svcms.clause", string="Clause", index=True)
    question = fields.Text(required=True)
    result = fields.Selection(AUDIT_RESULTS, index=True)
    notes = fields.Text(string="Findings")
    nonconformity_ids = fields.One2many("svcms.nonconformity", "audit_line_id", string="Nonconformities")
