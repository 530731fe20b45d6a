from odoo.tests import freeze_time, new_test_user, tagged

from .common import SlaCase

SH = "Asia/Shanghai"


@tagged("post_install", "-at_install")
class TestSlaBreachCron(SlaCase):
    """Breaches, warnings and escalations: detected in bulk, sent exactly once, never at night."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handler = new_test_user(cls.env, login="sla_handler", groups="svcms_base.group_svcms_user")
        cls.boss = new_test_user(cls.env, login="sla_boss", groups="svcms_base.group_svcms_manager")
        cls.Line = cls.env["svcms.sla.line"]
        cls.warning_type = cls.env.ref("svcms_base.mail_activity_type_sla_warning")
        cls.escalation_type = cls.env.ref("svcms_base.mail_activity_type_sla_escalation")

    def _activities(self, complaint, activity_type):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "svcms.complaint"),
                ("res_id", "=", complaint.id),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def _escalating_policy(self, outside=False):
        return self._policy(
            hours=2,
            warning_percent=50,
            escalations=[{"trigger": "after_breach", "delay": 0, "notify": "users", "user_ids": [self.boss.id]}],
            policy_vals={"notify_outside_working_hours": outside},
        )

    def test_warning_and_breach_happen_exactly_once(self):
        self._escalating_policy()
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._complaint(user_id=self.handler.id)
        line = self.line(complaint)
        self.assertEqual(line.deadline, self.utc("2026-03-09 11:00", SH))
        self.assertEqual(line.notify_next, self.utc("2026-03-09 10:00", SH), "warning at half the target")
        with freeze_time(self.utc("2026-03-09 09:30", SH)):
            self.Line._cron_check_deadlines()
        self.assertFalse(self._activities(complaint, self.warning_type))
        with freeze_time(self.utc("2026-03-09 10:05", SH)):
            self.Line._cron_check_deadlines()
            self.Line._cron_check_deadlines()
        warnings = self._activities(complaint, self.warning_type)
        self.assertEqual(len(warnings), 1)
        self.assertEqual(warnings.user_id, self.handler)
        self.assertTrue(line.warning_sent)
        self.assertEqual(line.state, "running")
        with freeze_time(self.utc("2026-03-09 11:30", SH)):
            self.Line._cron_check_deadlines()
            self.Line._cron_check_deadlines()
        self.assertEqual(line.state, "breached")
        self.assertEqual(line.breach_datetime, self.utc("2026-03-09 11:00", SH))
        escalations = self._activities(complaint, self.escalation_type)
        self.assertEqual(len(escalations), 1)
        self.assertEqual(escalations.user_id, self.boss)
        self.assertEqual(len(self._activities(complaint, self.warning_type)), 1, "the warning is not sent again")
        self.assertEqual(complaint.sla_status, "breached")
        self.assertTrue(complaint.escalated)
        self.assertIn(complaint, self.env["svcms.complaint"].search([("sla_status", "=", "breached")]))

    def test_escalation_waits_for_working_time(self):
        self._escalating_policy()
        with freeze_time(self.utc("2026-03-09 15:00", SH)):
            complaint = self._complaint(user_id=self.handler.id)
        line = self.line(complaint)
        self.assertEqual(line.deadline, self.utc("2026-03-09 17:00", SH))
        with freeze_time(self.utc("2026-03-09 17:30", SH)):
            self.Line._cron_check_deadlines()
        self.assertEqual(line.state, "breached", "the breach itself is recorded at once")
        self.assertFalse(self._activities(complaint, self.escalation_type), "nobody is called in the evening")
        self.assertEqual(line.notify_next, self.utc("2026-03-10 08:00", SH))
        with freeze_time(self.utc("2026-03-10 08:05", SH)):
            self.Line._cron_check_deadlines()
        self.assertEqual(len(self._activities(complaint, self.escalation_type)), 1)

    def test_policy_may_notify_outside_working_hours(self):
        self._escalating_policy(outside=True)
        with freeze_time(self.utc("2026-03-09 15:00", SH)):
            complaint = self._complaint(user_id=self.handler.id)
        with freeze_time(self.utc("2026-03-09 17:30", SH)):
            self.Line._cron_check_deadlines()
        self.assertEqual(len(self._activities(complaint, self.escalation_type)), 1)

    def test_paused_and_finished_lines_are_not_breached(self):
        self._policy(hours=1)
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            waiting = self._complaint()
            waiting.action_investigate()
            waiting.action_wait_customer()
            done = self._complaint(resolution="<p>已处理</p>")
            done.action_investigate()
        with freeze_time(self.utc("2026-03-09 09:30", SH)):
            done.action_resolve()
        with freeze_time(self.utc("2026-03-09 12:00", SH)):
            self.Line._cron_check_deadlines()
        self.assertEqual(self.line(waiting).state, "paused")
        self.assertEqual(self.line(done).state, "met")

    def test_breach_detection_queries_do_not_depend_on_batch_size(self):
        self._policy(hours=1)
        counts = {}
        for size in (10, 100):
            with freeze_time(self.utc("2026-03-09 09:00", SH)):
                records = self.env["svcms.complaint"].create(
                    [
                        {"subject": f"超时 {i}", "partner_id": self.customer.id, "description": "<p>-</p>"}
                        for i in range(size)
                    ]
                )
            with freeze_time(self.utc("2026-03-09 11:00", SH)):
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                self.Line._cron_check_deadlines()
                counts[size] = self.env.cr.sql_log_count - before
            self.assertEqual(set(records.sla_line_ids.mapped("state")), {"breached"})
        self.assertEqual(counts[10], counts[100], f"breach detection queries: {counts}")
