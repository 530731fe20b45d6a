"""Every report of svcms_aftersales printed as a real PDF by wkhtmltopdf and read back (see svcms_base)."""

from odoo.addons.svcms_base.tests.test_reports import ReportPdfCase, compact
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReports(ReportPdfCase):
    # every ir.actions.report of svcms_aftersales, each printed by a test below
    PRINTED = {"svcms_aftersales.action_report_service_request"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.printer = new_test_user(
            cls.env,
            login="svcms_service_report_printer",
            groups="base.group_user,svcms_aftersales.group_aftersales_user",
        )
        # demo: 洗衣机不进水 (repaired, a part used) and 空调频繁停机 (exchange requested)
        cls.repaired = cls.env.ref("svcms_aftersales.request_zhang_wm_closed")
        cls.exchange = cls.env.ref("svcms_aftersales.request_li_ac_exchange")
        # the service report is printed in the customer's language
        (cls.repaired | cls.exchange).partner_id.lang = "zh_CN"

    def test_every_report_is_printed_here(self):
        reports = self.env["ir.model.data"].search(
            [("module", "=", "svcms_aftersales"), ("model", "=", "ir.actions.report")]
        )
        self.assertEqual({f"svcms_aftersales.{data.name}" for data in reports}, self.PRINTED)

    def test_service_report(self):
        request = self.repaired
        self.assertTrue(request.part_line_ids and request.lot_id)
        pages = self._print("svcms_aftersales.action_report_service_request", request, self.printer)
        self.assertEqual(len(pages), 1)
        # the company letterhead and a footer with the request number and page number, with any wkhtmltopdf
        self.assertEveryPage(pages, self.env.company.name, request.name)
        text = pages[0]
        self.assertIn("服务报告", text, "printed in the customer's language")
        for expected in (
            request.partner_id.name,
            request.lot_id.name,
            "洗衣机不进水,面板显示E1",
            "主控板进水阀驱动电路损坏,更换主控板",
            request.part_line_ids.product_id.name,
        ):
            self.assertIn(compact(expected), text)
        self.assertNotIn("Service Report", text, "no English label in a Chinese report")

    def test_several_service_reports_print_as_one_pdf(self):
        requests = self.repaired | self.exchange
        pages = self._print("svcms_aftersales.action_report_service_request", requests, self.printer)
        self.assertEqual(len(pages), 2, "one PDF holding both reports")
        for page, request, description in (
            (pages[0], self.repaired, "洗衣机不进水"),
            (pages[1], self.exchange, "显示E4故障代码"),
        ):
            self.assertIn(request.name, page)
            self.assertIn(request.partner_id.name, page)
            self.assertIn(description, page)
            self.assertIn("1/1", page, "each report numbers its own pages")
