"""Service continuity (8.7.2): objectives, tests, a test required after every major change, reminders."""

import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ItsmCase


@tagged("post_install", "-at_install")
class TestContinuity(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["svcms.continuity.plan"])
        Plan = cls.env["svcms.continuity.plan"].with_user(cls.user_manager)
        cls.plan_erp, cls.plan_mail = Plan.create(
            [
                {
                    "name": "ERP 连续性计划",
                    "service_ids": [Command.set(cls.service_erp.ids)],
                    "rto_hours": 4,
                    "rpo_hours": 1,
                    "test_interval_months": 6,
                    "owner_id": cls.user_manager.id,
                },
                {
                    "name": "邮件连续性计划",
                    "service_ids": [Command.set(cls.service_mail.ids)],
                    "rto_hours": 8,
                    "rpo_hours": 4,
                    "owner_id": cls.user_agent2.id,
                },
            ]
        )
        (cls.plan_erp | cls.plan_mail).action_approve()
        cls.last_test = cls._record_test(cls.plan_erp, cls.today - relativedelta(days=30))
        cls.activity_type = cls.env.ref("svcms_itsm.mail_activity_type_continuity_test")

    @classmethod
    def _record_test(cls, plan, date, result="passed"):
        test = (
            cls.env["svcms.continuity.test"]
            .with_user(cls.user_agent)
            .create(
                {
                    "plan_id": plan.id,
                    "test_date": date,
                    "scenario": "数据库服务器故障切换",
                    "result": result,
                    "rto_achieved_hours": 3.5,
                }
            )
        )
        test.action_confirm()
        return test

    def _major_change(self, services, days_ago, **values):
        """A done change with a major impact: the change area's transitions are not needed here."""
        self._change_number = getattr(self, "_change_number", 0) + 1
        major = values.pop("is_major_impact", True)
        change = (
            self.env["svcms.change"]
            .sudo()
            .create(
                {
                    "name": f"CHG-T{self._change_number:03d}",
                    "subject": "更换数据库服务器",
                    "state": "done",
                    "outcome": "successful",
                    "actual_end": datetime.datetime.now() - relativedelta(days=days_ago),
                    "service_ids": [Command.set(services.ids)],
                    **values,
                }
            )
        )
        # the change policy computes "major impact"; the fixture states it (the policy is tested with the changes)
        change.flush_recordset()
        self.env.cr.execute("UPDATE svcms_change SET is_major_impact = %s WHERE id = %s", (major, change.id))
        change.invalidate_recordset(["is_major_impact"])
        return change

    def _reminders(self, plan):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "svcms.continuity.plan"),
                ("res_id", "=", plan.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_negative_objectives_refused(self):
        Plan = self.env["svcms.continuity.plan"].with_user(self.user_manager)
        for values in ({"rto_hours": -1}, {"rpo_hours": -0.5}, {"test_interval_months": 0}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                Plan.create({"name": "Bad", **values})
        with self.assertRaises(ValidationError):
            self.plan_erp.with_user(self.user_manager).rto_hours = -2
        self.assertEqual(self.plan_erp.rto_hours, 4)
        with self.assertRaises(ValidationError):
            self.last_test.copy({"rto_achieved_hours": -1})

    def test_last_and_next_test_dates(self):
        self.assertEqual(self.plan_erp.last_test_date, self.today - relativedelta(days=30))
        self.assertEqual(self.plan_erp.next_test_date, self.today - relativedelta(days=30) + relativedelta(months=6))
        self.assertTrue(self.last_test.rto_met)
        # a draft test does not count
        self.env["svcms.continuity.test"].with_user(self.user_agent).create(
            {"plan_id": self.plan_erp.id, "test_date": self.today, "scenario": "draft"}
        )
        self.assertEqual(self.plan_erp.last_test_date, self.today - relativedelta(days=30))

    def test_recorded_test_is_frozen_and_needs_result(self):
        test = (
            self.env["svcms.continuity.test"]
            .with_user(self.user_agent)
            .create({"plan_id": self.plan_erp.id, "test_date": self.today, "scenario": "机房断电"})
        )
        with self.assertRaisesRegex(UserError, "result"):
            test.action_confirm()
        test.write({"result": "failed", "rto_achieved_hours": 6})
        self.assertFalse(test.rto_met)
        test.action_confirm()
        self.assertEqual(test.confirmed_by_id, self.user_agent)
        with self.assertRaises(UserError):
            test.result = "passed"

    def test_agent_cannot_edit_or_approve_plans(self):
        with self.assertRaises(AccessError):
            self.plan_erp.with_user(self.user_agent).write({"rto_hours": 10})
        draft = self.env["svcms.continuity.plan"].create({"name": "Draft plan"})
        with self.assertRaises(AccessError):
            draft.with_user(self.user_agent).action_approve()
        self.assertEqual(draft.state, "draft")

    def test_major_change_after_last_test_requires_a_test(self):
        self.assertFalse(self.plan_erp.test_required_change_ids)
        before = self._major_change(self.service_erp, 40)  # ended before the last test: covered by it
        minor = self._major_change(self.service_erp, 5, is_major_impact=False)
        open_change = self._major_change(self.service_erp, 5, state="implementing")
        other_service = self._major_change(self.service_mail, 5)
        self.env.invalidate_all()
        self.assertFalse(self.plan_erp.test_required_change_ids)
        after = self._major_change(self.service_erp, 5)
        self.env.invalidate_all()
        self.assertEqual(self.plan_erp.test_required_change_ids, after)
        self.assertIn(after.name, self.plan_erp.test_required_note)
        self.assertIn("Test required after change", self.plan_erp.test_required_note)
        # the mail plan was never tested: every major change of its service counts
        self.assertEqual(self.plan_mail.test_required_change_ids, other_service)
        self.assertNotIn(before | minor | open_change, self.plan_erp.test_required_change_ids)
        # the filter of the list view
        Plan = self.env["svcms.continuity.plan"]
        required = Plan.search([("test_required_change_ids", "!=", False)])
        self.assertIn(self.plan_erp, required)
        self.assertIn(self.plan_mail, required)
        self.assertNotIn(self.plan_erp, Plan.search([("test_required_change_ids", "=", False)]))
        # a new test clears it
        self._record_test(self.plan_erp, self.today)
        self.env.invalidate_all()
        self.assertFalse(self.plan_erp.test_required_change_ids)
        self.assertFalse(self.plan_erp.test_required_note)

    def test_one_query_over_changes_for_many_plans(self):
        self._major_change(self.service_erp, 5)
        self._major_change(self.service_mail, 5)

        def count(plans):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            required = plans._svcms_changes_requiring_test()
            return self.env.cr.sql_log_count - before, required

        count(self.plan_erp | self.plan_mail)  # warm the caches (access rules, translations)
        queries_two, required = count(self.plan_erp | self.plan_mail)
        self.assertEqual(set(required), {self.plan_erp.id, self.plan_mail.id})
        more = self.env["svcms.continuity.plan"].create(
            [
                {"name": f"Plan {n}", "service_ids": [Command.set((self.service_erp | self.service_mail).ids)]}
                for n in range(4)
            ]
        )
        queries_six, required = count(self.plan_erp | self.plan_mail | more)
        self.assertEqual(len(required), 6)
        # no query per plan: as many queries for six plans as for two
        self.assertEqual(queries_six, queries_two)
        self.assertLessEqual(queries_six, 6)

    def test_cron_reminds_once_per_change(self):
        change = self._major_change(self.service_erp, 5)
        Plan = self.env["svcms.continuity.plan"]
        Plan._cron_schedule_test_reminders()
        reminders = self._reminders(self.plan_erp)
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.user_id, self.user_manager)
        self.assertIn(change.name, reminders.summary)
        self.assertEqual(self.plan_erp.reminded_change_ids, change)
        # the next day's run: no duplicate
        Plan._cron_schedule_test_reminders()
        self.assertEqual(len(self._reminders(self.plan_erp)), 1)
        # even when the owner closed the activity without testing
        reminders.action_feedback(feedback="planned")
        Plan._cron_schedule_test_reminders()
        self.assertFalse(self._reminders(self.plan_erp))
        # a second major change: one more reminder, naming it only
        second = self._major_change(self.service_erp, 1)
        Plan._cron_schedule_test_reminders()
        reminders = self._reminders(self.plan_erp)
        self.assertEqual(len(reminders), 1)
        self.assertIn(second.name, reminders.summary)
        self.assertNotIn(change.name, reminders.summary)

    def test_cron_reminds_when_interval_due(self):
        Plan = self.env["svcms.continuity.plan"]
        Plan._cron_schedule_test_reminders()
        self.assertFalse(self._reminders(self.plan_erp))
        # the mail plan is due: no test yet, next test brought to yesterday
        self.plan_mail.with_user(self.user_manager).next_test_date = self.today - relativedelta(days=1)
        Plan._cron_schedule_test_reminders()
        Plan._cron_schedule_test_reminders()
        reminders = self._reminders(self.plan_mail)
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.user_id, self.user_agent2)
        self.assertEqual(reminders.date_deadline, self.today - relativedelta(days=1))
        # retired plans are left alone
        self.plan_erp.with_user(self.user_manager).action_retire()
        self._major_change(self.service_erp, 1)
        Plan._cron_schedule_test_reminders()
        self.assertFalse(self._reminders(self.plan_erp))

    def test_reminder_fields_written_by_the_cron_only(self):
        change = self._major_change(self.service_erp, 5)
        with self.assertRaises(UserError):
            self.plan_erp.with_user(self.user_manager).write({"reminded_change_ids": [Command.link(change.id)]})
        with self.assertRaises(UserError):
            self.plan_erp.with_user(self.user_manager).write({"state": "retired"})

    def test_broken_plan_does_not_stop_the_cron(self):
        self._major_change(self.service_erp, 5)
        self._major_change(self.service_mail, 5)
        Plan = self.env["svcms.continuity.plan"]
        original = type(Plan)._svcms_schedule_test_reminders

        def broken(plans, required):
            if self.plan_mail in plans:
                raise ValueError("boom")
            return original(plans, required)

        self.patch(type(Plan), "_svcms_schedule_test_reminders", broken)
        Plan._cron_schedule_test_reminders()
        self.assertEqual(len(self._reminders(self.plan_erp)), 1)
        self.assertFalse(self._reminders(self.plan_mail))
        self.assertEqual(self.plan_mail.svcms_cron_failure_count, 1)
        self.assertIn("boom", self.plan_mail.svcms_cron_last_error)
