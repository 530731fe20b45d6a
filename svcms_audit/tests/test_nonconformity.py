import xmlrpc.client
from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import AuditCase

RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


class NonconformityCase(AuditCase):
    def _nc(self, user=None, **values):
        Nonconformity = self.env["svcms.nonconformity"].with_user(user or self.user_auditor)
        return Nonconformity.create(
            {
                "name": values.pop("name", "安装记录缺少客户签字"),
                "description": "<p>抽查 5 份安装单，2 份无客户签字</p>",
                "department_id": self.dep_service.id,
                **values,
            }
        )

    def _opened(self, **values):
        nc = self._nc(owner_id=self.user_owner.id, **values)
        nc.action_open()
        return nc

    def _action(self, nc, owner=None, user=None, **values):
        return (
            self.env["svcms.capa.action"]
            .with_user(user or self.user_owner)
            .create(
                {
                    "name": values.pop("name", "修订安装单，签字栏设为必填"),
                    "nonconformity_id": nc.id,
                    "owner_id": (owner or self.user_owner).id,
                    "deadline": values.pop("deadline", date.today() + timedelta(days=14)),
                    **values,
                }
            )
        )


class TestNonconformityWorkflow(NonconformityCase):
    def test_reference_and_opening_needs_an_owner(self):
        nc = self._nc()
        self.assertTrue(nc.reference.startswith("NC/"), nc.reference)
        self.assertEqual(nc.state, "draft")
        with self.assertRaisesRegex(UserError, "owner"):
            nc.action_open()
        self.assertEqual(nc.state, "draft")
        nc.owner_id = self.user_owner
        nc.action_open()
        self.assertEqual(nc.state, "open")
        self.assertEqual(nc.opened_by_id, self.user_auditor)
        self.assertTrue(
            nc.activity_ids.filtered(lambda a: a.user_id == self.user_owner),
            "the owner is asked to analyse the cause and plan the actions",
        )

    def test_status_only_through_the_workflow(self):
        nc = self._nc(owner_id=self.user_owner.id)
        for name, value in {"state": "closed", "closed_date": "2026-01-01", "reopen_count": 3}.items():
            with self.assertRaises(UserError):
                nc.write({name: value})
        with self.assertRaises(UserError):
            self._nc(state="closed")
        self.assertEqual(nc.state, "draft")

    def test_closure_with_an_open_or_unverified_action_refused(self):
        nc = self._opened()
        first = self._action(nc)
        second = self._action(nc, name="培训安装工签字要求")
        with self.assertRaises(UserError):
            nc.with_user(self.user_auditor).action_close()
        first.action_done()
        self.assertEqual(nc.state, "open", "one action is still open")
        second.action_done()
        self.assertEqual(nc.state, "verification", "every action is done")
        # done but not yet verified effective
        with self.assertRaisesRegex(UserError, "verified effective"):
            nc.with_user(self.user_auditor).action_close()
        self.assertEqual(nc.state, "verification")
        for action in first | second:
            action.with_user(self.user_verifier).write({"verification_note": "抽查 10 份新安装单均有签字"})
            action.with_user(self.user_verifier).action_verify_effective()
        nc.with_user(self.user_auditor).action_close()
        self.assertEqual(nc.state, "closed")
        self.assertEqual(nc.closed_by_id, self.user_auditor)
        self.assertTrue(nc.closed_on_time)
        self.assertTrue((first | second).mapped("effective_first_time"))
        with self.assertRaises(UserError):
            nc.with_user(self.user_auditor).write({"description": "<p>改写</p>"})
        with self.assertRaisesRegex(UserError, "no action can be added"):
            self._action(nc, user=self.user_auditor, name="迟到的措施")
        self.assertEqual(len(nc.action_ids), 2)

    def test_ineffective_action_reopens_and_asks_for_new_actions(self):
        nc = self._opened(target_date=date.today() - timedelta(days=1))
        action = self._action(nc)
        action.action_done()
        self.assertEqual(nc.state, "verification")
        action.with_user(self.user_verifier).write({"verification_note": "复查仍发现缺签"})
        action.with_user(self.user_verifier).action_verify_ineffective()
        self.assertEqual(action.state, "ineffective", "the ineffective action stays as history")
        self.assertFalse(action.effective_first_time)
        self.assertEqual(nc.state, "open")
        self.assertEqual(nc.reopen_count, 1)
        self.assertTrue(nc.needs_new_action)
        self.assertTrue(nc.activity_ids.filtered(lambda a: a.user_id == self.user_owner))
        new_action = self._action(nc, name="安装 App 强制电子签名")
        self.assertFalse(nc.needs_new_action)
        new_action.action_done()
        self.assertEqual(nc.state, "verification")
        new_action.with_user(self.user_verifier).write({"verification_note": "电子签名率 100%"})
        new_action.with_user(self.user_verifier).action_verify_effective()
        nc.with_user(self.user_auditor).action_close()
        self.assertEqual(nc.state, "closed")
        self.assertFalse(nc.closed_on_time, "closed after its target date")

    def test_verification_by_an_action_owner_refused(self):
        nc = self._opened()
        own = self._action(nc, owner=self.user_verifier)
        other = self._action(nc, name="更新作业指导书")
        own.with_user(self.user_verifier).action_done()
        other.action_done()
        (own | other).with_user(self.user_manager).write({"verification_note": "已核查"})
        for action in (own, other):
            with self.assertRaisesRegex(UserError, "Separation of duties"):
                action.with_user(self.user_verifier).action_verify_effective()
        self.assertEqual((own | other).mapped("state"), ["done", "done"])
        self.assertFalse(own.with_user(self.user_verifier).can_verify_effective)
        self.assertTrue(own.with_user(self.user_auditor).can_verify_effective)
        # the owner of the action is no auditor either: refused by group
        with self.assertRaises(AccessError):
            other.with_user(self.user_owner).action_verify_effective()
        own.with_user(self.user_auditor).action_verify_effective()
        self.assertEqual(own.state, "effective")

    def test_verifier_cannot_be_the_owner(self):
        nc = self._opened()
        with self.assertRaises(ValidationError):
            self._action(nc, verifier_id=self.user_owner.id)

    def test_done_only_by_the_owner_or_a_manager(self):
        nc = self._opened()
        action = self._action(nc)
        with self.assertRaisesRegex(AccessError, "Only the owner"):
            action.with_user(self.user_auditor).action_done()
        self.assertEqual(action.state, "open")
        self.assertFalse(action.with_user(self.user_auditor).can_done)
        action.with_user(self.user_manager).action_done()
        self.assertEqual(action.state, "done")
        self.assertEqual(action.done_by_id, self.user_manager)

    def test_verification_planned_after_the_delay_with_an_activity(self):
        nc = self._opened(verification_delay_days=10)
        action = self._action(nc, verifier_id=self.user_verifier.id)
        action.action_done()
        self.assertEqual(action.verification_planned_date, date.today() + timedelta(days=10))
        activity = action.activity_ids.filtered(lambda a: a.user_id == self.user_verifier)
        self.assertEqual(activity.date_deadline, date.today() + timedelta(days=10))
        action.with_user(self.user_verifier).write({"verification_note": "有效"})
        action.with_user(self.user_verifier).action_verify_effective()
        self.assertFalse(action.activity_ids, "the verification activity is done")

    def test_verification_needs_evidence(self):
        nc = self._opened()
        action = self._action(nc)
        action.action_done()
        with self.assertRaisesRegex(UserError, "evidence"):
            action.with_user(self.user_verifier).action_verify_effective()
        self.assertEqual(action.state, "done")

    def test_overdue_actions_reach_their_owner_once(self):
        nc = self._opened()
        late = self._action(nc, deadline=date.today() - timedelta(days=3))
        on_time = self._action(nc, name="按期行动")
        done_late = self._action(nc, name="已完成", deadline=date.today() - timedelta(days=3))
        done_late.action_done()
        self.assertEqual(
            self.env["svcms.capa.action"].search([("overdue", "=", True), ("id", "in", nc.action_ids.ids)]), late
        )
        Action = self.env["svcms.capa.action"]
        Action._cron_remind_overdue()
        Action._cron_remind_overdue()
        overdue_type = self.env.ref("svcms_audit.mail_activity_capa_overdue")
        activities = (late | on_time | done_late).activity_ids.filtered(lambda a: a.activity_type_id == overdue_type)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.res_id, late.id)
        self.assertEqual(activities.user_id, self.user_owner)
        late.action_done()
        self.assertFalse(late.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type))

    def test_similar_open_nonconformities(self):
        clause = self.env["svcms.clause"].search([], limit=1)
        first = self._nc(clause_ids=[(6, 0, clause.ids)], source_type="complaint")
        second = self._nc(clause_ids=[(6, 0, clause.ids)], source_type="service_request")
        unrelated = self._nc(source_type="supplier")
        cancelled = self._nc(clause_ids=[(6, 0, clause.ids)], source_type="incident")
        cancelled.action_cancel()
        ours = first | second | unrelated | cancelled
        self.assertEqual(first.similar_nonconformity_ids & ours, second)
        self.assertEqual(second.similar_nonconformity_ids & ours, first)
        self.assertGreaterEqual(second.similar_nonconformity_count, 1)
        self.assertFalse(unrelated.similar_nonconformity_ids & ours)
        action = first.action_view_similar()
        self.assertEqual(self.env["svcms.nonconformity"].search(action["domain"]) & ours, second)

    def test_root_cause_lines_frozen_once_closed(self):
        nc = self._opened()
        nc.write({"why_ids": [(0, 0, {"question": "为什么缺签字？", "answer": "签字栏非必填"})]})
        action = self._action(nc)
        action.action_done()
        action.with_user(self.user_verifier).write({"verification_note": "有效"})
        action.with_user(self.user_verifier).action_verify_effective()
        nc.with_user(self.user_auditor).action_close()
        with self.assertRaises(UserError):
            nc.why_ids.with_user(self.user_auditor).write({"answer": "改写"})
        with self.assertRaises(UserError):
            self.env["svcms.nonconformity.why"].with_user(self.user_auditor).create(
                {"nonconformity_id": nc.id, "question": "再问"}
            )

    def test_kpis_closed_on_time_and_effective_first_time(self):
        closed_on_time = self.env.ref("svcms_audit.kpi_def_nonconformity_closed_on_time")
        effective = self.env.ref("svcms_audit.kpi_def_capa_effective_first_time")
        start, end = date.today() - timedelta(days=1), date.today() + timedelta(days=1)
        before_nc = closed_on_time._evaluate(start, end, self.company)
        before_action = effective._evaluate(start, end, self.company)
        nc = self._opened(target_date=date.today() + timedelta(days=5))
        bad = self._action(nc)
        bad.action_done()
        bad.with_user(self.user_verifier).write({"verification_note": "无效"})
        bad.with_user(self.user_verifier).action_verify_ineffective()
        good = self._action(nc, name="第二项措施")
        good.action_done()
        good.with_user(self.user_verifier).write({"verification_note": "有效"})
        good.with_user(self.user_verifier).action_verify_effective()
        nc.with_user(self.user_auditor).action_close()
        after_nc = closed_on_time._evaluate(start, end, self.company)
        after_action = effective._evaluate(start, end, self.company)
        self.assertEqual(after_nc["denominator"] - before_nc["denominator"], 1)
        self.assertEqual(after_nc["numerator"] - before_nc["numerator"], 1)
        self.assertEqual(after_action["denominator"] - before_action["denominator"], 2)
        self.assertEqual(after_action["numerator"] - before_action["numerator"], 1)


