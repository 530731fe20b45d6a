import base64
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

OPEN_NC_EXCLUDED = ("closed", "cancelled")


class SvcmsAuditPack(models.TransientModel):
    """★ Audit pack: for a management system and a period, every clause of its standard with the evidence counted
    per record type, the controlling documents, objectives and their last KPI values, open nonconformities and the
    last audit finding, as one PDF and one XLSX. Counting is one aggregate per record type, never per record."""

    _name = "svcms.audit.pack"
    _description = "Audit Pack"

    management_system_id = fields.Many2one(
        "svcms.management.system",
        required=True,
        default=lambda self: self.env["svcms.management.system"].search([], limit=1),
    )
    company_id = fields.Many2one(
        "res.company", related="management_system_id.company_id", string="Company", readonly=True
    )
    standard = fields.Selection(related="management_system_id.standard", readonly=True)
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(years=1) + relativedelta(days=1),
    )
    date_to = fields.Date(string="Until", required=True, default=fields.Date.context_today)
    xlsx_file = fields.Binary(string="XLSX File", readonly=True, attachment=False)
    xlsx_filename = fields.Char(string="XLSX File Name", readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for pack in self:
            if pack.date_from and pack.date_to and pack.date_from > pack.date_to:
                raise UserError(self.env._("The period of the audit pack ends before it starts."))

    # ------------------------------------------------------------------ data
    def _svcms_pack_data(self):
        """Everything the PDF and the XLSX print, computed with a fixed number of queries per record type.

        :return: dict with ``system``, ``date_from``, ``date_to``, ``record_types`` (labels, in column order),
            ``clauses`` (one dict per clause: ``clause``, ``code``, ``name``, ``level``, ``is_heading``,
            ``evidence`` [(label, count)], ``evidence_by_type`` {label: count}, ``evidence_total``,
            ``documents`` [dict], ``objectives`` [objective names], ``open_nc_count``, ``last_finding`` (dict or
            None), ``no_evidence``), ``objectives`` (one dict per KPI of the system's objectives), ``flagged``.
        """
        self.ensure_one()
        system = self.management_system_id
        if system.standard not in ("iso20000", "gbt27922"):
            raise UserError(
                self.env._(
                    "The management system %(system)s has no clause catalogue: choose an ISO/IEC 20000-1 or "
                    "GB/T 27922 system.",
                    system=system.display_name,
                )
            )
        Clause = self.env["svcms.clause"]
        clauses = Clause.search([("standard", "=", system.standard)])
        companies = system.company_id
        counts = clauses._svcms_evidence_counts(self.date_from, self.date_to, companies, system)
        _processes, documents_by_clause = clauses._svcms_control_documents()
        documents_by_clause = {
            clause_id: documents.filtered(lambda d: not d.management_system_id or d.management_system_id == system)
            for clause_id, documents in documents_by_clause.items()
        }
        open_ncs = self._svcms_open_nonconformity_counts(clauses, system)
        last_lines = clauses._svcms_last_audit_lines(system)
        objectives = self.env["svcms.objective"].search([("management_system_id", "in", [system.id, False])])
        objectives = objectives.filtered(lambda o: not o.company_id or o.company_id == system.company_id)
        objectives_by_clause = {}
        for objective in objectives:
            for clause_id in objective.clause_ids.ids:
                objectives_by_clause.setdefault(clause_id, []).append(objective.name)

        result_labels = dict(self.env["svcms.audit.line"]._fields["result"]._description_selection(self.env))
        parent_ids = set(clauses.parent_id.ids)
        record_types, rows = [], []
        for clause in clauses:
            evidence = [(label, count) for _name, label, count in counts[clause.id]]
            for label, _count in evidence:
                if label not in record_types:
                    record_types.append(label)
            documents = [
                {
                    "number": document.number or "",
                    "name": document.name or "",
                    "revision": document.revision or "",
                    "effective_date": document.effective_date,
                }
                for document in documents_by_clause.get(clause.id, [])
            ]
            line = last_lines.get(clause.id)
            evidence_total = sum(count for _label, count in evidence)
            is_heading = clause.id in parent_ids
            rows.append(
                {
                    "clause": clause,
                    "code": clause.code,
                    "name": clause.name,
                    "level": clause.level,
                    "is_heading": is_heading,
                    "evidence": evidence,
                    "evidence_by_type": dict(evidence),
                    "evidence_total": evidence_total,
                    "documents": documents,
                    "objectives": objectives_by_clause.get(clause.id, []),
                    "open_nc_count": open_ncs.get(clause.id, 0),
                    "last_finding": line
                    and {
                        "result": result_labels.get(line.result, line.result),
                        "audit": line.audit_id.display_name,
                        "date": line.audit_id.date_start,
                    },
                    # a clause to be evidenced (not a heading) with no record and no controlling document
                    "no_evidence": not is_heading and not evidence_total and not documents,
                }
            )
        kpis = objectives.kpi_ids.filtered("active")
        status_labels = dict(self.env["svcms.kpi"]._fields["status"]._description_selection(self.env))
        objective_rows = [
            {
                "objective": kpi.objective_id.name,
                "kpi": kpi.name,
                "target": kpi.target,
                "unit": kpi.unit or "",
                "last_value": kpi.last_value if kpi.last_period_start else None,
                "last_period": kpi.last_period_start,
                "status": status_labels.get(kpi.status, kpi.status or ""),
            }
            for kpi in kpis
        ]
        objective_rows += [
            {"objective": o.name, "kpi": "", "target": None, "unit": "", "last_value": None, "last_period": False,
             "status": ""}
            for o in objectives
            if not o.kpi_ids.filtered("active")
        ]  # fmt: skip
        return {
            "system": system,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "record_types": record_types,
            "clauses": rows,
            "objectives": objective_rows,
            "flagged": [row for row in rows if row["no_evidence"]],
        }

    @api.model
    def _svcms_open_nonconformity_counts(self, clauses, system):
        """``{clause_id: number of open nonconformities}`` of the system: one grouped aggregate."""
        NC = self.env["svcms.nonconformity"]
        if not clauses or not NC.has_access("read"):
            return {}
        groups = NC._read_group(
            [
                ("clause_ids", "in", clauses.ids),
                ("state", "not in", OPEN_NC_EXCLUDED),
                ("management_system_id", "in", [system.id, False]),
            ],
            ["clause_ids"],
            ["__count"],
        )
        return {clause.id: count for clause, count in groups if clause}

    # ------------------------------------------------------------------ outputs
    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref("svcms_audit.action_report_audit_pack").report_action(self)

    def action_export_xlsx(self):
        self.ensure_one()
        system = self.management_system_id
        self.write(
            {
                "xlsx_file": base64.b64encode(self._svcms_pack_xlsx()),
                "xlsx_filename": f"audit-pack-{system.code or system.id}-{self.date_from}-{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=xlsx_file"
            "&filename_field=xlsx_filename&download=true",
            "target": "download",
        }

    def _svcms_pack_xlsx(self):
        """The pack as XLSX bytes: sheet 1 one row per clause (a column per record type), sheet 2 the documents,
        sheet 3 the objectives and KPIs. Bilingual headers."""
        data = self._svcms_pack_data()
        output = io.BytesIO()
        # Clause titles and document names are user text: never formulas or links.
        workbook = xlsxwriter.Workbook(
            output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        title_style = workbook.add_format({"bold": True, "font_size": 14})
        header_style = workbook.add_format(
            {"bold": True, "border": 1, "text_wrap": True, "valign": "vcenter", "bg_color": "#D9E1F2"}
        )
        text_style = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True})
        heading_style = workbook.add_format({"border": 1, "valign": "top", "bold": True, "bg_color": "#F2F2F2"})
        number_style = workbook.add_format({"border": 1, "valign": "top"})
        flag_style = workbook.add_format({"border": 1, "valign": "top", "bold": True, "font_color": "#C00000"})
        date_style = workbook.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"})

        system = data["system"]
        title = f"Audit Pack / 审核证据包: {system.display_name} ({data['date_from']} - {data['date_to']})"

        sheet = workbook.add_worksheet("Clauses 条款")
        sheet.write_string(0, 0, title, title_style)
        headers = [
            "Clause / 条款",
            "Title / 标题",
            "Evidence records / 证据记录数",
            "No evidence / 无证据",
            "Documents / 受控文件",
            "Objectives / 目标",
            "Open nonconformities / 未关闭不符合项",
            "Last audit finding / 最近审核发现",
            "Last audited on / 最近审核日期",
        ]
        fixed = len(headers)
        headers += data["record_types"]
        for column, header in enumerate(headers):
            sheet.write_string(2, column, header, header_style)
        sheet.set_row(2, 45)
        sheet.set_column(0, 0, 9)
        sheet.set_column(1, 1, 40)
        sheet.set_column(2, 3, 12)
        sheet.set_column(4, 5, 30)
        sheet.set_column(6, 8, 16)
        sheet.set_column(fixed, fixed + len(data["record_types"]), 14)
        yes = "Yes / 是"
        for row_index, row in enumerate(data["clauses"], start=3):
            style = heading_style if row["is_heading"] else text_style
            sheet.write_string(row_index, 0, row["code"], style)
            sheet.write_string(row_index, 1, row["name"], style)
            sheet.write_number(row_index, 2, row["evidence_total"], number_style)
            sheet.write_string(row_index, 3, yes if row["no_evidence"] else "", flag_style)
            documents = "\n".join(
                " ".join(filter(None, [d["number"], d["name"], d["revision"] and f"({d['revision']})"]))
                for d in row["documents"]
            )
            sheet.write_string(row_index, 4, documents, text_style)
            sheet.write_string(row_index, 5, "\n".join(row["objectives"]), text_style)
            sheet.write_number(row_index, 6, row["open_nc_count"], number_style)
            finding = row["last_finding"]
            sheet.write_string(row_index, 7, f"{finding['result']} ({finding['audit']})" if finding else "", text_style)
            if finding and finding["date"]:
                sheet.write_datetime(row_index, 8, fields.Datetime.to_datetime(finding["date"]), date_style)
            else:
                sheet.write_blank(row_index, 8, None, text_style)
            for offset, label in enumerate(data["record_types"]):
                count = row["evidence_by_type"].get(label)
                if count is None:
                    sheet.write_blank(row_index, fixed + offset, None, number_style)
                else:
                    sheet.write_number(row_index, fixed + offset, count, number_style)
        sheet.freeze_panes(3, 2)

        documents_sheet = workbook.add_worksheet("Documents 文件")
        doc_headers = ["Clause / 条款", "Document number / 文件编号", "Title / 标题", "Revision / 版本",
                       "Effective date / 生效日期"]  # fmt: skip
        for column, header in enumerate(doc_headers):
            documents_sheet.write_string(0, column, header, header_style)
        documents_sheet.set_column(0, 0, 9)
        documents_sheet.set_column(1, 1, 18)
        documents_sheet.set_column(2, 2, 40)
        documents_sheet.set_column(3, 4, 14)
        row_index = 1
        for row in data["clauses"]:
            for document in row["documents"]:
                documents_sheet.write_string(row_index, 0, row["code"], text_style)
                documents_sheet.write_string(row_index, 1, document["number"], text_style)
                documents_sheet.write_string(row_index, 2, document["name"], text_style)
                documents_sheet.write_string(row_index, 3, document["revision"], text_style)
                if document["effective_date"]:
                    documents_sheet.write_datetime(
                        row_index, 4, fields.Datetime.to_datetime(document["effective_date"]), date_style
                    )
                row_index += 1

        objectives_sheet = workbook.add_worksheet("Objectives 目标")
        objective_headers = ["Objective / 目标", "Indicator / 指标", "Target / 目标值", "Unit / 单位",
                             "Last value / 最近值", "Last period / 最近期间", "Status / 状态"]  # fmt: skip
        for column, header in enumerate(objective_headers):
            objectives_sheet.write_string(0, column, header, header_style)
        objectives_sheet.set_column(0, 1, 36)
        objectives_sheet.set_column(2, 6, 14)
        for row_index, row in enumerate(data["objectives"], start=1):
            objectives_sheet.write_string(row_index, 0, row["objective"] or "", text_style)
            objectives_sheet.write_string(row_index, 1, row["kpi"] or "", text_style)
            if row["target"] is not None:
                objectives_sheet.write_number(row_index, 2, row["target"], number_style)
            objectives_sheet.write_string(row_index, 3, row["unit"], text_style)
            if row["last_value"] is not None:
                objectives_sheet.write_number(row_index, 4, row["last_value"], number_style)
            if row["last_period"]:
                objectives_sheet.write_datetime(
                    row_index, 5, fields.Datetime.to_datetime(row["last_period"]), date_style
                )
            objectives_sheet.write_string(row_index, 6, row["status"], text_style)
        workbook.close()
        return output.getvalue()
