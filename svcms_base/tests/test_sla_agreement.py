from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import SlaCase

SH = "Asia/Shanghai"


@tagged("post_install", "-at_install")
class TestSlaWorkloadAndExceptions(SlaCase):
    """ISO/IEC 20000-1 8.3.3: workload limits per period and approved exceptions leave compliance figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._policy(hours=1)
        cls.agreement = cls.env["svcms.sla.agreement"].create(
            {
                "name": "经销商服务协议",
                "partner_id": cls.customer.id,
                "workload_limit": 2,
                "limit_period": "month",
                "tz": SH,
            }
        )
        cls.requester = new_test_user(cls.env, login="sla_requester", groups="svcms_base.group_svcms_user")
        cls.approver = new_test_user(cls.env, login="sla_approver", groups="svcms_base.group_svcms_manager")
        cls.Line = cls.env["svcms.sla.line"]

    def test_workload_is_counted_per_period(self):
        complaints = self.env["svcms.complaint"]
        for moment in ("2026-03-02 09:00", "2026-03-15 09:00", "2026-03-31 23:30"):
            with freeze_time(self.utc(moment, SH)):
                complaints |= self._complaint()
        with freeze_time(self.utc("2026-03-20 09:00", SH)):
            other = self._complaint(partner=self.other_customer)
        with freeze_time(self.utc("2026-04-01 00:10", SH)):
            april = self._complaint()
        lines = complaints.sla_line_ids
        self.assertEqual(lines.agreement_id, self.agreement)
        self.assertEqual([self.line(c).over_limit for c in complaints], [False, False, True])
        self.assertTrue(self.line(complaints[-1]).excluded, "the third request of March is beyond the limit")
        self.assertFalse(self.line(other).agreement_id, "another customer is not counted")
        self.assertFalse(self.line(april).over_limit, "a new month starts at midnight in Shanghai")
        with freeze_time(self.utc("2026-04-02 09:00", SH)):
            self.agreement.invalidate_recordset()
            self.assertEqual(self.agreement.current_count, 1)
            self.assertEqual(self.agreement.current_usage, 50.0)

    def _breached_and_met(self):
        with freeze_time(self.utc("2026-03-09 09:00", SH)):
            met = self._complaint(partner=self.other_customer, resolution="<p>已更换</p>")
            met.action_investigate()
            late = self._complaint(partner=self.other_customer, subject="维修超时未上门")
            later = self._complaint(partner=self.other_customer, subject="配件价格不透明")
        with freeze_time(self.utc("2026-03-09 09:30", SH)):
            met.action_resolve()
        with freeze_time(self.utc("2026-03-09 11:00", SH)):
            self.Line._cron_check_deadlines()
        return met, late, later

    def test_approved_exception_leaves_compliance(self):
        _met, late, _later = self._breached_and_met()
        compliance = self.Line._sla_compliance([("policy_id", "=", self.policy.id)], ["policy_id"])
        self.assertEqual(compliance[(self.policy,)]["total"], 3)
        self.assertAlmostEqual(compliance[(self.policy,)]["compliance"], 100 / 3)

        exception = (
            self.env["svcms.sla.exception"]
            .with_user(self.requester)
            .create(
                {
                    "name": "客户不在家，无法上门",
                    "exception_type": "customer_delay",
                    "justification": "客户要求改期两次，有通话录音",
                    "line_ids": [(6, 0, self.line(late).ids)],
                }
            )
        )
        with self.assertRaises(AccessError):
            exception.with_user(self.requester).action_approve()
        self_approving = (
            self.env["svcms.sla.exception"]
            .with_user(self.approver)
            .create({"name": "自批", "justification": "-", "line_ids": [(6, 0, self.line(late).ids)]})
        )
        with self.assertRaises(UserError):
            self_approving.with_user(self.approver).action_approve()
        exception.with_user(self.approver).action_approve()
        self.assertEqual(exception.approved_by_id, self.approver)
        self.assertTrue(exception.approved_date)
        self.assertTrue(self.line(late).excluded)
        with self.assertRaises(UserError):
            exception.with_user(self.approver).write({"justification": "改写理由"})

        compliance = self.Line._sla_compliance([("policy_id", "=", self.policy.id)], ["policy_id"])
        self.assertEqual(compliance[(self.policy,)]["total"], 2)
        self.assertAlmostEqual(compliance[(self.policy,)]["compliance"], 50.0)
        kpi = self.env.ref("svcms_base.kpi_def_sla_compliance")
        result = kpi._evaluate(date(2026, 3, 1), date(2026, 4, 1), self.env.company)
        self.assertEqual((result["numerator"], result["denominator"]), (1, 2))
        self.assertAlmostEqual(result["value"], 50.0)

    def test_compliance_by_customer_and_team(self):
        self._breached_and_met()
        by_customer = self.Line._sla_compliance([("policy_id", "=", self.policy.id)], ["partner_id"])
        self.assertEqual(by_customer[(self.other_customer,)]["met"], 1)
        self.assertEqual(by_customer[(self.other_customer,)]["breached"], 2)
        by_month = self.Line._sla_compliance([("policy_id", "=", self.policy.id)], ["outcome_datetime:month"])
        self.assertEqual(sum(bucket["total"] for bucket in by_month.values()), 3)
