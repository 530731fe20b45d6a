"""Every report of svcms_base printed as a real PDF by wkhtmltopdf, then read back as a user would read it.

`force_report_rendering` makes Odoo run wkhtmltopdf inside tests (otherwise it falls back to HTML). These tests
FAIL, never skip, when wkhtmltopdf or pdftotext is missing: see the README (Printing).
"""

import io
import shutil
import subprocess
import tempfile
import unicodedata
from unittest.mock import patch

from lxml import html as lxml_html

from odoo.addons.base.models.ir_actions_report import IrActionsReport as BaseIrActionsReport
from odoo.addons.svcms_base.models import ir_actions_report as svcms_printing
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import format_date
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

INSTALL_HINT = (
    "Printing needs wkhtmltopdf, a CJK font and pdftotext: on Debian/Ubuntu "
    "`apt-get install wkhtmltopdf fonts-noto-cjk poppler-utils` (scripts/svcms.py and .ci/run do it as root)."
)


def compact(text):
    """Text without any white space (pdftotext breaks Chinese lines anywhere), NFKC-normalised (the CJK font maps
    some characters to look-alikes such as the Kangxi radical ⽂ for 文, and full-width to ASCII punctuation)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


class ReportPdfCase(HttpCase):
    """Prints through wkhtmltopdf; the HTTP server of the test serves the report's styles to wkhtmltopdf."""

    def _print(self, report_xmlid, records, user, lang="zh_CN"):
        """Print `records` as `user` and return the text of each page of the one PDF (white space removed)."""
        report_model = self.env["ir.actions.report"]
        self.assertEqual(report_model.get_wkhtmltopdf_state(), "ok", INSTALL_HINT)
        self.assertTrue(shutil.which("pdftotext"), INSTALL_HINT)
        pdf, report_format = (
            report_model.with_user(user)
            .with_context(force_report_rendering=True, lang=lang)
            ._render_qweb_pdf(report_xmlid, records.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), "a PDF, not an HTML fallback")
        page_count = len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
            pdf_file.write(pdf)
            pdf_file.flush()
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", pdf_file.name, "-"], capture_output=True, text=True, check=True
            ).stdout
        pages = text.split("\f")[:page_count]
        self.assertEqual(len(pages), page_count)
        return [compact(page) for page in pages]

    def _html_text(self, report_xmlid, records, user, css_class, lang="zh_CN"):
        """Text of the elements with `css_class` in the report as HTML: what a label prints as in `lang`."""
        html = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(lang=lang)
            ._render_qweb_html(report_xmlid, records.ids)[0]
        )
        page = lxml_html.fromstring(html)
        return [
            compact(node.text_content())
            for node in page.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
        ]

    def assertEveryPage(self, pages, *texts):
        """Each page carries every text of `texts`, and its own page number "x/y"."""
        for number, page in enumerate(pages, start=1):
            for text in texts:
                self.assertIn(compact(text), page, f"page {number} of {len(pages)} lacks {text!r}")
            self.assertIn(f"{number}/{len(pages)}", page, f"page {number} lacks its page number")


