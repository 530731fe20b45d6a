from odoo import fields, models


class SvcmsRaciLine(models.Model):
    """One cell of the responsibility allocation table (职责分配表): a role's part in a process."""

    _name = "svcms.raci.line"
    _description = "Responsibility Allocation (RACI)"
    _order = "process_id, id"

    process_id = fields.Many2one("svcms.process", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="process_id.company_id", store=True, index=True)
    department_id = fields.Many2one("hr.department")
    job_id = fields.Many2one("hr.job")
    raci = fields.Selection(
        [("R", "Responsible"), ("A", "Accountable"), ("C", "Consulted"), ("I", "Informed")],
        string="Role",
        required=True,
    )