class TestNonconformityAccess(NonconformityCase):
    def test_owner_sees_what_they_own_or_act_on(self):
        owned = self._opened()
        acting = self._nc(owner_id=self.user_auditor.id, department_id=self.dep_quality.id)
        acting.action_open()
        self._action(acting, owner=self.user_owner, user=self.user_auditor)
        foreign = self._nc(owner_id=self.user_auditor.id, department_id=self.dep_quality.id)
        visible = (
            self.env["svcms.nonconformity"]
            .with_user(self.user_owner)
            .search([("id", "in", (owned | acting | foreign).ids)])
        )
        self.assertEqual(visible, owned | acting)
        with self.assertRaises(AccessError):
            foreign.with_user(self.user_owner).write({"root_cause": "x"})
        owned.with_user(self.user_owner).write({"root_cause": "签字栏非必填", "cause_category": "method"})
        self.assertEqual(owned.cause_category, "method")

    def test_auditee_reads_their_department_only(self):
        service = self._nc(department_id=self.dep_service.id)
        quality = self._nc(department_id=self.dep_quality.id)
        Nonconformity = self.env["svcms.nonconformity"].with_user(self.user_staff)
        self.assertEqual(Nonconformity.search([("id", "in", (service | quality).ids)]), service)
        with self.assertRaises(AccessError):
            service.with_user(self.user_staff).write({"root_cause": "x"})
        with self.assertRaises(AccessError):
            self._nc(user=self.user_staff)

    def test_action_owner_sees_only_their_actions(self):
        nc = self._opened()
        mine = self._action(nc)
        theirs = self._action(nc, owner=self.user_staff, name="员工行动")
        Action = self.env["svcms.capa.action"].with_user(self.user_staff)
        self.assertEqual(
            Action.search([("id", "in", (mine | theirs).ids)]),
            mine | theirs,
            "auditees read their department's actions",
        )
        with self.assertRaises(AccessError):
            theirs.with_user(self.user_staff).action_done()


