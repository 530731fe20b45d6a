from odoo.tests import freeze_time, tagged

from .common import SlaCase


@tagged("post_install", "-at_install")
class TestSlaDeadlines(SlaCase):
    """Deadlines on known calendars: weekends, public holidays, daylight saving, policy timezone."""

    def _deadline(self, policy_tz, calendar, start_local, hours, start_tz=None):
        self._policy(calendar=calendar, tz=policy_tz, hours=hours)
        with freeze_time(self.utc(start_local, start_tz or policy_tz)):
            complaint = self._complaint()
        return self.line(complaint)

    def test_weekend_is_skipped(self):
        # Friday 16:00 + 4 working hours: 1 hour on Friday, 3 on Monday morning
        line = self._deadline("Asia/Shanghai", self.office_shanghai, "2026-03-06 16:00", 4)
        self.assertEqual(line.deadline, self.utc("2026-03-09 11:00", "Asia/Shanghai"))
        self.assertEqual(line.state, "running")

    def test_lunch_break_is_not_counted(self):
        line = self._deadline("Asia/Shanghai", self.office_shanghai, "2026-03-09 11:00", 2)
        self.assertEqual(line.deadline, self.utc("2026-03-09 14:00", "Asia/Shanghai"))

    def test_public_holiday_boundaries(self):
        self.office_shanghai._svcms_load_cn_public_holidays(2026)
        policy = self._policy(hours=2)
        # National Day: 1-7 October 2026; 30 September is a Wednesday
        with freeze_time(self.utc("2026-09-30 15:00", "Asia/Shanghai")):
            ends_before = self._complaint()
        self.assertEqual(
            self.line(ends_before).deadline,
            self.utc("2026-09-30 17:00", "Asia/Shanghai"),
            "a target that ends exactly when the holiday starts is due that evening, not after the holiday",
        )
        policy.target_ids.duration = 3
        with freeze_time(self.utc("2026-09-30 15:00", "Asia/Shanghai")):
            spans = self._complaint(subject="维修超时未上门")
        self.assertEqual(self.line(spans).deadline, self.utc("2026-10-08 09:00", "Asia/Shanghai"))
        with freeze_time(self.utc("2026-10-03 10:00", "Asia/Shanghai")):
            during = self._complaint(subject="配件价格不透明")
        self.assertEqual(
            self.line(during).deadline,
            self.utc("2026-10-08 11:00", "Asia/Shanghai"),
            "a clock started during a holiday starts counting at the first working minute after it",
        )

    def test_daylight_saving_change_office_hours(self):
        # Europe/Berlin moves from CET (UTC+1) to CEST (UTC+2) on Sunday 29 March 2026
        line = self._deadline("Europe/Berlin", self.office_berlin, "2026-03-27 16:00", 4)
        self.assertEqual(line.deadline, self.utc("2026-03-30 11:00", "Europe/Berlin"))
        self.assertEqual(str(line.deadline), "2026-03-30 09:00:00", "11:00 CEST is 09:00 UTC, not 10:00")

    def test_daylight_saving_change_round_the_clock(self):
        # 24 working hours on a 24x7 calendar over the short night: the local deadline is 13:00
        line = self._deadline("Europe/Berlin", self.always, "2026-03-28 12:00", 24)
        self.assertEqual(str(line.deadline), "2026-03-29 11:00:00")
        self.assertEqual(line.deadline, self.utc("2026-03-29 13:00", "Europe/Berlin"))
        # and over the long night of 25 October: local 11:00
        self.env["svcms.sla.policy"].search([]).write({"active": False})
        line = self._deadline("Europe/Berlin", self.always, "2026-10-24 12:00", 24)
        self.assertEqual(line.deadline, self.utc("2026-10-25 11:00", "Europe/Berlin"))

    def test_policy_timezone_reads_the_calendar(self):
        # The same 08:00-17:00 calendar read in Shanghai or in Berlin gives different instants.
        shanghai = self._deadline("Asia/Shanghai", self.office_berlin, "2026-03-02 08:30", 1, start_tz="UTC")
        self.assertEqual(str(shanghai.deadline), "2026-03-03 00:30:00", "16:30 in Shanghai: half an hour is left")
        self.env["svcms.sla.policy"].search([]).write({"active": False})
        berlin = self._deadline("Europe/Berlin", self.office_berlin, "2026-03-02 08:30", 1, start_tz="UTC")
        self.assertEqual(str(berlin.deadline), "2026-03-02 09:30:00", "09:30 in Berlin, due 10:30 local")
        self.env["svcms.sla.policy"].search([]).write({"active": False})
        early = self._deadline("Europe/Berlin", self.office_berlin, "2026-03-02 05:00", 1, start_tz="UTC")
        self.assertEqual(str(early.deadline), "2026-03-02 08:00:00", "06:00 in Berlin: the clock waits for 08:00")