@tagged("post_install", "-at_install")
class TestReports(ReportPdfCase):
    # every ir.actions.report of svcms_base, each printed by a test below
    PRINTED = {
        "svcms_base.action_report_document",
        "svcms_base.action_report_document_copy",
        "svcms_base.action_report_manual",
        "svcms_base.action_report_representative_appointment",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.printer = new_test_user(
            cls.env,
            login="svcms_report_printer",
            groups="base.group_user,svcms_base.group_svcms_user",
            lang="zh_CN",
        )
        cls.document = cls.env.ref("svcms_base.demo_doc_iso_p_documents")  # 文件和记录控制程序 A/1, effective
        cls.other_document = cls.env.ref("svcms_base.demo_doc_iso_p_sla")  # 服务级别管理程序
        cls.copy = cls.env.ref("svcms_base.demo_copy_iso_p_documents_01")  # issued copy of the effective A/1
        cls.manual = cls.env.ref("svcms_base.demo_manual_itsm")  # 服务管理体系手册

    def _header_status(self, report_xmlid, records):
        """The controlled status as the page header prints it in Chinese: 受控/不受控 (Controlled/Uncontrolled
        until the translations of the page header are exported)."""
        return self._html_text(report_xmlid, records, self.printer, "svcms_page_header_status")

    def _control_data(self, document):
        self.assertTrue(document.number and document.revision and document.effective_date)
        return (
            document.number,
            document.revision,
            format_date(self.env(context={"lang": "zh_CN"}), document.effective_date),
        )

    def test_every_report_is_printed_here(self):
        reports = self.env["ir.model.data"].search([("module", "=", "svcms_base"), ("model", "=", "ir.actions.report")])
        self.assertEqual({f"svcms_base.{data.name}" for data in reports}, self.PRINTED)

    def test_controlled_document(self):
        self.assertEqual(self.document.state, "effective")
        (status,) = self._header_status("svcms_base.action_report_document", self.document)
        self.assertIn(status, ("Uncontrolled", "不受控"), "a plain printout is uncontrolled")
        pages = self._print("svcms_base.action_report_document", self.document, self.printer)
        self.assertEveryPage(pages, *self._control_data(self.document), status, self.env.company.name)
        text = "".join(pages)
        self.assertIn("文件和记录控制程序", text)
        self.assertIn("规范服务管理体系文件和记录的编制、审批、发放、更改和作废", text)
        self.assertIn("不受控", text, "the document control block says 不受控")
        self.assertIn("打印件不受控", text)

    def test_controlled_copy(self):
        self.assertTrue(self.copy.is_controlled)
        (status,) = self._header_status("svcms_base.action_report_document_copy", self.copy)
        self.assertIn(status, (f"Controlled({self.copy.name})", f"受控({self.copy.name})"))
        pages = self._print("svcms_base.action_report_document_copy", self.copy, self.printer)
        self.assertEveryPage(pages, *self._control_data(self.copy.document_id), status)
        text = "".join(pages)
        self.assertNotIn("不受控", text)
        self.assertNotIn("Uncontrolled", text)
        self.assertIn(self.copy.holder_employee_id.name, text, "the copy names its holder")
        self.assertIn("质量管理部统一编号、登记并发放受控副本", text)

    def test_manual_carries_document_control_on_every_page(self):
        (status,) = self._header_status("svcms_base.action_report_manual", self.manual)
        pages = self._print("svcms_base.action_report_manual", self.manual, self.printer)
        self.assertGreater(len(pages), 5, "cover, promulgation, history, contents, sections and annexes")
        self.assertEveryPage(pages, *self._control_data(self.manual), status, "服务管理体系手册")
        text = "".join(pages)
        self.assertIn("本手册自发布之日起实施", text, "promulgation order")
        procedure = self.manual._get_manual_procedures()[:1]
        self.assertTrue(procedure)
        self.assertIn(compact(procedure.number + procedure.name), text, "annex 1: procedure list")

    def test_appointment_letter(self):
        system = self.env.ref("svcms_base.demo_system_itsm")
        pages = self._print("svcms_base.action_report_representative_appointment", system, self.printer)
        self.assertEqual(len(pages), 1)
        # the company letterhead and the footer's page number print with any wkhtmltopdf
        self.assertEveryPage(pages, self.env.company.name, "管理者代表任命书", system.representative_id.name)
        self.assertIn("ISO/IEC20000-1:2018", pages[0])
        self.assertEqual(pages[0].count("(ISO/IEC20000-1:2018)"), 1, "the standard is not repeated")

    def test_several_documents_print_as_one_pdf(self):
        documents = self.document | self.other_document
        alone = [len(self._print("svcms_base.action_report_document", doc, self.printer)) for doc in documents]
        pages = self._print("svcms_base.action_report_document", documents, self.printer)
        self.assertEqual(len(pages), sum(alone), "one PDF holding both documents")
        first, second = pages[: alone[0]], pages[alone[0] :]
        for document_pages, document in ((first, self.document), (second, self.other_document)):
            # each document keeps its own page header and its own page numbers
            self.assertEveryPage(document_pages, *self._control_data(document), document.name)
        self.assertNotIn(self.other_document.number, "".join(first))

    def test_unpatched_wkhtmltopdf_is_detected(self):
        report = self.env.ref("svcms_base.action_report_document")
        other_report = self.env.ref("base.ir_module_reference_print")
        versions = {
            "wkhtmltopdf 0.12.6.1 (with patched qt)\n": (True, False),
            "wkhtmltopdf 0.12.6\n": (False, True),
            "": (False, True),
        }
        for version, (patched, alone) in versions.items():
            with patch.object(svcms_printing, "_wkhtmltopdf_version_text", return_value=version):
                self.assertEqual(report._svcms_wkhtmltopdf_patched(), patched, version)
                self.assertEqual(report._svcms_prints_alone(), alone, version)
                self.assertFalse(other_report._svcms_prints_alone(), "only SVCMS reports are printed differently")

    def test_patched_wkhtmltopdf_prints_in_one_call_as_odoo_does(self):
        """With a patched wkhtmltopdf Odoo's code runs unchanged: one call, page header and footer passed on."""
        documents = self.document | self.other_document
        calls = []

        def fake_wkhtmltopdf(report_model, bodies, report_ref=False, header=None, footer=None, **kwargs):
            strip = report_model.env.context.get("svcms_page_strip")
            calls.append({"bodies": len(bodies), "header": header, "footer": footer, "strip": bool(strip)})
            writer = PdfFileWriter()
            for _body in bodies:
                writer.add_blank_page(595, 842)
            stream = io.BytesIO()
            writer.write(stream)
            return stream.getvalue()

        report_model = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with (
            patch.object(BaseIrActionsReport, "_run_wkhtmltopdf", fake_wkhtmltopdf),
            patch.object(type(report_model), "_svcms_wkhtmltopdf_patched", return_value=True),
        ):
            pdf, _format = report_model._render_qweb_pdf("svcms_base.action_report_document", documents.ids)
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["bodies"], 2)
        self.assertIn("svcms_page_header", calls[0]["header"], "the page header goes to wkhtmltopdf")
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf), strict=False).pages), 2)

        calls.clear()
        with (
            patch.object(BaseIrActionsReport, "_run_wkhtmltopdf", fake_wkhtmltopdf),
            patch.object(type(report_model), "_svcms_wkhtmltopdf_patched", return_value=False),
        ):
            pdf, _format = report_model._render_qweb_pdf("svcms_base.action_report_document", documents.ids)
        # per document: the body without Odoo's page header (unpatched Qt ignores it), then the header strips
        self.assertEqual(
            [(call["bodies"], call["strip"], call["header"]) for call in calls],
            [(1, False, None), (1, True, None)] * 2,
        )
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf), strict=False).pages), 2)
