from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

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
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "audit_id, sequence, id"
    _check_company_auto = True

    _svcms_parent_field = "audit_id"
    _svcms_parent_lines_field = "line_ids"

    audit_id = fields.Many2one("svcms.audit", required=True, index=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    clause_id = fields.Many2one("svcms.clause", index=True)
    question = fields.Text(required=True)
    result = fields.Selection(AUDIT_RESULTS, index=True)
    notes = fields.Text(string="Findings")
    nonconformity_ids = fields.One2many("svcms.nonconformity", "audit_line_id", string="Nonconformities")
    department_id = fields.Many2one(
        "hr.department",
        index=True,
        check_company=True,
        help="The department the finding is about.",
    )
    process_id = fields.Many2one("svcms.process", index=True, check_company=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", "svcms_audit_line_attachment_rel", "line_id", "attachment_id", string="Attachments"
    )
    evidence_ids = fields.One2many("svcms.audit.evidence", "line_id", string="Sampled Evidence")
    evidence_count = fields.Integer(string="Samples", compute="_compute_evidence_count")
    audit_state = fields.Selection(related="audit_id.state", string="Audit Status")
    management_system_id = fields.Many2one(related="audit_id.management_system_id")
    date_start = fields.Date(related="audit_id.date_start")

    @api.depends("evidence_ids")
    def _compute_evidence_count(self):
        for line in self:
            line.evidence_count = len(line.evidence_ids)

    @api.depends("clause_id", "question")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.clause_id.display_name or (line.question or "")[:60]

    def action_draw_sample(self):
        self.ensure_one()
        self._svcms_check_parents_unlocked(self.audit_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Draw Sample"),
            "res_model": "svcms.audit.sample.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def action_raise_nonconformity(self):
        """A nonconformity for each minor or major finding that has none yet; opens it."""
        lines = self.filtered(lambda line: line.result in ("minor", "major") and not line.nonconformity_ids)
        if not lines:
            raise UserError(
                self.env._("Only a minor or major nonconformity finding without a nonconformity yet can raise one.")
            )
        self._svcms_check_parents_unlocked(lines.audit_id)
        nonconformities = self.env["svcms.nonconformity"].create(
            [
                {
                    "name": self.env._(
                        "%(audit)s: %(finding)s", audit=line.audit_id.display_name, finding=line.display_name
                    ),
                    "audit_line_id": line.id,
                    "source_type": "audit",
                    "source_ref": f"svcms.audit.line,{line.id}",
                    "clause_ids": [fields.Command.set(line.clause_id.ids)],
                    "severity": line.result,
                    "management_system_id": line.audit_id.management_system_id.id,
                    "company_id": line.audit_id.company_id.id,
                    "department_id": (line.department_id or line.audit_id.department_ids[:1]).id,
                    "process_id": (line.process_id or line.audit_id.process_ids[:1]).id,
                    "description": Markup("<p>%s</p><p>%s</p>") % (line.question or "", line.notes or ""),
                }
                for line in lines
            ]
        )
        if len(nonconformities) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "svcms.nonconformity",
                "res_id": nonconformities.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Nonconformities"),
            "res_model": "svcms.nonconformity",
            "view_mode": "list,form",
            "domain": [("id", "in", nonconformities.ids)],
        }
