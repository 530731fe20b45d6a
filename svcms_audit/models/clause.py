from odoo import fields, models
from odoo.tools import SQL

from .audit_line import AUDIT_RESULTS


class SvcmsClause(models.Model):
    """The last audit result of each clause, from the checklist lines of the audits held."""

    _inherit = "svcms.clause"

    last_audit_line_id = fields.Many2one("svcms.audit.line", compute="_compute_last_audit", string="Last Audit Finding")
    last_audit_result = fields.Selection(AUDIT_RESULTS, compute="_compute_last_audit")
    last_audit_date = fields.Date(compute="_compute_last_audit", string="Last Audited On")

    def _compute_last_audit(self):
        lines = self._svcms_last_audit_lines()
        for clause in self:
            line = lines.get(clause.id, self.env["svcms.audit.line"])
            clause.last_audit_line_id = line
            clause.last_audit_result = line.result
            clause.last_audit_date = line.audit_id.date_start

    def _svcms_last_audit_lines(self, system=None):
        """``{clause_id: svcms.audit.line}``: per clause of ``self``, the checklist line with a result of the most
        recent audit (not planned or cancelled) the user may read, optionally of one management system. One
        query for all of ``self``."""
        ids = [cid for cid in self.ids if cid]
        if not ids:
            return {}
        Line = self.env["svcms.audit.line"]
        domain = [
            ("clause_id", "in", ids),
            ("result", "!=", False),
            ("audit_id.state", "not in", ("draft", "cancelled")),
        ]
        if system:
            domain.append(("audit_id.management_system_id", "in", [system.id, False]))
        if not Line.has_access("read"):
            return {}
        query = Line._search(domain)
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT ON (l.clause_id) l.clause_id, l.id FROM svcms_audit_line l"
                " JOIN svcms_audit a ON a.id = l.audit_id WHERE l.id IN %s"
                " ORDER BY l.clause_id, a.date_start DESC, l.id DESC",
                query.subselect(),
            )
        )
        lines = Line.browse([line_id for _clause_id, line_id in rows])
        return {clause_id: lines.browse(line_id).with_prefetch(lines._prefetch_ids) for clause_id, line_id in rows}
