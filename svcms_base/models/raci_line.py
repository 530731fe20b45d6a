from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Set by the process form's save only: lines edited together are checked together, once. A context value
# RPC cannot forge, so a client cannot skip the "exactly one Accountable" rule.
CHECK_LATER = object()


class SvcmsRaciLine(models.Model):
    """One cell of the responsibility allocation table (职责分配表): a role's part in a process."""

    _name = "svcms.raci.line"
    _description = "Responsibility Allocation (RACI)"
    _inherit = ["svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("5.3",), "gbt27922": ("1.1.2",)}
    _svcms_evidence_date_field = None  # the responsibilities as allocated now
    _order = "process_id, sequence, id"

    process_id = fields.Many2one("svcms.process", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="process_id.company_id", store=True, index=True)
    management_system_id = fields.Many2one(related="process_id.management_system_id", store=True, index=True)
    department_id = fields.Many2one("hr.department", index="btree_not_null")
    job_id = fields.Many2one("hr.job", index="btree_not_null")
    role_name = fields.Char(compute="_compute_role_name", store=True, string="Role Holder")
    raci = fields.Selection(
        [("R", "Responsible"), ("A", "Accountable"), ("C", "Consulted"), ("I", "Informed")],
        string="Role",
        required=True,
    )
    note = fields.Char(help="What this role does in the process.")

    @api.depends("department_id.name", "job_id.name")
    def _compute_role_name(self):
        for line in self:
            line.role_name = line.department_id.name or line.job_id.name or False

    @api.depends("process_id", "role_name", "raci")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.process_id.display_name or ''} / {line.role_name or ''}: {line.raci or ''}"

    @api.onchange("department_id")
    def _onchange_department_id(self):
        if self.department_id:
            self.job_id = False

    @api.onchange("job_id")
    def _onchange_job_id(self):
        if self.job_id:
            self.department_id = False

    # process_id is always written on create, so the check runs even when no role is given at all
    @api.constrains("process_id", "department_id", "job_id")
    def _check_role(self):
        for line in self:
            if bool(line.department_id) == bool(line.job_id):
                raise ValidationError(
                    self.env._(
                        "A responsibility in process %s belongs to a department or to a job: choose exactly one.",
                        line.process_id.name,
                    )
                )

    @api.constrains("process_id", "department_id", "job_id")
    def _check_unique_role(self):
        for process in self.process_id:
            roles = [(line.department_id.id, line.job_id.id) for line in process.raci_line_ids]
            if len(roles) != len(set(roles)):
                raise ValidationError(
                    self.env._("A role appears twice in the responsibility allocation of process %s.", process.name)
                )

    def _check_later(self):
        return self.env.context.get("svcms_raci_check_later") is CHECK_LATER

    @api.constrains("process_id", "raci")
    def _check_process_accountable(self):
        if not self._check_later():
            self.process_id._check_accountable()

    def write(self, vals):
        previous = self.process_id if "process_id" in vals else self.env["svcms.process"]
        result = super().write(vals)
        if previous and not self._check_later():
            (previous - self.process_id)._check_accountable()
        return result

    def unlink(self):
        processes = self.process_id
        result = super().unlink()
        if not self._check_later():
            processes._check_accountable()
        return result

    def action_download_raci_xlsx(self):
        """Download the responsibility allocation table of the selected lines' processes (all if none)."""
        return self.process_id.action_download_raci_xlsx()
