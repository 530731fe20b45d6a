import datetime
import xmlrpc.client

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ItsmCase

D = datetime.datetime


@tagged("post_install", "-at_install")
class TestAvailability(ItsmCase):
    def _outages(self, service, *spans, planned=False):
        return self.env["svcms.outage"].create(
            [{"service_id": service.id, "date_start": s, "date_end": e, "planned": planned} for s, e in spans]
        )

    def test_overlaps_merged_clipped_planned_excluded(self):
        start, stop = D(2026, 3, 1), D(2026, 3, 11)  # 240 hours
        self._outages(
            self.service_erp,
            (D(2026, 3, 2, 0), D(2026, 3, 2, 12)),
            (D(2026, 3, 2, 6), D(2026, 3, 2, 18)),  # overlaps: 18 hours together
            (D(2026, 3, 2, 8), D(2026, 3, 2, 9)),  # inside
            (D(2026, 2, 28, 22), D(2026, 3, 1, 2)),  # before the period: 2 hours inside
            (D(2026, 3, 10, 23), D(2026, 3, 12)),  # after: 1 hour inside
            (D(2026, 2, 1), D(2026, 2, 2)),  # outside
        )
        self._outages(self.service_erp, (D(2026, 3, 5), D(2026, 3, 6)), planned=True)
        self.env.flush_all()
        with self.assertQueryCount(1):
            result = self.env["svcms.outage"]._svcms_availability(self.service_erp | self.service_mail, start, stop)
        self.assertAlmostEqual(result[self.service_erp.id], 100.0 * (240 - 21) / 240, places=6)
        self.assertEqual(result[self.service_mail.id], 100.0)

    def test_open_outage_lasts_to_period_end(self):
        self._outages(self.service_mail, (D(2026, 3, 10, 12), False))
        result = self.env["svcms.outage"]._svcms_availability(self.service_mail, D(2026, 3, 1), D(2026, 3, 11))
        self.assertAlmostEqual(result[self.service_mail.id], 100.0 * (240 - 12) / 240, places=6)

    def test_end_before_start_refused(self):
        Outage = self.env["svcms.outage"].with_user(self.user_agent)
        # a refused request rolls back: a savepoint stands for that here
        with self.assertRaisesRegex(ValidationError, "cannot end"), self.env.cr.savepoint():
            Outage.create({"service_id": self.service_erp.id, "date_start": D(2026, 3, 2), "date_end": D(2026, 3, 1)})
        self.env.invalidate_all()
        self.assertFalse(self.env["svcms.outage"].search([("service_id", "=", self.service_erp.id)]))
        outage = Outage.create({"service_id": self.service_erp.id, "date_start": D(2026, 3, 2)})
        with self.assertRaisesRegex(ValidationError, "cannot end"), self.env.cr.savepoint():
            outage.write({"date_end": D(2026, 3, 1)})
        outage.invalidate_recordset()
        self.assertFalse(outage.date_end)

    def test_target_above_100_refused(self):
        service = self.service_erp.with_user(self.user_manager)
        service.availability_target = 99.9
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"), self.env.cr.savepoint():
            service.write({"availability_target": 100.5})
        service.invalidate_recordset()
        self.assertEqual(service.availability_target, 99.9)

    def test_record_outage_from_incident(self):
        incident = self.env["svcms.incident"].create(
            {
                "subject": "邮件无法发送",
                "service_ids": [(6, 0, (self.service_mail | self.service_erp).ids)],
                "date_reported": D(2026, 3, 3, 8),
            }
        )
        incident.sudo().write({"resolved_date": D(2026, 3, 3, 9, 30)})
        action = self.env.ref("svcms_itsm.svcms_outage_action_from_incident")
        self.assertEqual(action.binding_model_id.model, "svcms.incident")
        context = {"active_model": "svcms.incident", "active_id": incident.id, "active_ids": incident.ids}
        form = Form(self.env["svcms.outage"].with_user(self.user_agent).with_context(**context))
        self.assertEqual(form.incident_id, incident)
        self.assertIn(form.service_id, self.service_mail | self.service_erp)
        self.assertEqual(form.date_start, D(2026, 3, 3, 8))
        self.assertEqual(form.date_end, D(2026, 3, 3, 9, 30))
        outage = form.save()
        self.assertAlmostEqual(outage.duration_hours, 1.5)

    def test_report_per_month_against_target(self):
        self.service_erp.availability_target = 99.9
        self.service_mail.availability_target = 99.0
        last_month = fields.Date.today().replace(day=1) - relativedelta(months=1)
        start = D.combine(last_month, datetime.time()) + relativedelta(days=9)
        self._outages(self.service_erp, (start, start + relativedelta(hours=3)))
        self._outages(self.service_mail, (start, start + relativedelta(hours=3)), planned=True)
        self.env.flush_all()
        rows = self.env["svcms.availability.report"].search(
            [("service_id", "in", (self.service_erp | self.service_mail).ids), ("month", "=", last_month)]
        )
        by_service = {row.service_id: row for row in rows}
        hours = (last_month + relativedelta(months=1) - last_month).days * 24
        self.assertAlmostEqual(by_service[self.service_erp].availability, 100.0 * (hours - 3) / hours, places=3)
        self.assertAlmostEqual(by_service[self.service_erp].downtime_hours, 3.0, places=3)
        self.assertFalse(by_service[self.service_erp].target_met)
        self.assertEqual(by_service[self.service_mail].availability, 100.0)
        self.assertTrue(by_service[self.service_mail].target_met)
        # agents read it
        self.assertTrue(self.env["svcms.availability.report"].with_user(self.user_agent).search_count([]))

    def test_kpi_time_weighted(self):
        company = self.env["res.company"].create({"name": "可用性测试公司"})
        Service = self.env["svcms.service"].with_company(company)
        services = Service.create(
            [
                {"code": "K-A", "name": "甲", "status": "live", "availability_target": 99.0, "company_id": company.id},
                {"code": "K-B", "name": "乙", "status": "live", "availability_target": 99.0, "company_id": company.id},
                {
                    "code": "K-C",
                    "name": "丙",
                    "status": "pipeline",
                    "availability_target": 99.0,
                    "company_id": company.id,
                },
                {"code": "K-D", "name": "丁", "status": "live", "company_id": company.id},
            ]
        )
        # 10 days = 240 hours per service; A down 24 hours, C and D not counted
        for service in services[0] | services[2] | services[3]:
            self._outages(service, (D(2026, 3, 2), D(2026, 3, 3)))
        self.env.user.company_ids |= company
        definition = self.env.ref("svcms_itsm.kpi_def_service_availability")
        periods = [(datetime.date(2026, 3, 1), datetime.date(2026, 3, 11), company)]
        result = (
            self.env["svcms.kpi.definition"]
            .with_context(tz="UTC")
            ._svcms_kpi_method_availability(definition.with_context(tz="UTC"), periods)
        )
        figure = result[(datetime.date(2026, 3, 1), datetime.date(2026, 3, 11), company.id)]
        self.assertAlmostEqual(figure["value"], 100.0 * (480 - 24) / 480, places=6)
        self.assertEqual(figure["denominator"], 480)


@tagged("post_install", "-at_install")
class TestAvailabilityRpc(HttpCase):
    def test_target_and_dates_refused_over_rpc(self):
        manager = new_test_user(self.env, "t_av_manager", groups="base.group_user,svcms_itsm.group_itsm_manager")
        service = self.env["svcms.service"].create(
            {"code": "T-RPC-AV", "name": "RPC 服务", "availability_target": 99.5}
        )

        def call(model, method, *args):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, manager.id, manager.login, model, method, list(args), {}
            )

        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            call("svcms.service", "write", [service.id], {"availability_target": 101})
        self.assertIn("between 0 and 100", caught.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            call(
                "svcms.outage",
                "create",
                {"service_id": service.id, "date_start": "2026-03-02 00:00:00", "date_end": "2026-03-01 00:00:00"},
            )
        self.assertIn("cannot end", caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(service.availability_target, 99.5)
        self.assertFalse(self.env["svcms.outage"].search_count([("service_id", "=", service.id)]))
