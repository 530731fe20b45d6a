from markupsafe import Markup, escape

from odoo import models
from odoo.exceptions import UserError


class SvcmsAuditLine(models.Model):
    """Raising a nonconformity from a checklist line found nonconforming (minimal, see the nonconformity area)."""

    _inherit = "svcms.audit.line"

    def action_raise_nonconformity(self):
        """Create the nonconformity of this finding (minor or major) and open it."""
        self.ensure_one()
        self.check_access("write")
        if self.result not in ("minor", "major"):
            raise UserError(
                self.env._("Only a minor or major nonconformity found on a checklist line raises a nonconformity.")
            )
        if self.nonconformity_ids:
            nonconformity = self.nonconformity_ids[:1]
        else:
            audit = self.audit_id
            question = (self.question or "").strip()
            nonconformity = self.env["svcms.nonconformity"].create(
                {
                    "name": question.splitlines()[0][:120] if question else audit.name,
                    "company_id": self.company_id.id,
                    "management_system_id": audit.management_system_id.id,
                    "clause_ids": [(6, 0, self.clause_id.ids)],
                    "department_id": audit.department_ids[:1].id,
                    "source_type": "audit",
                    "source_ref": f"{self._name},{self.id}",
                    "audit_line_id": self.id,
                    "severity": self.result,
                    "description": Markup("<p>%s</p><p>%s</p>") % (escape(question), escape(self.notes or "")),
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.nonconformity",
            "res_id": nonconformity.id,
            "view_mode": "form",
            "target": "current",
        }
