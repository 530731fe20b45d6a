"""Supplier management (ISO/IEC 20000-1 8.3.4): contracts and their renewal, reviews, disputes."""

import xmlrpc.client
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase


class SupplierData:
    @classmethod
    def _setup_supplier_data(cls):
        cls.vendor = cls.env["res.partner"].create({"name": "测试电信分公司", "is_company": True})
        cls.department = cls.env["hr.department"].create({"name": "测试行政部"})
        today = fields.Date.today()
        Contract = cls.env["svcms.supplier.contract"].with_user(cls.user_manager)
        cls.contract = Contract.create(
            {
                "name": "互联网专线",
                "reference": "T-UC-01",
                "partner_id": cls.vendor.id,
                "service_ids": [Command.set(cls.service_mail.ids)],
                "date_start": today - timedelta(days=300),
                "date_end": today + timedelta(days=30),
                "renewal_notice_days": 60,
                "user_id": cls.user_manager.id,
                "value": 120000,
                "target_ids": [Command.create({"metric": "专线可用性", "target": 99.9, "unit": "%"})],
            }
        )


@tagged("post_install", "-at_install")
class TestSupplierContract(SupplierData, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_data()

    def test_supplier_required_by_type(self):
        Contract = self.env["svcms.supplier.contract"].with_user(self.user_manager)
        with self.assertRaisesRegex(ValidationError, "name the supplier"):
            Contract.create({"name": "无供方", "supplier_type": "external"})
        with self.assertRaisesRegex(ValidationError, "internal supplier"):
            Contract.create({"name": "无部门", "supplier_type": "internal", "partner_id": self.vendor.id})
        ola = Contract.create({"name": "机房供电", "supplier_type": "internal", "department_id": self.department.id})
        self.assertEqual(ola.department_id, self.department)

    def test_end_before_start_refused(self):
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.contract.with_user(self.user_manager).date_end = self.contract.date_start - timedelta(days=1)

    def test_states_and_rights(self):
        with self.assertRaises(AccessError):
            self.contract.with_user(self.user_agent).action_activate()
        self.assertEqual(self.contract.state, "draft")
        with self.assertRaisesRegex(UserError, "workflow buttons"):
            self.contract.with_user(self.user_manager).write({"state": "active"})
        self.contract.with_user(self.user_manager).action_activate()
        self.assertEqual(self.contract.state, "active")
        self.assertEqual(self.contract.activated_by_id, self.user_manager)
        # the parties and the targets are the contract once active; the term may still be extended
        with self.assertRaisesRegex(UserError, "can no longer change"):
            self.contract.with_user(self.user_manager).partner_id = self.customer
        with self.assertRaisesRegex(UserError, "can no longer change"):
            self.contract.target_ids.with_user(self.user_manager).target = 90
        self.contract.with_user(self.user_manager).date_end += timedelta(days=365)
        with self.assertRaisesRegex(UserError, "evidence"):
            self.contract.with_user(self.user_manager).unlink()
        self.contract.with_user(self.user_manager).action_terminate()
        self.assertEqual(self.contract.state, "terminated")

    def test_activation_needs_term_and_services(self):
        contract = (
            self.env["svcms.supplier.contract"]
            .with_user(self.user_manager)
            .create({"name": "未定期限", "partner_id": self.vendor.id})
        )
        with self.assertRaisesRegex(ValidationError, "term"):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")

    def test_renewal_cron_schedules_once(self):
        self.contract.with_user(self.user_manager).action_activate()
        activity_type = self.env.ref("svcms_itsm.mail_activity_type_contract_renewal")
        Contract = self.env["svcms.supplier.contract"]

        def renewal_activities():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "svcms.supplier.contract"),
                    ("res_id", "=", self.contract.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        Contract._svcms_process_renewals()
        activities = renewal_activities()
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_manager)
        self.assertTrue(self.contract.renewal_notified)
        Contract._svcms_process_renewals()
        Contract._svcms_process_renewals()
        self.assertEqual(len(renewal_activities()), 1, "the next runs schedule no second reminder")
        # a new term (extended) with its notice date reached again: one more reminder
        renewal_activities().action_feedback("续签中")
        self.contract.with_user(self.user_manager).date_end += timedelta(days=10)
        self.assertFalse(self.contract.renewal_notified)
        Contract._svcms_process_renewals()
        self.assertEqual(len(renewal_activities()), 1)

    def test_renewal_not_before_notice_date(self):
        self.contract.with_user(self.user_manager).write({"renewal_notice_days": 10})
        self.contract.with_user(self.user_manager).action_activate()
        self.env["svcms.supplier.contract"]._svcms_process_renewals()
        self.assertFalse(self.contract.renewal_notified)
        self.assertFalse(self.contract.activity_ids)

    def test_cron_expires_ended_contract(self):
        self.contract.with_user(self.user_manager).action_activate()
        self.contract.with_user(self.user_manager).date_end = fields.Date.today() - timedelta(days=1)
        self.env["svcms.supplier.contract"]._svcms_process_renewals()
        self.assertEqual(self.contract.state, "expired")

    def test_review_weighted_score_and_lock(self):
        Review = self.env["svcms.supplier.review"].with_user(self.user_agent)
        review = Review.create(
            {
                "contract_id": self.contract.id,
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 6, 30),
                "review_date": date(2026, 7, 5),
                "score_quality": "5",
                "score_delivery": "4",
                "score_responsiveness": "3",
                "score_cost": "2",
            }
        )
        # 5*0.4 + 4*0.25 + 3*0.2 + 2*0.15 = 3.9
        self.assertAlmostEqual(review.weighted_score, 3.9)
        self.assertEqual(review.reviewer_id, self.user_agent)
        with self.assertRaisesRegex(UserError, "conclusions"):
            review.action_complete()
        review.conclusions = "<p>质量良好，费用偏高。</p>"
        review.action_complete()
        self.assertEqual(review.state, "done")
        with self.assertRaisesRegex(UserError, "can no longer change"):
            review.score_cost = "5"
        with self.assertRaisesRegex(UserError, "evidence"):
            review.unlink()
        # the next review follows the completed one by the contract's interval (6 months)
        self.assertEqual(self.contract.next_review_date, date(2027, 1, 5))

    def test_review_period_checked(self):
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self.env["svcms.supplier.review"].with_user(self.user_agent).create(
                {"contract_id": self.contract.id, "period_start": date(2026, 6, 1), "period_end": date(2026, 1, 1)}
            )

    def test_dispute_closure_needs_resolution(self):
        dispute = (
            self.env["svcms.supplier.dispute"]
            .with_user(self.user_agent)
            .create(
                {
                    "name": "三月断线赔偿",
                    "contract_id": self.contract.id,
                    "description": "<p>专线中断 6 小时。</p>",
                    "amount": 5000,
                }
            )
        )
        dispute.action_negotiate()
        self.assertEqual(dispute.state, "negotiation")
        with self.assertRaises(AccessError):
            dispute.action_resolve()
        manager_dispute = dispute.with_user(self.user_manager)
        with self.assertRaisesRegex(UserError, "resolution"):
            manager_dispute.action_resolve()
        with self.assertRaisesRegex(UserError, "resolution"):
            manager_dispute.action_close()
        self.assertEqual(dispute.state, "negotiation")
        dispute.resolution = "<p>供方减免一个月服务费。</p>"
        manager_dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        with self.assertRaisesRegex(UserError, "can no longer change"):
            dispute.resolution = "<p>改写</p>"
        manager_dispute.action_close()
        self.assertEqual(dispute.state, "closed")
        self.assertEqual(dispute.closed_by_id, self.user_manager)

    def _setup_performance(self):
        self.contract.with_user(self.user_manager).action_activate()
        Review = self.env["svcms.supplier.review"].with_user(self.user_agent)
        reviews = Review.create(
            [
                {
                    "contract_id": self.contract.id,
                    "period_start": date(2026, 1, 1),
                    "period_end": date(2026, 3, 31),
                    "review_date": date(2026, 4, 2),
                    "score_quality": score,
                    "score_delivery": score,
                    "score_responsiveness": score,
                    "score_cost": score,
                    "conclusions": "<p>结论</p>",
                }
                for score in ("4", "2")
            ]
        )
        reviews.action_complete()
        self.env["svcms.supplier.dispute"].with_user(self.user_agent).create(
            {"name": "争议", "contract_id": self.contract.id, "description": "<p>x</p>"}
        )
        return self.env["svcms.management.system"].create({"name": "测试体系", "code": "T-ITSM"})

    def test_supplier_performance_rows(self):
        system = self._setup_performance()
        rows = system._svcms_supplier_performance(date(2026, 1, 1), self.contract.date_end)
        # the demo suppliers of the company are there too: look at ours
        self.assertEqual(
            [row for row in rows if row["supplier"] == self.vendor.display_name],
            [
                {
                    "supplier": self.vendor.display_name,
                    "reviews": 2,
                    "average_score": 3.0,
                    "contracts_expiring": 1,
                    "open_disputes": 1,
                }
            ],
        )
        self.assertEqual(system._svcms_supplier_performance(date(2000, 1, 1), date(2000, 1, 31)), [])

    def test_management_review_suppliers_section(self):
        """The suppliers section of a management review (svcms_audit). svcms_audit does not depend on svcms_itsm,
        so this test runs only where both are installed: the full suite always installs every addon; a run of a
        subset without svcms_audit reports it as skipped, never as passed."""
        if "svcms.management.review" not in self.env:
            self.skipTest("svcms_audit is not installed")
        system = self._setup_performance()
        Review = self.env["svcms.management.review"]
        review = Review.create(
            {
                "name": "测试管理评审",
                "management_system_id": system.id,
                "review_date": self.contract.date_end,
                "period_start": date(2026, 1, 1),
                "period_end": self.contract.date_end,
            }
        )
        section = review._svcms_review_input_suppliers()
        rows = system._svcms_supplier_performance(review.period_start, review.period_end)
        self.assertIn(self.vendor.name, section["summary"])
        self.assertNotIn("No supplier review recorded", section["summary"])
        figures = section["figures"]
        self.assertEqual(figures["Supplier reviews completed in the period"], sum(row["reviews"] for row in rows))
        self.assertGreaterEqual(figures["Supplier reviews completed in the period"], 2)
        self.assertEqual(figures["Open disputes"], sum(row["open_disputes"] for row in rows))
        self.assertGreaterEqual(figures["Open disputes"], 1)
        empty = Review.create(
            {
                "name": "无供方评审",
                "management_system_id": system.id,
                "review_date": date(2000, 2, 1),
                "period_start": date(2000, 1, 1),
                "period_end": date(2000, 1, 31),
            }
        )
        self.assertIn("No supplier review recorded", empty._svcms_review_input_suppliers()["summary"])


@tagged("post_install", "-at_install")
class TestSupplierContractRpc(SupplierData, ItsmCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_supplier_data()

    def _call(self, user, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "svcms.supplier.contract", method, list(args), kwargs
        )

    def test_agent_cannot_activate_over_rpc(self):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self._call(self.user_agent, "action_activate", [self.contract.id])
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self._call(self.user_agent, "write", [self.contract.id], {"state": "active"})
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self._call(self.user_manager, "write", [self.contract.id], {"state": "active"})
        self.env.invalidate_all()
        self.assertEqual(self.contract.state, "draft")
        self.assertFalse(self.contract.activated_by_id)
        self.assertTrue(self._call(self.user_manager, "action_activate", [self.contract.id]))
        self.env.invalidate_all()
        self.assertEqual(self.contract.state, "active")
