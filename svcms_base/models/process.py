import io

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .raci_line import CHECK_LATER

RACI_LEGEND = "R = Responsible / 负责    A = Accountable / 批准    C = Consulted / 咨询    I = Informed / 知会"


class SvcmsProcess(models.Model):
    """A process of the management system (ISO/IEC 20000-1 4.4, GB/T 27922 售后服务过程) and who does what in it."""

    _name = "svcms.process"
    _description = "Process"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("4.4",)}
    _svcms_evidence_date_field = None  # the process map as it stands
    _order = "sequence, code, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    owner_id = fields.Many2one("res.users", string="Process Owner", tracking=True)
    document_ids = fields.Many2many("svcms.document", string="Procedure Documents")
    raci_line_ids = fields.One2many("svcms.raci.line", "process_id", string="Responsibilities")
    purpose = fields.Text(translate=True)
    inputs = fields.Html()
    outputs = fields.Html()
    kpi_ids = fields.One2many("svcms.kpi", "process_id", string="KPIs")
    kpi_count = fields.Integer(compute="_compute_kpi_count", string="KPI Count")
    accountable_role = fields.Char(compute="_compute_accountable_role", string="Accountable")

    def _compute_kpi_count(self):
        counts = dict(self.env["svcms.kpi"]._read_group([("process_id", "in", self.ids)], ["process_id"], ["__count"]))
        for process in self:
            process.kpi_count = counts.get(process._origin, 0)

    @api.depends("raci_line_ids.raci", "raci_line_ids.role_name")
    def _compute_accountable_role(self):
        for process in self:
            process.accountable_role = ", ".join(
                process.raci_line_ids.filtered(lambda line: line.raci == "A").mapped("role_name")
            )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for process in self:
            process.display_name = f"[{process.code}] {process.name}" if process.code else process.name

    # ------------------------------------------------------------------ RACI validation
    @api.constrains("raci_line_ids")
    def _check_single_accountable(self):
        self._check_accountable()

    def _check_accountable(self):
        """A process with a responsibility allocation has exactly one Accountable role."""
        for process in self.exists():
            lines = process.with_context(active_test=False).raci_line_ids
            if not lines:
                continue
            accountable = len(lines.filtered(lambda line: line.raci == "A"))
            if accountable == 0:
                raise ValidationError(
                    self.env._("The process %s needs exactly one Accountable (A) role: it has none.", process.name)
                )
            if accountable > 1:
                raise ValidationError(
                    self.env._(
                        "The process %(process)s needs exactly one Accountable (A) role: it has %(count)s.",
                        process=process.name,
                        count=accountable,
                    )
                )

    def write(self, vals):
        # Lines edited on the process form are checked together by the constraint above, once the
        # whole form is saved, not one by one (moving the A from one role to another is two edits).
        return super(SvcmsProcess, self.with_context(svcms_raci_check_later=CHECK_LATER)).write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        processes = super(SvcmsProcess, self.with_context(svcms_raci_check_later=CHECK_LATER)).create(vals_list)
        return processes.with_env(self.env)

    # ------------------------------------------------------------------ responsibility allocation table
    def _raci_roles(self):
        """Departments then jobs appearing in the lines of ``self``, in a stable order (the table's columns)."""
        lines = self.raci_line_ids
        return lines.department_id.sorted("id"), lines.job_id.sorted("id")

    def _raci_xlsx_content(self, title):
        """The responsibility allocation table (职责分配表) of ``self`` as XLSX bytes: one sheet,
        processes as rows, roles as columns, R/A/C/I in the cells."""
        departments, jobs = self._raci_roles()
        roles = [("department", dep) for dep in departments] + [("job", job) for job in jobs]
        cells = {}
        for line in self.raci_line_ids:
            kind = "department" if line.department_id else "job"
            cells[(line.process_id.id, kind, (line.department_id or line.job_id).id)] = line.raci

        output = io.BytesIO()
        # Names and codes are user text: a leading "=" must stay text, never become a formula (or a link).
        workbook = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        sheet = workbook.add_worksheet("职责分配表 RACI")
        title_style = workbook.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        header_style = workbook.add_format(
            {"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter"}
        )
        header_style.set_bg_color("#D9E1F2")
        text_style = workbook.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
        cell_style = workbook.add_format({"border": 1, "align": "center", "valign": "vcenter"})
        accountable_style = workbook.add_format(
            {"border": 1, "align": "center", "valign": "vcenter", "bold": True, "bg_color": "#FCE4D6"}
        )

        last_column = 1 + len(roles)
        sheet.merge_range(0, 0, 0, max(last_column, 1), title, title_style)
        sheet.set_row(0, 28)
        sheet.write(1, 0, "Code / 编号", header_style)
        sheet.write(1, 1, "Process / 过程", header_style)
        for column, (kind, role) in enumerate(roles, start=2):
            label = "Department / 部门" if kind == "department" else "Job / 岗位"
            sheet.write_string(1, column, f"{role.name}\n({label})", header_style)
            sheet.set_column(column, column, 14)
        sheet.set_row(1, 36)
        sheet.set_column(0, 0, 10)
        sheet.set_column(1, 1, 30)

        row = 2
        for process in self:
            sheet.write_string(row, 0, process.code or "", text_style)
            sheet.write_string(row, 1, process.name or "", text_style)
            for column, (kind, role) in enumerate(roles, start=2):
                raci = cells.get((process.id, kind, role.id), "")
                sheet.write(row, column, raci, accountable_style if raci == "A" else cell_style)
            row += 1
        sheet.write(row + 1, 0, RACI_LEGEND)
        sheet.freeze_panes(2, 2)
        workbook.close()
        return output.getvalue()

    @api.model
    def _raci_xlsx_title(self, systems):
        names = ", ".join(systems.mapped("display_name")) or "-"
        return f"Responsibility Allocation Table / 职责分配表: {names}"

    def action_download_raci_xlsx(self):
        """Download the responsibility allocation table of the selected processes (all processes if none)."""
        processes = self or self.search([])
        return {
            "type": "ir.actions.act_url",
            "url": "/svcms/raci/xlsx?process_ids=%s" % ",".join(str(pid) for pid in processes.ids),
            "target": "download",
        }
