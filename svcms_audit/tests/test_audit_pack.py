"""★ Audit pack: every clause of a system's standard with its evidence, documents, objectives, open
nonconformities and last audit finding, as data, PDF and XLSX; queries independent of the number of records."""

import base64
import io
import shutil
import subprocess
import tempfile
import unicodedata
import xmlrpc.client
from datetime import date

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import AuditCase

RPC_LOGGERS = ("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")


def compact(text):
    """Text without white space, NFKC-normalised (pdftotext breaks Chinese lines anywhere)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def workflow_write(records, values):
    """Put fixtures in a state as trusted server code does (the workflow mixin's bypass, when the model has it)."""
    return getattr(records, "_svcms_write_workflow", records.write)(values)


class PackFixtures:
    """A clause with one of everything the pack prints, and a clause of the standard with nothing at all."""

    @classmethod
    def _pack_fixtures(cls, system, lead_employee):
        env = cls.env
        Clause = env["svcms.clause"]
        cls.clause_complaints = Clause.search([("standard", "=", "iso20000"), ("code", "=", "8.3.2")])
        cls.clause_empty = Clause.create(
            {"standard": "iso20000", "code": "99.9", "name": "Clause nothing evidences", "sequence": 99999}
        )
        cls.partner = env["res.partner"].create({"name": "Pack customer"})
        cls.document = env["svcms.document"].create(
            {
                "name": "Complaint handling procedure",
                "document_type_id": env.ref("svcms_base.document_type_procedure").id,
                "management_system_id": system.id,
            }
        )
        cls.document.write({"state": "effective", "effective_date": "2031-01-15", "revision": "A/1"})  # as superuser
        cls.process = env["svcms.process"].create(
            {
                "name": "Complaint handling",
                "code": "P-PACK",
                "clause_ids": [(6, 0, cls.clause_complaints.ids)],
                "document_ids": [(6, 0, cls.document.ids)],
            }
        )
        cls.objective = env["svcms.objective"].create(
            {
                "name": "Complaints closed within 5 days",
                "management_system_id": system.id,
                "clause_ids": [(6, 0, cls.clause_complaints.ids)],
            }
        )
        cls.complaints = cls._complaints(3)
        NC = env["svcms.nonconformity"]
        values = {
            "management_system_id": system.id,
            "clause_ids": [(6, 0, cls.clause_complaints.ids)],
            "description": "<p>Complaint answered late</p>",
        }
        cls.nc_open = NC.create({"name": "Late answer", **values})
        cls.nc_closed = NC.create({"name": "Old late answer", **values})
        workflow_write(cls.nc_open, {"state": "open"})
        workflow_write(cls.nc_closed, {"state": "closed"})
        Audit = env["svcms.audit"]
        audit_values = {"management_system_id": system.id, "lead_auditor_id": lead_employee.id}
        cls.audit_old = Audit.create(
            {"name": "Audit 2030", "date_start": "2030-05-01", "date_end": "2030-05-02", **audit_values}
        )
        cls.audit_new = Audit.create(
            {"name": "Audit 2031", "date_start": "2031-02-01", "date_end": "2031-02-02", **audit_values}
        )
        cls.audit_planned = Audit.create(
            {"name": "Audit planned", "date_start": "2031-06-01", "date_end": "2031-06-02", **audit_values}
        )
        workflow_write(cls.audit_old | cls.audit_new, {"state": "in_progress"})
        Line = env["svcms.audit.line"]
        clause_id = cls.clause_complaints.id
        Line.create(
            [
                {"audit_id": cls.audit_old.id, "clause_id": clause_id, "question": "Q", "result": "conform"},
                {"audit_id": cls.audit_new.id, "clause_id": clause_id, "question": "Q", "result": "minor"},
                {"audit_id": cls.audit_planned.id, "clause_id": clause_id, "question": "Q", "result": "major"},
            ]
        )

    @classmethod
    def _complaints(cls, count, day=10):
        return cls.env["svcms.complaint"].create(
            [
                {
                    "subject": f"Pack complaint {n}",
                    "description": "Noisy",
                    "partner_id": cls.partner.id,
                    "date_received": f"2031-03-{day:02d} 0{n % 9}:00:00",
                }
                for n in range(count)
            ]
        )


@tagged("post_install", "-at_install")
class TestAuditPack(AuditCase, PackFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._pack_fixtures(cls.system, cls.emp_lead)

    def _pack(self, user=None, **values):
        Pack = self.env["svcms.audit.pack"].with_user(user or self.user_auditor)
        return Pack.create(
            {"management_system_id": self.system.id, "date_from": "2031-01-01", "date_to": "2031-12-31", **values}
        )

    def _row(self, data, clause):
        [row] = [row for row in data["clauses"] if row["clause"] == clause]
        return row

    def test_pack_lists_every_clause_with_its_evidence(self):
        data = self._pack()._svcms_pack_data()
        clauses = self.env["svcms.clause"].search([("standard", "=", "iso20000")])
        self.assertEqual([row["clause"] for row in data["clauses"]], list(clauses))
        row = self._row(data, self.clause_complaints)
        complaint_label = self.env["ir.model"]._get("svcms.complaint").name
        self.assertEqual(row["evidence_by_type"][complaint_label], 3, "the complaints received in the period")
        self.assertIn(
            {"number": self.document.number, "name": self.document.name, "revision": "A/1",
             "effective_date": date(2031, 1, 15)},
            row["documents"],
        )  # fmt: skip
        self.assertEqual(row["objectives"], [self.objective.name])
        self.assertEqual(row["open_nc_count"], 1, "the closed nonconformity is not open")
        self.assertEqual(row["last_finding"]["result"], "Minor Nonconformity", "latest held audit, not a planned one")
        self.assertEqual(row["last_finding"]["date"], date(2031, 2, 1))
        self.assertFalse(row["no_evidence"])
        self.assertIn(self.objective.name, [line["objective"] for line in data["objectives"]])

    def test_clause_without_evidence_is_flagged(self):
        data = self._pack()._svcms_pack_data()
        empty = self._row(data, self.clause_empty)
        self.assertTrue(empty["no_evidence"])
        self.assertEqual(empty["evidence"], [])
        self.assertIn(empty, data["flagged"])
        self.assertNotIn(self._row(data, self.clause_complaints), data["flagged"])
        heading = self._row(data, self.clause_complaints.parent_id)
        self.assertFalse(heading["no_evidence"], "a heading is evidenced through its sub-clauses")

    def test_period_restricts_the_counts(self):
        data = self._pack(date_from="2031-04-01", date_to="2031-04-30")._svcms_pack_data()
        complaint_label = self.env["ir.model"]._get("svcms.complaint").name
        self.assertEqual(self._row(data, self.clause_complaints)["evidence_by_type"][complaint_label], 0)

    def test_queries_do_not_grow_with_the_records(self):
        pack = self._pack()

        def measure():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            data = pack._svcms_pack_data()
            return self.env.cr.sql_log_count - before, data

        measure()  # warm the registry caches (ir.model ids ...)
        queries_before, data_before = measure()
        self._complaints(50, day=12)
        NC = self.env["svcms.nonconformity"]
        NC.create(
            [
                {
                    "name": f"NC {n}",
                    "management_system_id": self.system.id,
                    "clause_ids": [(6, 0, self.clause_complaints.ids)],
                    "description": "<p>x</p>",
                }
                for n in range(20)
            ]
        )
        queries_after, data_after = measure()
        complaint_label = self.env["ir.model"]._get("svcms.complaint").name
        row_before = self._row(data_before, self.clause_complaints)
        row_after = self._row(data_after, self.clause_complaints)
        self.assertEqual(
            row_after["evidence_by_type"][complaint_label], row_before["evidence_by_type"][complaint_label] + 50
        )
        self.assertEqual(queries_after, queries_before, "the pack's queries do not depend on the number of records")
        evidence_types = len(self.env["svcms.clause"]._svcms_evidence_models())
        self.assertLess(queries_after, 3 * evidence_types + 40, "about one aggregate per record type")

    def test_xlsx_rows(self):
        pack = self._pack()
        action = pack.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        content = base64.b64decode(pack.xlsx_file)

        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames, ["Clauses 条款", "Documents 文件", "Objectives 目标"])
        sheet = workbook["Clauses 条款"]
        headers = [cell.value for cell in sheet[3]]
        self.assertEqual(headers[:3], ["Clause / 条款", "Title / 标题", "Evidence records / 证据记录数"])
        rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
        clause_count = self.env["svcms.clause"].search_count([("standard", "=", "iso20000")])
        self.assertEqual(len(rows), clause_count)
        complaint_row = rows["8.3.2"]
        complaint_label = self.env["ir.model"]._get("svcms.complaint").name
        self.assertEqual(complaint_row[headers.index(complaint_label)], 3)
        self.assertIn(self.document.number, complaint_row[headers.index("Documents / 受控文件")])
        self.assertEqual(complaint_row[headers.index("Open nonconformities / 未关闭不符合项")], 1)
        self.assertIn("Minor Nonconformity", complaint_row[headers.index("Last audit finding / 最近审核发现")])
        self.assertFalse(complaint_row[headers.index("No evidence / 无证据")])
        self.assertEqual(rows["99.9"][headers.index("No evidence / 无证据")], "Yes / 是")
        documents = list(workbook["Documents 文件"].iter_rows(min_row=2, values_only=True))
        self.assertIn(("8.3.2", self.document.number, self.document.name, "A/1"), [row[:4] for row in documents])

    def test_bad_period_refused(self):
        with self.assertRaises(UserError):
            self._pack(date_from="2031-12-31", date_to="2031-01-01")

    def test_system_without_catalogue_refused(self):
        other = self.env["svcms.management.system"].create({"name": "Other", "code": "OTH", "standard": "other"})
        with self.assertRaises(UserError):
            self._pack(management_system_id=other.id)._svcms_pack_data()

    def test_staff_cannot_build_a_pack(self):
        with self.assertRaises(AccessError):
            self._pack(user=self.user_staff)

    def test_clause_shows_last_audit_result(self):
        clause = self.clause_complaints.with_user(self.user_auditor)
        self.assertEqual(clause.last_audit_result, "minor")
        self.assertEqual(clause.last_audit_date, date(2031, 2, 1))
        self.assertFalse(self.clause_empty.last_audit_result)


@tagged("post_install", "-at_install")
class TestAuditPackPdf(HttpCase, PackFixtures):
    """The PDF for real (wkhtmltopdf) and the RPC refusal for a user who is not an auditor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "Pack PDF system", "code": "PPDF", "standard": "iso20000"}
        )
        base = "svcms_base.group_svcms_user"
        cls.auditor = new_test_user(cls.env, "t_pack_auditor", groups=f"{base},svcms_audit.group_audit_auditor")
        cls.staff = new_test_user(cls.env, "t_pack_staff", groups=base)
        cls.lead = cls.env["hr.employee"].create({"name": "Pack lead"})
        cls._pack_fixtures(cls.system, cls.lead)

    def test_pdf_lists_clauses_and_flags_the_empty_one(self):
        self.assertTrue(shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF")
        pack = (
            self.env["svcms.audit.pack"]
            .with_user(self.auditor)
            .create({"management_system_id": self.system.id, "date_from": "2031-01-01", "date_to": "2031-12-31"})
        )
        action = pack.action_print_pdf()
        self.assertEqual(action["report_name"], "svcms_audit.report_audit_pack")
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_user(self.auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("svcms_audit.action_report_audit_pack", pack.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), "a PDF, not an HTML fallback")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
            pdf_file.write(pdf)
            pdf_file.flush()
            text = compact(
                subprocess.run(
                    ["pdftotext", "-enc", "UTF-8", pdf_file.name, "-"], capture_output=True, text=True, check=True
                ).stdout
            )
        self.assertIn("AuditPack", text)
        self.assertIn(compact(self.system.display_name), text)
        self.assertIn("8.3.2", text)
        self.assertIn(compact(self.document.number), text)
        self.assertIn("MinorNonconformity", text)
        self.assertIn("Clausenothingevidences", text)
        self.assertIn("Noevidence", text)
        self.assertIn(compact(self.objective.name), text)

    def test_staff_refused_through_rpc(self):
        count = self.env["svcms.audit.pack"].search_count([])
        with mute_logger(*RPC_LOGGERS), self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.staff.id,
                "t_pack_staff",
                "svcms.audit.pack",
                "create",
                [[{"management_system_id": self.system.id}]],
            )
        self.assertEqual(self.env["svcms.audit.pack"].search_count([]), count)
