"""Demand and capacity (ISO/IEC 20000-1 8.4.2, 8.4.3): thresholds, status and one alert per breach episode."""

from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ItsmCase


@tagged("post_install", "-at_install")
class TestCapacity(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner_user = new_test_user(
            cls.env, "t_itsm_mail_owner", groups="base.group_user,svcms_itsm.group_itsm_user"
        )
        cls.owner = cls.env["hr.employee"].create({"name": "邮箱负责人", "user_id": cls.owner_user.id})
        cls.service_mail.owner_id = cls.owner
        cls.plan = (
            cls.env["svcms.capacity.plan"]
            .with_user(cls.user_manager)
            .create(
                {
                    "name": "邮箱存储",
                    "service_id": cls.service_mail.id,
                    "resource_type": "technical",
                    "resource": "邮件存储",
                    "unit": "GB",
                    "capacity": 1000.0,
                    "warning_threshold": 80.0,
                    "critical_threshold": 95.0,
                }
            )
        )
        cls.alert_type = cls.env.ref("svcms_itsm.mail_activity_type_capacity_alert")

    def _measure(self, value, day):
        return (
            self.env["svcms.capacity.measurement"]
            .with_user(self.user_agent)
            .create({"plan_id": self.plan.id, "value": value, "date": date(2026, 11, day)})
        )

    def _alerts(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "svcms.capacity.plan"),
                ("res_id", "=", self.plan.id),
                ("activity_type_id", "=", self.alert_type.id),
            ]
        )

    def test_one_alert_per_breach_episode(self):
        self.assertEqual(self.plan.status, "ok")
        self._measure(500, 1)
        self.assertEqual(self.plan.status, "ok")
        self.assertFalse(self._alerts())
        self._measure(850, 2)
        self.assertEqual(self.plan.status, "warning")
        self.assertAlmostEqual(self.plan.usage_percent, 85.0)
        alerts = self._alerts()
        self.assertEqual(len(alerts), 1)
        self.assertEqual(alerts.user_id, self.owner_user)
        # still above: the same episode, no second alert (even when it gets critical)
        self._measure(900, 3)
        self._measure(960, 4)
        self.assertEqual(self.plan.status, "critical")
        self.assertEqual(len(self._alerts()), 1)
        # an older reading does not change the current status
        self._measure(100, 1)
        self.assertEqual(self.plan.status, "critical")
        # back under the warning threshold ends the episode; the next breach alerts again
        self._measure(600, 5)
        self.assertEqual(self.plan.status, "ok")
        self._measure(990, 6)
        self.assertEqual(self.plan.status, "critical")
        self.assertEqual(len(self._alerts()), 2)

    def test_bad_thresholds_refused(self):
        plan = self.plan.with_user(self.user_manager)
        with self.assertRaisesRegex(ValidationError, "0 to 100"):
            plan.warning_threshold = 120
        with self.assertRaisesRegex(ValidationError, "0 to 100"):
            plan.critical_threshold = -5
        with self.assertRaisesRegex(ValidationError, "warning threshold cannot be above"):
            plan.write({"warning_threshold": 90, "critical_threshold": 85})
        # the refused write aborts the transaction: drop its unflushed values as the rollback would
        self.env.invalidate_all(flush=False)
        self.assertEqual((self.plan.warning_threshold, self.plan.critical_threshold), (80.0, 95.0))

    def test_agent_measures_but_does_not_plan(self):
        self._measure(100, 1)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_agent).capacity = 10
        self.assertEqual(self.plan.capacity, 1000.0)

    def test_forecast_period_checked(self):
        Forecast = self.env["svcms.demand.forecast"].with_user(self.user_manager)
        forecast = Forecast.create(
            {
                "service_id": self.service_mail.id,
                "period_start": date(2027, 1, 1),
                "period_end": date(2027, 12, 31),
                "expected_users": 800,
                "expected_transactions": 2000000,
            }
        )
        self.assertEqual(forecast.expected_users, 800)
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            Forecast.create(
                {"service_id": self.service_mail.id, "period_start": date(2027, 2, 1), "period_end": date(2027, 1, 1)}
            )