@tagged("post_install", "-at_install")
class TestNonconformityRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = "svcms_base.group_svcms_user"
        cls.owner = new_test_user(cls.env, "t_nc_rpc_owner", groups=f"{base},svcms_audit.group_audit_auditor")
        cls.verifier = new_test_user(cls.env, "t_nc_rpc_verifier", groups=f"{base},svcms_audit.group_audit_auditor")
        cls.nc = (
            cls.env["svcms.nonconformity"]
            .with_user(cls.verifier)
            .create({"name": "RPC NC", "description": "<p>x</p>", "owner_id": cls.owner.id})
        )
        cls.nc.action_open()
        cls.action = (
            cls.env["svcms.capa.action"]
            .with_user(cls.owner)
            .create(
                {
                    "name": "RPC action",
                    "nonconformity_id": cls.nc.id,
                    "owner_id": cls.owner.id,
                    "deadline": date.today(),
                }
            )
        )

    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def assertRpcRefused(self, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(user, model, method, *args, **kwargs)
        self.env.invalidate_all()

    def test_rpc_refusals(self):
        # closing with an open action
        self.assertRpcRefused(self.verifier, "svcms.nonconformity", "action_close", [self.nc.id])
        self.assertRpcRefused(self.verifier, "svcms.nonconformity", "write", [self.nc.id], {"state": "closed"})
        self.assertEqual(self.nc.state, "open")
        self.assertTrue(self._rpc(self.owner, "svcms.capa.action", "action_done", [self.action.id]))
        self.assertEqual(self.action.state, "done")
        self.assertEqual(self.nc.state, "verification")
        self._rpc(self.owner, "svcms.capa.action", "write", [self.action.id], {"verification_note": "ok"})
        # the action owner verifying their own action
        self.assertRpcRefused(self.owner, "svcms.capa.action", "action_verify_effective", [self.action.id])
        self.assertRpcRefused(self.owner, "svcms.capa.action", "write", [self.action.id], {"state": "effective"})
        self.assertEqual(self.action.state, "done")
        self.assertFalse(self.action.verified_by_id)
        # closing before verification
        self.assertRpcRefused(self.verifier, "svcms.nonconformity", "action_close", [self.nc.id])
        self.assertEqual(self.nc.state, "verification")
        self.assertTrue(self._rpc(self.verifier, "svcms.capa.action", "action_verify_effective", [self.action.id]))
        self.assertTrue(self._rpc(self.verifier, "svcms.nonconformity", "action_close", [self.nc.id]))
        self.assertEqual(self.nc.state, "closed")
        self.assertRpcRefused(self.verifier, "svcms.nonconformity", "write", [self.nc.id], {"name": "renamed"})
        self.assertEqual(self.nc.name, "RPC NC")
