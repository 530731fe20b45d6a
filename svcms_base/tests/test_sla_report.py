import base64
import io
import zipfile
from datetime import date

from odoo.tests import freeze_time, new_test_user, tagged

from .common import SlaCase

SH = "Asia/Shanghai"


@tagged("post_install", "-at_install")
class TestSlaPerformanceReport(SlaCase):
    """SLA performance vs targets and workload vs limits: pivots by SQL aggregates and an Excel export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._policy("投诉处理承诺-报表", hours=1)
        cls.agreement = cls.env["svcms.sla.agreement"].create(
            {"name": "经销商协议-报表", "partner_id": cls.customer.id, "workload_limit": 1, "tz": SH}
        )
        with freeze_time(cls.utc("2026-03-09 09:00", SH)):
            met = cls._complaint(resolution="<p>已处理</p>")
            met.action_investigate()
            cls._complaint(partner=cls.other_customer)
            cls._complaint()
        with freeze_time(cls.utc("2026-03-09 09:30", SH)):
            met.action_resolve()
        with freeze_time(cls.utc("2026-03-09 11:00", SH)):
            cls.env["svcms.sla.line"]._cron_check_deadlines()

    def test_compliance_in_the_pivot(self):
        Report = self.env["svcms.sla.report"]
        groups = Report._read_group(
            [("policy_id", "=", self.policy.id)], ["policy_id"], ["compliance:avg", "measured_count:sum", "__count"]
        )
        (_policy, compliance, measured, count) = groups[0]
        self.assertEqual(count, 3)
        self.assertEqual(measured, 2, "the request beyond the workload limit is not measured")
        self.assertAlmostEqual(compliance, 50.0)

    def test_workload_vs_limits(self):
        rows = self.env["svcms.sla.workload.report"].search([("agreement_id", "=", self.agreement.id)])
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.request_count, rows.over_limit_count, rows.workload_limit), (2, 1, 1))
        self.assertEqual(rows.period_start, date(2026, 3, 1))
        self.assertAlmostEqual(rows.utilization, 200.0)

    def test_excel_export(self):
        user = new_test_user(self.env, login="sla_reporter", groups="svcms_base.group_svcms_user")
        wizard = (
            self.env["svcms.sla.report.export"]
            .with_user(user)
            .create({"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)})
        )
        action = wizard.action_export()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        workbook = zipfile.ZipFile(io.BytesIO(base64.b64decode(attachment.datas)))
        strings = workbook.read("xl/sharedStrings.xml").decode()
        self.assertIn("投诉处理承诺-报表", strings)
        self.assertIn("经销商协议-报表", strings)
        self.assertEqual(len([n for n in workbook.namelist() if n.startswith("xl/worksheets/sheet")]), 5)
