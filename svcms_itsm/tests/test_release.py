"""Service design and transition (8.5.2) and release and deployment (8.5.3)."""

import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase

RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


class ReleaseData(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service_new = cls.env["svcms.service"].create({"code": "T-MES", "name": "测试 MES", "status": "pipeline"})
        cls.plan = (
            cls.env["svcms.transition.plan"]
            .with_user(cls.user_manager)
            .create(
                {
                    "name": "MES 升级",
                    "service_id": cls.service_new.id,
                    "criterion_ids": [
                        Command.create({"name": "报工数据一致", "test_method": "对比 200 张工单"}),
                        Command.create({"name": "响应时间不超过 2 秒", "test_method": "压力测试"}),
                    ],
                }
            )
        )
        cls.crit_data, cls.crit_perf = cls.plan.criterion_ids


@tagged("post_install", "-at_install")
class TestTransitionPlan(ReleaseData):
    def test_author_is_the_creator(self):
        self.assertEqual(self.plan.author_id, self.user_manager)
        with self.assertRaises(UserError):
            self.plan.with_user(self.user_manager).write({"author_id": self.user_agent.id})

    def test_agent_cannot_approve(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_agent).action_approve()
        self.assertEqual(self.plan.state, "draft")
        self.assertFalse(self.plan.with_user(self.user_agent).can_approve)

    def test_state_cannot_be_written(self):
        with self.assertRaises(UserError):
            self.plan.with_user(self.user_manager).write({"state": "accepted"})
        self.assertEqual(self.plan.state, "draft")

    def test_no_criteria_no_approval(self):
        plan = (
            self.env["svcms.transition.plan"]
            .with_user(self.user_manager)
            .create({"name": "Empty", "service_id": self.service_new.id})
        )
        with self.assertRaisesRegex(UserError, "no acceptance criteria"):
            plan.action_approve()
        self.assertEqual(plan.state, "draft")

    def test_accept_needs_every_criterion_passed(self):
        plan = self.plan.with_user(self.user_manager)
        plan.action_approve()
        self.assertEqual(plan.state, "approved")
        self.assertEqual(plan.approved_by_id, self.user_manager)
        # the engineer records the results: who and when are set by the server
        self.crit_data.with_user(self.user_agent).write({"result": "pass", "evidence_note": "一致"})
        self.crit_perf.with_user(self.user_agent).write({"result": "fail", "tested_by_id": self.user_manager.id})
        self.assertEqual(self.crit_data.tested_by_id, self.user_agent)
        self.assertEqual(self.crit_perf.tested_by_id, self.user_agent)
        self.assertTrue(self.crit_data.tested_date)
        with self.assertRaisesRegex(UserError, "响应时间不超过 2 秒"):
            plan.action_accept()
        self.assertEqual(plan.state, "approved")
        self.crit_perf.with_user(self.user_agent).write({"result": False})
        with self.assertRaisesRegex(UserError, "every acceptance criterion"):
            plan.action_accept()
        self.crit_perf.with_user(self.user_agent).result = "pass"
        plan.action_accept()
        self.assertEqual(plan.state, "accepted")
        self.assertEqual(plan.passed_count, 2)
        # once accepted, the results are evidence
        with self.assertRaises(UserError):
            self.crit_perf.with_user(self.user_manager).result = "fail"
        with self.assertRaises(UserError):
            self.env["svcms.transition.criterion"].with_user(self.user_manager).create(
                {"plan_id": plan.id, "name": "Late"}
            )
        self.assertEqual(self.service_new.status, "pipeline")
        plan.action_go_live()
        self.assertEqual(plan.state, "live")
        self.assertEqual(self.service_new.status, "live")
        self.assertEqual(plan.live_by_id, self.user_manager)

    def test_design_frozen_after_approval(self):
        plan = self.plan.with_user(self.user_manager)
        plan.design_outputs = "<p>v1</p>"
        plan.action_approve()
        with self.assertRaises(UserError):
            plan.design_outputs = "<p>v2</p>"

    def test_go_live_needs_acceptance(self):
        plan = self.plan.with_user(self.user_manager)
        plan.action_approve()
        with self.assertRaises(UserError):
            plan.action_go_live()
        self.assertEqual(self.service_new.status, "pipeline")

    def test_separation_of_duties(self):
        self.env["ir.config_parameter"].set_param("svcms_base.separation_of_duties.svcms.transition.plan", "1")
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            self.plan.with_user(self.user_manager).action_approve()
        other_manager = self.user_manager.copy({"login": "t_itsm_manager_2"})
        self.plan.with_user(other_manager).action_approve()
        self.assertEqual(self.plan.state, "approved")


@tagged("post_install", "-at_install")
class TestTransitionPlanRpc(ReleaseData, HttpCase):
    def _rpc(self, user, model, method, *args):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args))

    def test_accept_with_failed_criterion_refused_by_rpc(self):
        self.plan.with_user(self.user_manager).action_approve()
        self.crit_data.result = "pass"
        self.crit_perf.result = "fail"
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_manager, "svcms.transition.plan", "action_accept", self.plan.ids)
        self.assertIn("响应时间不超过 2 秒", caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(self.plan.state, "approved")
        self.assertFalse(self.plan.accepted_by_id)

    def test_agent_approval_refused_by_rpc(self):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_agent, "svcms.transition.plan", "action_approve", self.plan.ids)
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_manager, "svcms.transition.plan", "write", self.plan.ids, {"state": "live"})
        self.env.invalidate_all()
        self.assertEqual(self.plan.state, "draft")
        self.assertFalse(self.plan.approved_by_id)

    def test_approval_by_rpc_returns_true(self):
        self.assertTrue(self._rpc(self.user_manager, "svcms.transition.plan", "action_approve", self.plan.ids))
        self.env.invalidate_all()
        self.assertEqual(self.plan.state, "approved")


