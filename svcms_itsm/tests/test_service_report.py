import io
import xmlrpc.client
import zipfile
from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user

from .common import ItsmCase, sla_lines


class ServiceReportFixtures:
    @classmethod
    def _report_fixtures(cls):
        env = cls.env
        cls.customer.email = "dealer@example.com"
        cls.relationship = env["svcms.customer.relationship"].create(
            {"partner_id": cls.customer.id, "report_contact_id": cls.customer.id}
        )
        cls.agreement = env["svcms.sla.agreement"].create(
            {
                "name": "Test report agreement",
                "partner_id": cls.customer.id,
                "service_id": cls.service_erp.id,
                "workload_limit": 10,
                "compliance_target": 95.0,
                "tz": "UTC",
            }
        )
        september = datetime(2026, 9, 15, 10, 0)
        # 3 met, 1 breached, 1 beyond the workload limit: 75 % of 4 measured
        sla_lines(
            env,
            cls.agreement,
            cls.customer,
            [(False, False, september)] * 3 + [(True, False, september), (True, True, september)],
        )
        # major incidents are declared by hand below and the service levels are the lines above: the (demo)
        # criteria and the incidents' own SLA policies must not add theirs when the incidents are created
        env["svcms.major.incident.rule"].sudo().search([]).active = False
        env["svcms.sla.policy"].sudo().search([("res_model", "=", "svcms.incident")]).active = False
        Incident = env["svcms.incident"].sudo()
        incidents = Incident.create(
            [
                {
                    "subject": f"Incident {priority}",
                    "partner_id": partner.id,
                    "priority": priority,
                    "date_reported": reported,
                    "service_ids": [(6, 0, cls.service_erp.ids)],
                }
                for priority, partner, reported in [
                    ("1", cls.user_portal.partner_id, datetime(2026, 9, 3, 2, 0)),
                    ("2", cls.customer, datetime(2026, 9, 4, 2, 0)),
                    ("2", cls.customer, datetime(2026, 9, 5, 2, 0)),
                    ("4", cls.customer, datetime(2026, 9, 29, 2, 0)),
                    ("3", cls.customer, datetime(2026, 8, 20, 2, 0)),  # previous period
                    ("1", cls.other_customer, datetime(2026, 9, 3, 2, 0)),  # another customer
                ]
            ]
        )
        env["svcms.major.incident"].sudo().create({"incident_id": incidents[0].id})
        env["svcms.change"].sudo().create(
            [
                {
                    "subject": f"Change {outcome}",
                    "state": "done",
                    "outcome": outcome,
                    "actual_end": datetime(2026, 9, day, 12, 0),
                    "service_ids": [(6, 0, cls.service_erp.ids)],
                }
                for day, outcome in [(2, "successful"), (9, "successful"), (16, "failed"), (23, "backed_out")]
            ]
        )
        env["svcms.outage"].sudo().create(
            [
                {
                    "service_id": cls.service_erp.id,
                    "date_start": datetime(2026, 9, 10, 0, 0),
                    "date_end": datetime(2026, 9, 10, 12, 0),
                },
                {
                    "service_id": cls.service_erp.id,
                    "date_start": datetime(2026, 9, 11, 0, 0),
                    "date_end": datetime(2026, 9, 11, 6, 0),
                    "planned": True,
                },
            ]
        )
        env["svcms.satisfaction.survey"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "service_id": service.id,
                    "period_start": date(2026, 9, 1),
                    "period_end": date(2026, 9, 30),
                    "score": score,
                }
                for service, score in [(cls.service_erp, "4"), (cls.service_mail, "5")]
            ]
        )

    @classmethod
    def _report(cls, user):
        return (
            cls.env["svcms.service.report"]
            .with_user(user)
            .create(
                {
                    "relationship_id": cls.relationship.id,
                    "service_ids": [(6, 0, cls.service_erp.ids)],
                    "period_start": date(2026, 9, 1),
                    "period_end": date(2026, 9, 30),
                }
            )
        )


