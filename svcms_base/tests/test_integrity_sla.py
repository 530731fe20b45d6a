"""Server-side integrity of complaints and the SLA engine (#8), and its portable contract (#9 §2).

Every refusal is checked through the ORM as a non-admin user and through XML-RPC, and each time
the record is read back to prove that nothing was written.
"""

import xmlrpc.client

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.translate import LazyGettext

from ..models.sla_line import NOTIFY_MAX_FAILURES, NOTIFY_RETRY, engine_columns
from ..models.sla_mixin import COMMON_EVENTS, SLA_STATUS
from .common import SlaCase

SH = "Asia/Shanghai"
LINE_LOGGER = "odoo.addons.svcms_base.models.sla_line"
RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"  # warns that XML-RPC is deprecated (removed in Odoo 20)


@tagged("post_install", "-at_install")
class TestSlaIntegrity(SlaCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # logins of 8 characters or more: new_test_user gives them as password
        cls.handler = new_test_user(cls.env, login="int_handler", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="int_manager", groups="svcms_base.group_svcms_manager")
        cls.boss = new_test_user(cls.env, login="int_boss_user", groups="svcms_base.group_svcms_manager")

    # ------------------------------------------------------------------ helpers
    def rpc(self, user, model, method, *args, **kwargs):
        with mute_logger(RPC_LOGGER):
            result = self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
            )
        self.env.invalidate_all()
        return result

    def assertRpcRefused(self, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self.rpc(user, model, method, *args, **kwargs)
        self.env.invalidate_all()

    def _handled(self, **values):
        complaint = self._complaint(user_id=self.handler.id, **values)
        return complaint.with_user(self.handler)

    # ------------------------------------------------------------------ A. complaint workflow
    def test_complaint_status_and_audit_trail_only_through_transitions(self):
        self._policy(hours=8)
        complaint = self._handled()
        protected = {
            "state": "closed",
            "acknowledged_by_id": self.handler.id,
            "acknowledged_date": "2026-03-09 09:00:00",
            "resolved_date": "2026-03-09 09:00:00",
            "closed_date": "2026-03-09 09:00:00",
            "customer_confirmed": True,
            "confirmation_date": "2026-03-09 09:00:00",
            "escalated": True,
            "escalation_date": "2026-03-09 09:00:00",
            "reopen_count": 3,
        }
        for name, value in protected.items():
            with self.subTest(field=name):
                with self.assertRaises(UserError):
                    complaint.write({name: value})
                self.assertRpcRefused(self.handler, "svcms.complaint", "write", [complaint.id], {name: value})
                self.assertFalse(complaint[name] if name != "state" else complaint.state != "new")
        self.assertEqual(complaint.state, "new")
        with self.assertRaises(UserError):
            self.env["svcms.complaint"].with_user(self.handler).create(
                {"subject": "x", "partner_id": self.customer.id, "description": "<p>x</p>", "state": "closed"}
            )
        self.assertRpcRefused(
            self.handler,
            "svcms.complaint",
            "create",
            {"subject": "伪造", "partner_id": self.customer.id, "description": "<p>x</p>", "escalated": True},
        )
        self.assertFalse(self.env["svcms.complaint"].search([("subject", "=", "伪造")]))

    def test_transitions_over_rpc_follow_the_declared_lifecycle(self):
        complaint = self._handled(resolution="<p>已更换排水管</p>")
        self.assertTrue(complaint.can_acknowledge)
        self.assertFalse(complaint.can_close)
        self.assertFalse(complaint.can_reopen)
        with self.assertRaises(UserError):
            complaint.action_close()
        self.assertRpcRefused(self.handler, "svcms.complaint", "action_close", [complaint.id])
        self.assertEqual(complaint.state, "new")
        self.assertIs(self.rpc(self.handler, "svcms.complaint", "action_acknowledge", [complaint.id]), True)
        self.assertEqual((complaint.state, complaint.acknowledged_by_id), ("acknowledged", self.handler))
        for action in ("action_investigate", "action_wait_customer", "action_investigate", "action_resolve"):
            self.assertIs(self.rpc(self.handler, "svcms.complaint", action, [complaint.id]), True)
        self.assertEqual(complaint.state, "resolved")
        self.assertTrue(complaint.resolved_date)
        self.assertTrue(complaint.can_confirm and complaint.can_close and complaint.can_reopen)
        self.assertFalse(complaint.can_resolve)
        self.assertIs(self.rpc(self.handler, "svcms.complaint", "action_close", [complaint.id]), True)
        self.assertIs(self.rpc(self.handler, "svcms.complaint", "action_reopen", [complaint.id]), True)
        self.assertEqual((complaint.state, complaint.reopen_count), ("reopened", 1))
        self.assertFalse(complaint.closed_date)
        self.assertIs(self.rpc(self.handler, "svcms.complaint", "action_cancel", [complaint.id]), True)
        self.assertIs(self.rpc(self.handler, "svcms.complaint", "action_reset", [complaint.id]), True)
        self.assertEqual(complaint.state, "new")

    def test_rating_is_frozen_once_the_customer_confirmed(self):
        complaint = self._handled(resolution="<p>已处理</p>")
        complaint.action_investigate()
        complaint.action_resolve()
        complaint.write({"satisfaction": "4", "satisfaction_comment": "电话回访满意"})
        self.assertIs(self.rpc(self.handler, "svcms.complaint", "action_confirm_by_customer", [complaint.id]), True)
        self.assertEqual((complaint.state, complaint.customer_confirmed), ("closed", True))
        with self.assertRaises(UserError):
            complaint.write({"satisfaction": "5"})
        self.assertRpcRefused(self.handler, "svcms.complaint", "write", [complaint.id], {"satisfaction": "5"})
        self.assertRpcRefused(
            self.handler, "svcms.complaint", "write", [complaint.id], {"satisfaction_comment": "改写"}
        )
        self.assertEqual((complaint.satisfaction, complaint.satisfaction_comment), ("4", "电话回访满意"))

    def test_only_new_complaints_can_be_deleted(self):
        closed = self._handled(resolution="<p>已处理</p>")
        closed.action_investigate()
        closed.action_resolve()
        closed.action_close()
        cancelled = self._handled()
        cancelled.action_cancel()
        for complaint in (closed, cancelled):
            with self.assertRaises(UserError):
                complaint.with_user(self.manager).unlink()
            self.assertRpcRefused(self.manager, "svcms.complaint", "unlink", [complaint.id])
            self.assertTrue(complaint.exists())
        new = self._handled()
        self.assertIs(self.rpc(self.manager, "svcms.complaint", "unlink", [new.id]), True)
        self.assertFalse(new.exists())

    def test_escalation_hook_writes_the_audit_trail(self):
        self._policy(
            hours=1,
            escalations=[{"trigger": "after_breach", "delay": 0, "notify": "users", "user_ids": [self.boss.id]}],
        )
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._handled()
        with freeze_time(self.utc("2026-03-09 10:30", SH)):
            self.env["svcms.sla.line"]._cron_check_deadlines()
        self.assertTrue(complaint.escalated)
        self.assertEqual(complaint.escalation_date, self.utc("2026-03-09 10:30", SH))

    # ------------------------------------------------------------------ B. SLA lines
    def test_users_never_edit_sla_lines(self):
        self._policy(hours=8)
        other = self._policy("Other", hours=2, sequence=50)
        complaint = self._handled()
        line = self.line(complaint)
        policy = line.policy_id
        for vals in (
            {"breached": True},
            {"deadline": "2030-01-01 00:00:00"},
            {"policy_id": other.id},
            {"exception_id": False},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    line.with_user(self.manager).write(vals)
                self.assertRpcRefused(self.manager, "svcms.sla.line", "write", [line.id], vals)
        self.assertEqual((line.policy_id, line.breached, line.state), (policy, False, "running"))
        self.assertNotEqual(policy, other)
        with self.assertRaises(AccessError):
            line.with_user(self.handler).write({"breached": True})

    def test_breached_line_keeps_its_breach_when_the_record_is_retargeted(self):
        short = self._policy("Short", hours=1, domain="[('severity', '!=', 'critical')]", sequence=20)
        long_ = self._policy("Long", hours=40, domain="[('severity', '=', 'critical')]", sequence=10)
        for policy, hours in ((short, 8), (long_, 16)):
            self.env["svcms.sla.target"].create(
                {
                    "policy_id": policy.id,
                    "name": f"Response {hours} h",
                    "metric": "first_response",
                    "duration": hours,
                    "stop_states": "acknowledged,investigating,resolved,closed",
                    "cancel_states": "cancelled",
                    "warning_percent": 0,
                }
            )
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._handled()
        with freeze_time(self.utc("2026-03-09 11:00", SH)):
            self.env["svcms.sla.line"]._cron_check_deadlines()
        resolution, response = self.line(complaint), self.line(complaint, "first_response")
        self.assertEqual((resolution.state, resolution.breach_datetime), ("breached", self.utc("2026-03-09 10:00", SH)))
        with freeze_time(self.utc("2026-03-09 11:30", SH)):
            complaint.write({"severity": "critical"})
        self.assertEqual(response.policy_id, long_, "the open line is replayed on the new policy")
        self.assertEqual(response.target_seconds, 16 * 3600)
        self.assertEqual(resolution.policy_id, short, "the breached line stays on the target it broke")
        self.assertEqual(resolution.target_seconds, 3600)
        self.assertEqual(
            (resolution.state, resolution.breached, resolution.breach_datetime),
            ("breached", True, self.utc("2026-03-09 10:00", SH)),
        )
        with self.assertRaises(UserError):
            resolution.sudo().write({"target_id": long_.target_ids[0].id})
        self.assertEqual(resolution.target_id, short.target_ids.filtered(lambda t: t.metric == "resolution"))
        # a holiday added afterwards or a cancellation does not turn the breach into anything else
        with freeze_time(self.utc("2026-03-09 12:00", SH)):
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Typhoon closure",
                    "calendar_id": self.office_shanghai.id,
                    "date_from": self.utc("2026-03-09 00:00", SH),
                    "date_to": self.utc("2026-03-10 00:00", SH),
                }
            )
            complaint.action_cancel()
        self.assertEqual((resolution.state, resolution.breach_datetime), ("breached", self.utc("2026-03-09 10:00", SH)))
        self.assertEqual(response.state, "cancelled")

    def test_decided_exception_cannot_be_deleted(self):
        self._policy(hours=1)
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._handled()
        with freeze_time(self.utc("2026-03-09 11:00", SH)):
            self.env["svcms.sla.line"]._cron_check_deadlines()
        exception = (
            self.env["svcms.sla.exception"]
            .with_user(self.handler)
            .create(
                {"name": "台风停工", "justification": "停工通知", "line_ids": [Command.set(self.line(complaint).ids)]}
            )
        )
        self.assertIs(self.rpc(self.manager, "svcms.sla.exception", "action_approve", [exception.id]), True)
        self.assertEqual(exception.state, "approved")
        with self.assertRaises(UserError):
            exception.with_user(self.manager).unlink()
        self.assertRpcRefused(self.manager, "svcms.sla.exception", "unlink", [exception.id])
        self.assertRpcRefused(self.handler, "svcms.sla.exception", "unlink", [exception.id])
        self.assertTrue(exception.exists())
        self.assertEqual(self.line(complaint).exception_id, exception)

    def test_only_managers_load_public_holidays(self):
        calendar = self.office_berlin
        Leave = self.env["resource.calendar.leaves"]
        before = Leave.search_count([("calendar_id", "=", calendar.id)])
        with self.assertRaises(AccessError):
            calendar.with_user(self.handler).action_svcms_load_cn_holidays()
        with self.assertRaises(AccessError):
            calendar.with_user(self.handler)._svcms_load_cn_public_holidays(2026)
        self.assertRpcRefused(self.handler, "resource.calendar", "action_svcms_load_cn_holidays", [calendar.id])
        self.assertEqual(Leave.search_count([("calendar_id", "=", calendar.id)]), before)
        self.assertIs(self.rpc(self.manager, "resource.calendar", "action_svcms_load_cn_holidays", [calendar.id]), True)
        self.assertGreater(Leave.search_count([("calendar_id", "=", calendar.id)]), before)

    def test_cron_skips_a_broken_line_and_says_so(self):
        # automated notes are written in the company's language: English here
        self.env.company.partner_id.lang = "en_US"
        self._policy(
            hours=2,
            escalations=[{"trigger": "after_breach", "delay": 0, "notify": "users", "user_ids": [self.boss.id]}],
            policy_vals={"notify_outside_working_hours": True},
        )
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            broken, sound = self._handled(subject="坏数据"), self._handled(subject="正常")
        broken_line, sound_line = self.line(broken), self.line(sound)
        self.env.flush_all()
        self.env.cr.execute("UPDATE svcms_sla_line SET tz = 'Mars/Olympus_Mons' WHERE id = %s", [broken_line.id])
        self.env.invalidate_all()
        escalation = self.env.ref("svcms_base.mail_activity_type_sla_escalation")

        def escalations(complaint):
            return complaint.activity_ids.filtered(lambda a: a.activity_type_id == escalation)

        Line = self.env["svcms.sla.line"]
        with freeze_time(self.utc("2026-03-09 11:30", SH)), mute_logger(LINE_LOGGER):
            Line._cron_check_deadlines()
        self.assertEqual(len(escalations(sound)), 1, "the other lines are processed")
        self.assertTrue(sound.escalated)
        self.assertEqual((broken_line.state, broken_line.breached), ("breached", True), "the breach is recorded")
        self.assertFalse(escalations(broken))
        self.assertEqual(broken_line.notify_failures, 1)
        self.assertIn("Mars/Olympus_Mons", broken_line.notify_error)
        self.assertEqual(broken_line.notify_next, self.utc("2026-03-09 11:30", SH) + NOTIFY_RETRY)
        self.assertIn("failed", broken_line.message_ids[:1].body)
        self.assertEqual(sound_line.notify_failures, 0)
        # the next run does not stop on it again: it is retried later, and counted
        with freeze_time(self.utc("2026-03-09 11:35", SH)), mute_logger(LINE_LOGGER):
            Line._cron_check_deadlines()
        self.assertEqual(broken_line.notify_failures, 1)
        with freeze_time(self.utc("2026-03-09 11:50", SH)), mute_logger(LINE_LOGGER):
            Line._cron_check_deadlines()
        self.assertEqual(broken_line.notify_failures, 2)
        self.assertEqual(broken_line.notify_next, self.utc("2026-03-09 11:50", SH) + 2 * NOTIFY_RETRY)
        # once repaired, it is sent and the counter is reset
        self.env.cr.execute("UPDATE svcms_sla_line SET tz = %s WHERE id = %s", [SH, broken_line.id])
        self.env.invalidate_all()
        with freeze_time(self.utc("2026-03-09 12:30", SH)):
            Line._cron_check_deadlines()
        self.assertEqual(len(escalations(broken)), 1)
        self.assertEqual((broken_line.notify_failures, broken_line.notify_error), (0, False))

    def test_cron_gives_up_loudly_on_a_line_that_keeps_failing(self):
        # automated notes are written in the company's language: English here
        self.env.company.partner_id.lang = "en_US"
        self._policy(
            hours=2,
            escalations=[{"trigger": "after_breach", "delay": 0, "notify": "users", "user_ids": [self.boss.id]}],
            policy_vals={"notify_outside_working_hours": True},
        )
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            broken = self._handled()
        line = self.line(broken)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE svcms_sla_line SET tz = 'Nowhere/Land', notify_failures = %s WHERE id = %s",
            [NOTIFY_MAX_FAILURES - 1, line.id],
        )
        self.env.invalidate_all()
        with freeze_time(self.utc("2026-03-09 11:30", SH)), mute_logger(LINE_LOGGER):
            self.env["svcms.sla.line"]._cron_check_deadlines()
        self.assertEqual(line.notify_failures, NOTIFY_MAX_FAILURES)
        self.assertFalse(line.notify_next, "no longer retried ...")
        self.assertIn("stopped until the line is fixed", line.message_ids[:1].body, "... and says so on the line")

    # ------------------------------------------------------------------ C. portable contract
    def test_policy_export_and_import_keeps_its_state_filter(self):
        policy = self._policy(
            "Exported",
            hours=4,
            domain="[('severity', '!=', 'low')]",
            pause_states="waiting",
            stop_states="resolved,closed",
            restart_states="reopened",
            cancel_states="cancelled",
        )
        names = [
            "name",
            "res_model",
            "domain",
            "tz",
            "target_ids/name",
            "target_ids/metric",
            "target_ids/duration",
            "target_ids/start_on",
            "target_ids/stop_states",
            "target_ids/pause_states",
            "target_ids/restart_states",
            "target_ids/cancel_states",
        ]
        rows = policy.export_data(names)["datas"]
        for value in rows[0]:
            self.assertNotRegex(str(value), r"^\d+(,\d+)*$", "no database id in an exported policy")
        policy.active = False
        company = self.env["res.company"].create({"name": "美澜(越南)有限公司"})
        Policy = self.env["svcms.sla.policy"].with_company(company).with_context(allowed_company_ids=[company.id])
        result = Policy.load(names, rows)
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        imported = Policy.browse(result["ids"])
        self.assertEqual(imported.company_id, company)
        self.assertEqual(imported.target_ids.mapped("stop_states"), ["resolved,closed"])
        self.assertEqual(imported.target_ids.mapped("pause_states"), ["waiting"])
        # and the engine reads it the same way in that company
        complaint = (
            self.env["svcms.complaint"]
            .with_company(company)
            .create(
                {
                    "subject": "进口策略",
                    "partner_id": self.customer.id,
                    "description": "<p>x</p>",
                    "company_id": company.id,
                    "resolution": "<p>已处理</p>",
                }
            )
        )
        line = self.line(complaint)
        self.assertEqual(line.policy_id, imported)
        complaint.action_investigate()
        complaint.action_wait_customer()
        self.assertEqual(line.state, "paused")
        complaint.action_investigate()
        complaint.action_resolve()
        self.assertEqual(line.state, "met")

    def test_state_codes_are_checked(self):
        with self.assertRaises(ValidationError):
            self._policy("Ids", hours=4, stop_states="5,7")

    def test_engine_columns_come_from_the_fields(self):
        Line = self.env["svcms.sla.line"]
        flagged = {name for name, field in Line._fields.items() if getattr(field, "sla_engine", None)}
        self.assertEqual(set(engine_columns(Line)), flagged | {"id"})
        self.assertLessEqual(set(engine_columns(Line, "derived")), flagged)
        self.assertEqual(engine_columns(Line)["deadline"], "timestamp")
        self.assertNotIn("exception_id", flagged, "the engine never writes exceptions")

    def test_common_events_and_labels_are_translatable(self):
        self.assertTrue(all(isinstance(label, LazyGettext) for _code, label in COMMON_EVENTS))
        codes = [code for code, _label in self.env["svcms.complaint"]._svcms_sla_event_selection()]
        self.assertEqual(codes[:3], ["first_response", "resolution", "waiting_customer"])
        self.assertEqual(
            self.env["svcms.complaint"]._fields["sla_status"].selection,
            SLA_STATUS,
            "consumers share the mixin's status list",
        )
        complaint = self._handled()
        with self.assertRaises(UserError):
            complaint._svcms_sla_event("teleported")

    def test_nonconformity_source_without_the_audit_addon(self):
        complaint = self._handled()
        self.assertEqual(complaint.nonconformity_count, 0)
        values = complaint.sudo()._svcms_nonconformity_values()
        self.assertEqual(values["source_ref"], f"svcms.complaint,{complaint.id}")
        self.assertEqual(values["partner_id"], self.customer.id)
        self.assertIn(complaint.name, values["name"])
        if "svcms.nonconformity" not in self.env:  # until svcms_audit is installed
            with self.assertRaises(UserError):
                complaint.action_raise_nonconformity()
            self.assertRpcRefused(self.handler, "svcms.complaint", "action_raise_nonconformity", [complaint.id])
        self._policy(hours=8)
        line = self.line(self._handled())
        self.assertIn("svcms.sla.line,", line.sudo()._svcms_nonconformity_values()["source_ref"])