@tagged("post_install", "-at_install")
class TestRelease(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.change_a, cls.change_b = cls.env["svcms.change"].create(
            [
                {"subject": "升级 MES 应用", "service_ids": [Command.set(cls.service_erp.ids)]},
                {"subject": "升级 MES 数据库", "service_ids": [Command.set(cls.service_mail.ids)]},
            ]
        )
        cls.release = (
            cls.env["svcms.release"]
            .with_user(cls.user_manager)
            .create(
                {
                    "name": "MES 3.2",
                    "release_type": "major",
                    "change_ids": [Command.set((cls.change_a | cls.change_b).ids)],
                }
            )
        )
        cls.Deployment = cls.env["svcms.release.deployment"].with_user(cls.user_manager)

    def _deploy(self, environment, result, **values):
        return self.Deployment.create(
            {"release_id": self.release.id, "environment": environment, "result": result, **values}
        )

    def test_changes_grouped(self):
        self.assertEqual(self.release.change_ids, self.change_a | self.change_b)
        self.assertEqual(self.change_a.release_id, self.release)
        self.assertEqual(self.release.service_ids, self.service_erp | self.service_mail)

    def test_states_through_verified(self):
        release = self.release.with_user(self.user_manager)
        release.action_build()
        self.assertEqual(release.state, "built")
        self.assertEqual(release.built_by_id, self.user_manager)
        release.action_deploy()
        self._deploy("test", "successful", verification_note="冒烟测试通过")
        # a test deployment is not a production one
        with self.assertRaisesRegex(UserError, "production"):
            release.action_mark_deployed()
        production = self._deploy("production", "successful")
        release.action_mark_deployed()
        self.assertEqual(release.state, "deployed")
        with self.assertRaisesRegex(UserError, "verification"):
            release.action_verify()
        self.assertEqual(release.state, "deployed")
        production.verification_note = "订单与报工抽查正常"
        release.action_verify()
        self.assertEqual(release.state, "verified")
        self.assertEqual(release.verified_by_id, self.user_manager)
        # a verified release is evidence: deployments and grouping fixed
        with self.assertRaises(UserError):
            production.verification_note = "改写"
        with self.assertRaises(UserError):
            self._deploy("staging", "successful")
        with self.assertRaises(UserError):
            release.release_type = "minor"
        # publishing stays possible
        release.published = True

    def test_steps_out_of_order_refused(self):
        release = self.release.with_user(self.user_manager)
        with self.assertRaises(UserError):
            release.action_deploy()
        with self.assertRaises(UserError):
            release.action_verify()
        with self.assertRaises(UserError):
            release.action_rollback()
        self.assertEqual(release.state, "planned")

    def test_rollback_needs_reason_and_is_recorded(self):
        release = self.release.with_user(self.user_manager)
        release.action_build()
        release.action_deploy()
        with self.assertRaises(ValidationError):
            self._deploy("production", "rolled_back")
        self._deploy("production", "rolled_back", rollback_reason="报工接口超时")
        with self.assertRaisesRegex(UserError, "reason"):
            release.action_rollback()
        self.assertEqual(release.state, "deploying")
        release.rollback_reason = "生产报工接口超时，回退至 3.1"
        release.action_rollback()
        self.assertEqual(release.state, "rolled_back")
        self.assertEqual(release.rolled_back_by_id, self.user_manager)
        self.assertTrue(release.rolled_back_date)
        with self.assertRaises(UserError):
            release.rollback_reason = "另一个原因"
        self.assertEqual(release.rollback_reason, "生产报工接口超时，回退至 3.1")

    def test_agent_reads_but_does_not_run_releases(self):
        release = self.release.with_user(self.user_agent)
        self.assertEqual(release.name, "MES 3.2")
        with self.assertRaises(AccessError):
            release.action_build()
        with self.assertRaises(AccessError):
            self.env["svcms.release.deployment"].with_user(self.user_agent).create(
                {"release_id": self.release.id, "environment": "test"}
            )
        self.assertEqual(self.release.state, "planned")

    def test_schedule_shows_published_releases_to_internal_users(self):
        other = self.env["svcms.release"].create({"name": "Unpublished"})
        self.release.published = True
        Release = self.env["svcms.release"].with_user(self.user_staff)
        self.assertEqual(Release.search([("id", "in", (self.release | other).ids)]), self.release)
        with self.assertRaises(AccessError):
            other.with_user(self.user_staff).read(["name"])
        with self.assertRaises(AccessError):
            self.release.with_user(self.user_staff).write({"name": "x"})
