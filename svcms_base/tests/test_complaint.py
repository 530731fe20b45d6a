from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SlaCase

SH = "Asia/Shanghai"


@tagged("post_install", "-at_install")
class TestComplaintHandling(SlaCase):
    """Complaints (GB/T 27922 customer service, ISO/IEC 20000-1 8.3.2) on the SLA engine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handler = new_test_user(cls.env, login="cmp_handler", groups="svcms_base.group_svcms_user")
        cls.manager_user = new_test_user(cls.env, login="cmp_manager", groups="svcms_base.group_svcms_user")
        cls.employee = new_test_user(cls.env, login="cmp_employee", groups="base.group_user")
        manager = cls.env["hr.employee"].create({"name": "王磊", "user_id": cls.manager_user.id})
        cls.team = cls.env["hr.department"].create({"name": "售后服务中心", "manager_id": manager.id})
        cls.policy = cls._policy(
            "投诉处理承诺",
            hours=72,
            calendar=cls.always,
            tz=SH,
            escalations=[{"trigger": "after_breach", "delay": 0, "notify": "manager"}],
        )
        cls.env["svcms.sla.target"].create(
            {
                "policy_id": cls.policy.id,
                "name": "响应 2 小时",
                "metric": "first_response",
                "duration": 2,
                "stop_states": "acknowledged,investigating,waiting,resolved,closed",
                "stop_event": "first_response",
                "cancel_states": "cancelled",
                "warning_percent": 0,
                "escalation_ids": [(0, 0, {"trigger": "after_breach", "delay": 0, "notify": "manager"})],
            }
        )
        cls.Complaint = cls.env["svcms.complaint"].with_user(cls.handler)

    def _new(self, **values):
        return self.Complaint.create(
            {
                "subject": "空调安装漏水",
                "partner_id": self.customer.id,
                "description": "<p>安装后第二天室内机漏水，地板泡水</p>",
                "department_id": self.team.id,
                "channel": "phone",
                **values,
            }
        )

    def test_reference_and_service_levels(self):
        complaint = self._new()
        self.assertTrue(complaint.name.startswith("TS/"))
        self.assertEqual(
            sorted(complaint.sla_line_ids.mapped("metric")), ["first_response", "resolution"], "acknowledge and resolve"
        )
        self.assertEqual(complaint.sla_status, "on_track")

    def test_escalation_to_the_manager_when_overdue(self):
        # automated notes are written in the company's language: English here
        self.env.company.partner_id.lang = "en_US"
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._new(user_id=self.handler.id)
        with freeze_time(self.utc("2026-03-09 11:30", SH)):
            self.env["svcms.sla.line"]._cron_check_deadlines()
            self.env["svcms.sla.line"]._cron_check_deadlines()
        self.assertTrue(complaint.escalated)
        self.assertEqual(complaint.sla_status, "breached")
        activities = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("svcms_base.mail_activity_type_sla_escalation")
        )
        self.assertEqual(activities.user_id, self.manager_user, "the team's manager is told, once")
        self.assertEqual(len(activities), 1)
        self.assertTrue(any("SLA escalation" in message.body for message in complaint.message_ids))

    def test_public_reply_is_the_first_response(self):
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._new()
        with freeze_time(self.utc("2026-03-09 10:00", SH)):
            complaint.message_post(
                body="您好，我们已收到您的投诉，将于今天安排技术员联系您。",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        first = self.line(complaint, "first_response")
        self.assertEqual(first.state, "met")
        self.assertEqual(first.stop_cause, "event")
        self.assertEqual(first.stop_datetime, self.utc("2026-03-09 10:00", SH))
        with freeze_time(self.utc("2026-03-09 10:30", SH)):
            complaint.action_acknowledge()
            self.assertEqual(first.stop_datetime, self.utc("2026-03-09 10:00", SH), "an achieved target stays achieved")

    def test_lifecycle_resolution_confirmation_and_reopen(self):
        complaint = self._new()
        complaint.action_acknowledge()
        self.assertEqual(complaint.state, "acknowledged")
        self.assertEqual(complaint.acknowledged_by_id, self.handler)
        complaint.action_investigate()
        complaint.write(
            {
                "investigation": "<p>上门核查：排水管坡度不足</p>",
                "root_cause_category": "repair",
                "root_cause": "<p>安装工未按规范检查排水坡度</p>",
            }
        )
        with self.assertRaises(UserError):
            complaint.action_resolve()
        complaint.write(
            {
                "resolution": "<p>重新安装排水管并赔偿地板清洁费</p>",
                "compensation_type": "cash",
                "compensation_amount": 200,
            }
        )
        complaint.action_resolve()
        self.assertEqual(self.line(complaint).state, "met")
        with self.assertRaises(UserError):
            complaint._confirm_by_customer(7)
        complaint._confirm_by_customer(4, "处理及时")
        self.assertEqual((complaint.state, complaint.satisfaction_score), ("closed", 4))
        self.assertTrue(complaint.customer_confirmed)
        complaint.action_reopen()
        self.assertEqual((complaint.state, complaint.reopen_count), ("reopened", 1))
        self.assertFalse(complaint.customer_confirmed)
        self.assertEqual(self.line(complaint).state, "running", "the resolution clock runs again")
        with self.assertRaises(UserError):
            complaint.action_close()

    def test_satisfaction_kpi(self):
        with freeze_time("2026-03-10 02:00:00"):
            for rating in (5, 3):
                complaint = self._new(resolution="<p>已处理</p>")
                complaint.action_investigate()
                complaint.action_resolve()
                complaint._confirm_by_customer(rating)
        result = self.env.ref("svcms_base.kpi_def_complaint_satisfaction")._evaluate(
            date(2026, 3, 1), date(2026, 4, 1), self.env.company
        )
        self.assertAlmostEqual(result["value"], 4.0)

    def test_complaint_by_email(self):
        complaint = self.env["svcms.complaint"].message_new(
            {
                "subject": "配件价格不透明",
                "body": "<p>维修时更换压缩机报价 1800 元，没有价目表。</p>",
                "email_from": "张女士 <zhang@example.com>",
            }
        )
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.partner_id.email, "zhang@example.com")
        self.assertEqual(complaint.subject, "配件价格不透明")
        self.assertTrue(complaint.sla_line_ids, "the email starts the clocks")

    def test_access_rights(self):
        with self.assertRaises(AccessError):
            self.env["svcms.sla.policy"].with_user(self.handler).create(
                {"name": "x", "res_model": "svcms.complaint", "calendar_id": self.always.id}
            )
        with self.assertRaises(AccessError):
            self.env["svcms.complaint"].with_user(self.employee).search([])
        complaint = self._new()
        with self.assertRaises(AccessError):
            complaint.with_user(self.handler).unlink()
        with self.assertRaises(AccessError):
            complaint.sla_line_ids[:1].with_user(self.handler).write({"breached": True})
        other_company = self.env["res.company"].create({"name": "美澜(越南)有限公司"})
        foreign = (
            self.env["svcms.complaint"]
            .with_company(other_company)
            .create(
                {
                    "subject": "x",
                    "partner_id": self.customer.id,
                    "description": "<p>x</p>",
                    "company_id": other_company.id,
                }
            )
        )
        self.assertFalse(self.env["svcms.complaint"].with_user(self.handler).search([("id", "=", foreign.id)]))
