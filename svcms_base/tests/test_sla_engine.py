from odoo.tests import freeze_time, tagged

from .common import SlaCase

SH = "Asia/Shanghai"


@tagged("post_install", "-at_install")
class TestSlaClockReplay(SlaCase):
    """Pause and resume, and replays that keep the pauses and never count working time twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.normal = cls._policy("Normal", hours=8, domain="[('severity', '!=', 'critical')]", sequence=20)
        cls.critical = cls._policy("Critical", hours=4, domain="[('severity', '=', 'critical')]", sequence=10)

    def _paused_complaint(self):
        """Created Monday 09:00, investigated, waiting for the customer 10:00-14:00, resumed at 14:00."""
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._complaint()
        with freeze_time(self.utc("2026-03-09 09:30", SH)):
            complaint.action_investigate()
        with freeze_time(self.utc("2026-03-09 10:00", SH)):
            complaint.action_wait_customer()
        line = self.line(complaint)
        self.assertEqual(line.state, "paused")
        self.assertFalse(line.deadline, "while paused the deadline is not known")
        with freeze_time(self.utc("2026-03-09 14:00", SH)):
            complaint.action_investigate()
        return complaint

    def test_pause_and_resume(self):
        complaint = self._paused_complaint()
        line = self.line(complaint)
        self.assertEqual(line.state, "running")
        # 1 hour worked before the pause, 7 left from 14:00: 3 on Monday, 4 on Tuesday morning
        self.assertEqual(line.deadline, self.utc("2026-03-10 12:00", SH))
        self.assertEqual(line.consumed_seconds, 3600)
        self.assertEqual(line.paused_seconds, 4 * 3600)
        self.assertEqual(line.segment_ids.mapped("kind"), ["running", "paused", "running"])
        self.assertEqual(line.segment_ids[1].reason, "Waiting for Customer")
        with freeze_time(self.utc("2026-03-09 16:00", SH)):
            line.invalidate_recordset()
            self.assertAlmostEqual(line.consumed_hours, 3.0)
            self.assertAlmostEqual(line.paused_hours, 4.0)
            self.assertIn("Deadline", line.explanation)

    def test_replay_after_priority_change_keeps_pauses(self):
        # automated notes are written in the company's language: English here
        self.env.company.partner_id.lang = "en_US"
        complaint = self._paused_complaint()
        line = self.line(complaint)
        with freeze_time(self.utc("2026-03-09 15:00", SH)):
            complaint.severity = "critical"
        self.assertEqual(line.policy_id, self.critical)
        self.assertEqual(line.target_seconds, 4 * 3600)
        # replayed from the start on 4 hours: 1 hour before the pause, the pause kept, 3 hours from 14:00
        self.assertEqual(line.deadline, self.utc("2026-03-09 17:00", SH))
        self.assertEqual(line.paused_seconds, 4 * 3600, "the pause is never lost")
        self.assertEqual(line.segment_ids.mapped("kind"), ["running", "paused", "running"])
        self.assertIn("replayed", line.message_ids[:1].body)
        with freeze_time(self.utc("2026-03-09 16:00", SH)):
            complaint.severity = "normal"
            line.invalidate_recordset()
            self.assertAlmostEqual(line.consumed_hours, 3.0, msg="working time is never counted twice")
        self.assertEqual(line.policy_id, self.normal)
        self.assertEqual(line.deadline, self.utc("2026-03-10 12:00", SH), "as if it had always been normal")
        self.assertFalse(line.breached)

    def test_replay_when_the_policy_calendar_changes(self):
        complaint = self._paused_complaint()
        line = self.line(complaint)
        with freeze_time(self.utc("2026-03-09 15:00", SH)):
            self.normal.write({"calendar_id": self.always.id, "tz": SH})
        # on a 24x7 calendar: 1 hour before the pause, 7 hours from 14:00, the 4 paused hours still not counted
        self.assertEqual(line.calendar_id, self.always)
        self.assertEqual(line.deadline, self.utc("2026-03-09 21:00", SH))
        self.assertEqual(line.paused_seconds, 4 * 3600)

    def test_replay_when_a_holiday_is_added(self):
        with freeze_time(self.utc("2026-03-06 16:00", SH)):
            complaint = self._complaint()
            line = self.line(complaint)
            self.assertEqual(line.deadline, self.utc("2026-03-09 16:00", SH))
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Typhoon closure",
                    "calendar_id": self.office_shanghai.id,
                    "date_from": self.utc("2026-03-09 00:00", SH),
                    "date_to": self.utc("2026-03-10 00:00", SH),
                }
            )
        self.assertEqual(line.deadline, self.utc("2026-03-10 16:00", SH), "the closure moves the deadline a day")

    def test_stop_and_restart_on_reopen(self):
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._complaint(resolution="<p>更换排水管</p>")
            complaint.action_investigate()
        with freeze_time(self.utc("2026-03-09 11:00", SH)):
            complaint.action_resolve()
        line = self.line(complaint)
        self.assertEqual(line.state, "met")
        self.assertEqual(line.consumed_seconds, 2 * 3600)
        with freeze_time(self.utc("2026-03-10 09:00", SH)):
            complaint.action_reopen()
        self.assertEqual(line.state, "running")
        self.assertEqual(line.segment_ids.mapped("kind"), ["running", "stopped", "running"])
        # 6 hours left from Tuesday 09:00, the time between resolution and reopening not counted
        self.assertEqual(line.deadline, self.utc("2026-03-10 16:00", SH))

    def test_cancel_and_no_longer_applicable(self):
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            complaint = self._complaint()
        with freeze_time(self.utc("2026-03-09 10:00", SH)):
            complaint.action_cancel()
        line = self.line(complaint)
        self.assertEqual(line.state, "cancelled")
        with freeze_time(self.utc("2026-03-09 11:00", SH)):
            complaint.action_reset()
        self.assertEqual(line.state, "running", "a cancelled clock comes back when the record is reset")
        # 1 hour before the cancellation, 7 from 11:00: 5 on Monday, 2 on Tuesday
        self.assertEqual(line.deadline, self.utc("2026-03-10 10:00", SH))

    def test_batch_creation_queries_do_not_grow(self):
        """The SLA work of creating 10 or 100 records costs the same queries (one INSERT for all lines)."""
        Complaint = self.env["svcms.complaint"]
        self.env["svcms.sla.policy"].search([]).write({"active": False})
        counts = {}
        for size in (10, 100, 10):
            records = Complaint.create(
                [
                    {"subject": f"投诉 {i}", "partner_id": self.customer.id, "description": "<p>-</p>"}
                    for i in range(size)
                ]
            )
            self.normal.active = True
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            records._svcms_sla_sync(created=True)
            counts[size] = self.env.cr.sql_log_count - before
            self.assertEqual(len(records.sla_line_ids), size)
            self.assertEqual(set(records.sla_line_ids.segment_ids.mapped("kind")), {"running"})
            self.normal.active = False
        self.assertEqual(counts[10], counts[100], f"SLA queries: {counts}")
        self.assertLessEqual(counts[100], 12)