class TestServiceReport(ServiceReportFixtures, ItsmCase):
    """The service report (9.4): figures against the records, PDF, XLSX, sending and freezing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._report_fixtures()

    def test_figures(self):
        report = self._report(self.user_agent)
        data = report.snapshot
        self.assertEqual([p["label"] for p in data["periods"]], ["2026-06", "2026-07", "2026-08", "2026-09"])
        sla = data["sla"][-1]
        self.assertEqual((sla["measured"], sla["met"], sla["breached"], sla["excluded"]), (4, 3, 1, 1))
        self.assertEqual(sla["achieved"], 75.0)
        self.assertEqual(report.sla_achieved, 75.0)
        self.assertEqual(data["workload"][-1], {"requests": 5, "over_limit": 1, "limit": 10})
        incidents = data["incidents"][-1]
        self.assertEqual(incidents["by_priority"], {"1": 1, "2": 2, "3": 0, "4": 1})
        self.assertEqual(incidents["total"], 4)
        self.assertEqual(data["incidents"][-2]["total"], 1, "trend: the previous period")
        self.assertEqual(data["incidents"][0]["total"], 0)
        self.assertEqual(data["major_incidents"][-1], 1)
        self.assertEqual(data["changes"][-1], {"successful": 2, "failed": 1, "backed_out": 1, "total": 4})
        # 12 unplanned hours of 30 days; the planned window does not count
        self.assertAlmostEqual(data["availability"][0]["values"][-1], round(100.0 * (720 - 12) / 720, 3))
        self.assertEqual(data["availability"][0]["values"][-2], 100.0)
        self.assertEqual(data["satisfaction"][-1], {"count": 2, "average": 4.5})
        self.assertEqual(data["satisfaction"][-2], {"count": 0, "average": None})

    def test_pdf_and_xlsx(self):
        report = self._report(self.user_agent)
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("svcms_itsm.action_report_service_report", report.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        action = report.with_user(self.user_agent).action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        workbook = zipfile.ZipFile(io.BytesIO(attachment.raw))
        strings = workbook.read("xl/sharedStrings.xml").decode()
        self.assertIn("Total incidents", strings)
        self.assertIn("2026-09", strings)
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("<v>75</v>", sheet)

    def test_approve_send_freeze(self):
        report = self._report(self.user_agent)
        with self.assertRaises(UserError):
            report.action_send()  # not approved
        with self.assertRaises(UserError):
            report.action_approve()  # agents do not approve
        report.with_user(self.user_manager).action_approve()
        with self.assertRaises(UserError):
            report.summary = "<p>changed after approval</p>"
        report.action_send()
        self.assertEqual((report.state, report.sent_by_id), ("sent", self.user_agent))
        message = report.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertTrue(message, "the report was e-mailed")
        self.assertIn(self.customer, message.partner_ids)
        self.assertTrue(message.attachment_ids, "with the report attached")
        with self.assertRaises(UserError):
            report.with_user(self.user_manager).summary = "<p>changed after sending</p>"
        with self.assertRaises(UserError):
            report.with_user(self.user_manager).unlink()

    def test_monthly_generation(self):
        self.relationship.auto_send = True
        Relationship = self.env["svcms.customer.relationship"]
        with freeze_time("2026-10-01 03:00:00"):
            Relationship._cron_send_monthly_reports()
            Relationship._cron_send_monthly_reports()
        reports = self.env["svcms.service.report"].search([("relationship_id", "=", self.relationship.id)])
        self.assertEqual(len(reports), 1, "one report per relationship and month")
        self.assertEqual(
            (reports.period_start, reports.period_end, reports.state), (date(2026, 9, 1), date(2026, 9, 30), "sent")
        )
        self.assertEqual(reports.snapshot["incidents"][-1]["total"], 4)


class TestServiceReportRpc(ServiceReportFixtures, HttpCase):
    """A sent report cannot be changed or deleted through RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        itsm = "base.group_user,svcms_itsm.group_itsm_user"
        cls.user_agent = new_test_user(cls.env, "t_slm_rpc_agent", groups=itsm)
        cls.user_manager = new_test_user(
            cls.env, "t_slm_rpc_manager", groups="base.group_user,svcms_itsm.group_itsm_manager"
        )
        cls.customer = cls.env["res.partner"].create({"name": "RPC Dealer", "is_company": True})
        cls.other_customer = cls.env["res.partner"].create({"name": "RPC Other", "is_company": True})
        cls.user_portal = new_test_user(cls.env, "t_slm_rpc_portal", groups="base.group_portal")
        cls.user_portal.partner_id.parent_id = cls.customer
        cls.service_erp, cls.service_mail = cls.env["svcms.service"].create(
            [
                {"code": "R-ERP", "name": "RPC ERP", "status": "live", "customer_ids": [(6, 0, cls.customer.ids)]},
                {"code": "R-MAIL", "name": "RPC Mail", "status": "live"},
            ]
        )
        cls._report_fixtures()

    def test_sent_report_immutable_through_rpc(self):
        report = self._report(self.user_agent)
        report.with_user(self.user_manager).action_approve()
        report.with_user(self.user_agent).action_send()
        db = self.env.cr.dbname
        for login, user in (("t_slm_rpc_agent", self.user_agent), ("t_slm_rpc_manager", self.user_manager)):
            for method, args in (
                ("write", [[report.id], {"summary": "<p>rewritten</p>", "period_end": "2026-09-15"}]),
                ("write", [[report.id], {"state": "draft"}]),
                ("action_compute", [[report.id]]),
                ("action_approve", [[report.id]]),
                ("unlink", [[report.id]]),
            ):
                with self.subTest(user=login, method=method), self.assertRaises(xmlrpc.client.Fault):
                    self.xmlrpc_object.execute_kw(db, user.id, login, "svcms.service.report", method, args)
        report.invalidate_recordset()
        self.assertTrue(report.exists())
        self.assertEqual((report.state, report.period_end, report.summary), ("sent", date(2026, 9, 30), False))
