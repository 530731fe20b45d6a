import base64
import re

from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import file_open

from .common import DocumentCommon


@tagged("post_install", "-at_install")
class TestManualReport(DocumentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_system = cls.env["svcms.management.system"].create(
            {"name": "Other system", "code": "OTH", "standard": "gbt27922"}
        )
        cls.top_department = cls.env["hr.department"].create({"name": "General Management"})
        cls.boss = cls.env["hr.employee"].create({"name": "Chen the Boss", "department_id": cls.top_department.id})
        cls.top_department.manager_id = cls.boss
        cls.department.parent_id = cls.top_department

    def _manual(self):
        procedure = self._approve(self._create_document(name="Incident management procedure"))
        manual = self._create_document(
            doc_type=self.manual_type,
            name="Service management manual",
            promulgation="<p>This manual is hereby promulgated. 发布令正文</p>",
            section_ids=[
                Command.create({"sequence": 1, "code": "0", "title": "Overview", "body": "<p>About this manual</p>"}),
                Command.create(
                    {"sequence": 2, "code": "0.2", "title": "Promulgation", "body": "<p>See front page</p>"}
                ),
                Command.create(
                    {
                        "sequence": 3,
                        "code": "8.6.1",
                        "title": "Incident management",
                        "clause_id": self.env.ref("svcms_base.clause_iso20000_8_6_1").id,
                        "body": "<p>Incidents are prioritised by impact and urgency.</p>",
                        "procedure_ids": [Command.set(procedure.ids)],
                    }
                ),
            ],
        )
        return manual, procedure

    def _render(self, manual):
        html = self.env["ir.actions.report"]._render_qweb_html("svcms_base.action_report_manual", manual.ids)[0]
        return lxml_html.fromstring(html)

    def _texts(self, page, css_class):
        return [
            " ".join(node.text_content().split())
            for node in page.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
        ]

    def test_manual_report_contains_everything(self):
        with freeze_time("2026-02-01 09:00:00"):
            manual, procedure = self._manual()
            self._approve(manual)
        draft_procedure = self._create_document(name="Capacity management procedure")
        foreign_procedure = self._approve(
            self._create_document(name="Repair procedure", management_system_id=self.other_system.id)
        )
        # the annexes are printed as they were when the revision was approved: allocate before approving
        job = self.env["hr.job"].create({"name": "Quality Engineer"})
        process = self.env["svcms.process"].create(
            {
                "name": "Incident management",
                "management_system_id": self.system.id,
                "raci_line_ids": [
                    Command.create({"department_id": self.department.id, "raci": "R"}),
                    Command.create({"department_id": self.top_department.id, "raci": "A"}),
                    Command.create({"job_id": job.id, "raci": "C"}),
                ],
            }
        )
        with freeze_time("2026-06-01 09:00:00"):
            revision = self._new_revision(manual, summary="Added the incident escalation matrix")
            self._approve(revision)
        page = self._render(revision)
        text = " ".join(page.text_content().split())

        # cover
        self.assertIn(self.env.company.name, text)
        self.assertEqual(self._texts(page, "svcms_document_number"), ["MC-TDC-M-01"])
        self.assertEqual(self._texts(page, "svcms_document_revision"), ["A/1"])
        self.assertEqual(self._texts(page, "svcms_manual_approver"), [self.approver.name])
        effective_date = re.sub(r"\D", "", self._texts(page, "svcms_document_effective_date")[0])
        self.assertIn(effective_date, ("20260601", "06012026"))
        # promulgation order
        self.assertIn("发布令正文", " ".join(self._texts(page, "svcms_manual_promulgation")))
        # revision history: both revisions with their summaries
        history = self._texts(page, "svcms_manual_history_line")
        self.assertEqual(len(history), 2)
        self.assertIn("A/0", history[0])
        self.assertIn("A/1", history[1])
        self.assertIn("Added the incident escalation matrix", history[1])
        # table of contents and sections, copied into the new revision
        toc = " ".join(self._texts(page, "svcms_manual_toc"))
        for heading in ("0 Overview", "0.2 Promulgation", "8.6.1 Incident management"):
            self.assertIn(heading, toc)
        sections = self._texts(page, "svcms_manual_section")
        self.assertEqual(len(sections), 3)
        self.assertIn("Incidents are prioritised by impact and urgency.", sections[2])
        self.assertIn(procedure.number, sections[2])
        # annex 1: effective procedures of this management system only
        procedures = self._texts(page, "svcms_manual_procedure")
        self.assertEqual(len(procedures), 1)
        self.assertIn(procedure.number, procedures[0])
        self.assertNotIn(draft_procedure.name, text)
        self.assertNotIn(foreign_procedure.name, text)
        # annex 2: responsibility allocation, processes x roles
        raci = page.xpath("//*[contains(@class, 'svcms_manual_raci')]//table")[0]
        header = [" ".join(th.text_content().split()) for th in raci.xpath(".//thead//th")]
        self.assertEqual(header, ["Process", "Service Desk", "General Management", "Quality Engineer"])
        row = [" ".join(td.text_content().split()) for td in raci.xpath(".//tbody/tr")[0].xpath("./td")]
        self.assertEqual(row, [process.display_name, "R", "A", "C"])
        # annex 3: organisation chart, nested, with managers
        nested = page.xpath(
            "//ul[contains(@class, 'svcms_org_chart')]/li[strong='General Management']" "/ul/li[strong='Service Desk']"
        )
        self.assertTrue(nested, "Service Desk is drawn under General Management")
        self.assertIn("Chen the Boss", " ".join(self._texts(page, "svcms_org_department")))

    def test_print_button(self):
        manual, procedure = self._manual()
        action = manual.action_print_manual()
        self.assertEqual(action["report_name"], "svcms_base.report_manual")
        with self.assertRaisesRegex(UserError, "is not a manual"):
            procedure.action_print_manual()

    def test_sections_are_frozen_with_the_manual(self):
        manual, _procedure = self._manual()
        section = manual.section_ids[0]
        section.with_user(self.author).write({"title": "Overview and scope"})
        self._approve(manual)
        with self.assertRaisesRegex(UserError, "Sections can no longer change"):
            section.with_user(self.manager).write({"body": "<p>changed</p>"})
        with self.assertRaisesRegex(UserError, "Sections can no longer change"):
            self.env["svcms.manual.section"].with_user(self.manager).create(
                {"document_id": manual.id, "title": "Late addition"}
            )
        with self.assertRaisesRegex(UserError, "Sections can no longer change"):
            section.with_user(self.manager).unlink()
        revision = self._new_revision(manual)
        self.assertEqual(revision.section_ids.mapped("title"), manual.section_ids.mapped("title"))
        self.assertFalse(revision.section_ids & manual.section_ids, "the new revision has its own sections")
        revision.section_ids[0].with_user(self.author).write({"title": "Overview (revised)"})
        self.assertEqual(section.title, "Overview and scope")

    def test_employee_reads_sections_of_manual_they_must_read(self):
        manual, _procedure = self._manual()
        manual.reader_employee_ids = self.reader
        self._approve(manual)
        sections = (
            self.env["svcms.manual.section"].with_user(self.employee_user).search([("document_id", "=", manual.id)])
        )
        self.assertEqual(len(sections), 3)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.employee_user)
            ._render_qweb_html("svcms_base.action_report_manual", manual.ids)[0]
        )
        self.assertIn(b"Incident management", html)
        outsider_sections = (
            self.env["svcms.manual.section"]
            .with_user(self.other_employee_user)
            .search([("document_id", "=", manual.id)])
        )
        self.assertFalse(outsider_sections)


@tagged("post_install", "-at_install")
class TestManualDemo(TransactionCase):
    """The demo manuals are complete and printable (skipped on a database without demo data)."""

    def setUp(self):
        super().setUp()
        self.aftersales = self.env.ref("svcms_base.demo_manual_aftersales", raise_if_not_found=False)
        if not self.aftersales:
            self.skipTest("no demo data")

    def test_demo_manuals(self):
        chapters = self.aftersales.section_ids.filtered(lambda s: s.code.startswith("第")).mapped("code")
        self.assertEqual(
            chapters,
            ["第一章", "第二章", "第三章", "第四章", "第五章", "第六章", "第七章", "第八章", "第九章", "第十章"],
        )
        procedures = self.aftersales._get_manual_procedures()
        self.assertEqual(procedures.mapped("number"), [f"MC-ASMS-P-{n:02d}" for n in range(1, 32)])
        self.assertEqual(set(procedures.mapped("state")), {"effective"})
        self.assertEqual(procedures[24].name, "文件控制程序")
        itsm = self.env.ref("svcms_base.demo_manual_itsm")
        self.assertEqual(itsm.number, "MC-SM-M-01")
        self.assertIn("0.4", itsm.section_ids.mapped("code"))
        superseded = self.env.ref("svcms_base.demo_doc_iso_p_documents_a0")
        self.assertEqual((superseded.state, superseded.superseded_by_id.revision), ("superseded", "A/1"))
        report = self.env["ir.actions.report"]
        for manual in (self.aftersales, itsm):
            html = report._render_qweb_html("svcms_base.action_report_manual", manual.ids)[0].decode()
            self.assertIn(manual.name, html)
            self.assertIn("广东美澜电器有限公司", html)
        with file_open("svcms_base/demo/company_logo.png", "rb") as logo:
            # its own logo on every printed page, not Odoo's "Your logo" placeholder
            self.assertEqual(base64.b64decode(self.env.ref("base.main_company").logo), logo.read())
        user = new_test_user(self.env, login="demo_doc_user", groups="svcms_base.group_svcms_user")
        self.assertTrue(self.env["svcms.document.acknowledgement"].with_user(user).search([("state", "=", "pending")]))
