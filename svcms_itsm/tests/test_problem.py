import datetime
import xmlrpc.client

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ItsmCase


class ProblemData:
    @classmethod
    def _setup_problem_data(cls):
        cls.category = cls.env["svcms.incident.category"].create({"name": "测试邮件类"})
        cls.ci_mail = cls.env["svcms.ci"].create(
            {
                "name": "测试邮件服务器",
                "identifier": "T-MAIL-01",
                "type_id": cls.env["svcms.ci.type"].create({"name": "测试主机", "code": "T-HOST"}).id,
                "status": "active",
            }
        )

    def _incident(self, reported, **values):
        return self.env["svcms.incident"].create(
            {"subject": "邮件延迟", "date_reported": reported, "ci_ids": [(6, 0, self.ci_mail.ids)], **values}
        )

    @staticmethod
    def _finish_change(change, end):
        # the change area owns the change workflow: its status is set the way server code would
        change.sudo().write({"state": "done", "outcome": "successful", "actual_end": end})


@tagged("post_install", "-at_install")
class TestProblem(ProblemData, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_problem_data()

    def _problem(self, user=None, **values):
        Problem = self.env["svcms.problem"].with_user(user or self.user_agent)
        return Problem.create({"subject": "邮件服务器队列积压", "ci_ids": [(6, 0, self.ci_mail.ids)], **values})

    def test_sequence_and_evidence(self):
        problem = self._problem()
        self.assertTrue(problem.name.startswith("PRB/"), problem.name)
        self.assertEqual(problem.state, "new")
        self.assertEqual(problem.user_id, self.user_agent)
        self.assertIn("8.6.3", self.env["svcms.problem"]._svcms_evidence_clause_codes("iso20000"))

    def test_state_not_writable_directly(self):
        problem = self._problem()
        with self.assertRaises(UserError):
            problem.write({"state": "closed"})
        with self.assertRaises(UserError):
            self.env["svcms.problem"].with_user(self.user_agent).create({"subject": "x", "state": "closed"})
        self.assertEqual(problem.state, "new")

    def test_full_workflow_with_effective_fix(self):
        problem = self._problem()
        problem.action_start_analysis()
        self.assertEqual(problem.state, "analysis")
        self.assertTrue(problem.analysis_date)
        with self.assertRaisesRegex(UserError, "root cause"):
            problem.action_confirm_known_error()
        problem.write({"root_cause": "<p>反垃圾网关超时</p>", "rca_analysis": "<p>为什么？</p>"})
        problem.action_confirm_known_error()
        self.assertEqual(problem.state, "known_error")
        with self.assertRaisesRegex(UserError, "link the change"):
            problem.action_start_fix()
        change = self.env["svcms.change"].create({"subject": "升级反垃圾网关"})
        problem.change_id = change
        problem.action_start_fix()
        self.assertEqual(problem.state, "fixing")
        with self.assertRaisesRegex(UserError, "done and successful"):
            problem.action_fix_done()
        self.assertEqual(problem.state, "fixing")
        fixed = datetime.datetime(2026, 3, 1, 10, 0)
        self._finish_change(change, fixed)
        problem.action_fix_done()
        self.assertEqual(problem.state, "review")
        self.assertEqual(problem.fixed_date, fixed)
        self.assertEqual(problem.review_date, datetime.date(2026, 3, 31))
        # an incident from before the fix is no recurrence
        self._incident(fixed - datetime.timedelta(days=1))
        self.assertEqual(problem.recurrence_count, 0)
        manager_problem = problem.with_user(self.user_manager)
        with freeze_time("2026-03-20"), self.assertRaisesRegex(UserError, "due on"):
            manager_problem.action_close()
        # agents may not close
        with freeze_time("2026-04-01"), self.assertRaises(AccessError):
            problem.action_close()
        self.assertEqual(problem.state, "review")
        with freeze_time("2026-04-01"):
            manager_problem.action_close()
        self.assertEqual(problem.state, "closed")
        self.assertEqual(problem.review_result, "effective")
        self.assertEqual(problem.closed_by_id, self.user_manager)
        # closed: the analysis is evidence
        with self.assertRaises(UserError):
            problem.with_user(self.user_manager).write({"root_cause": "<p>改写</p>"})

    def _problem_in_review(self, fixed):
        problem = self._problem(category_id=self.category.id, root_cause="<p>原因</p>")
        problem.action_start_analysis()
        problem.action_confirm_known_error()
        change = self.env["svcms.change"].create({"subject": "修复"})
        problem.change_id = change
        problem.action_start_fix()
        self._finish_change(change, fixed)
        problem.action_fix_done()
        return problem

    def test_recurrence_sends_back_to_analysis(self):
        fixed = datetime.datetime(2026, 3, 1, 10, 0)
        problem = self._problem_in_review(fixed)
        other_ci = self.env["svcms.ci"].create(
            {"name": "无关服务器", "identifier": "T-OTHER", "type_id": self.ci_mail.type_id.id, "status": "active"}
        )
        # after the fix: same CI, same category (other CI), linked, unrelated, cancelled
        self._incident(fixed + datetime.timedelta(days=2))
        self._incident(fixed + datetime.timedelta(days=3), ci_ids=[(6, 0, other_ci.ids)], category_id=self.category.id)
        self._incident(fixed + datetime.timedelta(days=4), ci_ids=[(6, 0, other_ci.ids)], problem_id=problem.id)
        self._incident(fixed + datetime.timedelta(days=5), ci_ids=[(6, 0, other_ci.ids)])
        cancelled = self._incident(fixed + datetime.timedelta(days=6))
        cancelled.sudo().write({"state": "cancelled"})
        problem.invalidate_recordset(["recurrence_count"])
        self.assertEqual(problem.recurrence_count, 3)
        with freeze_time("2026-04-02"), self.assertRaisesRegex(UserError, "3 incident"):
            problem.with_user(self.user_manager).action_close()
        self.assertEqual(problem.state, "review")
        problem.action_reopen()
        self.assertEqual(problem.state, "analysis")
        self.assertEqual(problem.review_result, "ineffective")
        self.assertEqual(problem.recurrence_found, 3)

    def test_cancel_needs_manager(self):
        problem = self._problem()
        with self.assertRaises(AccessError):
            problem.action_cancel()
        self.assertEqual(problem.state, "new")
        problem.with_user(self.user_manager).action_cancel()
        self.assertEqual(problem.state, "cancelled")

    def test_known_error_published_to_knowledge_base(self):
        problem = self._problem(root_cause="<p>规则库内存泄漏</p>", workaround="<p>重启网关</p>")
        known_error = (
            self.env["svcms.known.error"]
            .with_user(self.user_agent)
            .create({"name": "网关超时导致队列积压", "problem_id": problem.id, "symptoms": "<p>邮件延迟</p>"})
        )
        # taken over from the problem
        self.assertIn("重启网关", known_error.workaround)
        self.assertEqual(known_error.ci_ids, self.ci_mail)
        self.assertEqual(problem.known_error_count, 1)
        known_error.action_publish_knowledge()
        article = known_error.article_id
        self.assertTrue(article)
        self.assertEqual(article.state, "published")
        self.assertEqual(article.name, "网关超时导致队列积压")
        self.assertIn("重启网关", article.body)
        self.assertIn("邮件延迟", article.body)
        self.assertTrue(known_error.published)
        # publishing again updates the same article
        known_error.write({"workaround": "<p>重启网关并刷新队列</p>"})
        known_error.action_publish_knowledge()
        self.assertEqual(known_error.article_id, article)
        self.assertIn("刷新队列", article.body)
        self.assertEqual(self.env["svcms.knowledge.article"].search_count([("name", "=", "网关超时导致队列积压")]), 1)

    def test_known_error_without_workaround_not_published(self):
        known_error = self.env["svcms.known.error"].with_user(self.user_agent).create({"name": "无临时方案"})
        with self.assertRaisesRegex(UserError, "no workaround"):
            known_error.action_publish_knowledge()
        self.assertFalse(known_error.article_id)

    def test_staff_cannot_publish(self):
        known_error = self.env["svcms.known.error"].create({"name": "已知错误", "workaround": "<p>重启</p>"})
        with self.assertRaises(AccessError):
            known_error.with_user(self.user_staff).action_publish_knowledge()
        self.assertFalse(known_error.article_id)


@tagged("post_install", "-at_install")
class TestProblemRpc(ProblemData, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_problem_data()
        cls.agent = new_test_user(cls.env, "t_prb_agent", groups="base.group_user,svcms_itsm.group_itsm_user")
        cls.problem = cls.env["svcms.problem"].with_user(cls.agent).create({"subject": "MES 数据库连接池耗尽"})
        cls.problem.action_start_analysis()

    def _call(self, user, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "svcms.problem", method, list(args), kwargs
        )

    def test_refusals_over_rpc(self):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self._call(self.agent, "write", [self.problem.id], {"state": "closed"})
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self._call(self.agent, "action_cancel", [self.problem.id])
        self.assertIn("not allowed", caught.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self._call(self.agent, "action_confirm_known_error", [self.problem.id])
        self.assertIn("root cause", caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(self.problem.state, "analysis")
        self.assertFalse(self.problem.known_error_date)
        # a permitted step answers over RPC (no None)
        self.assertTrue(self._call(self.agent, "write", [self.problem.id], {"root_cause": "<p>连接泄漏</p>"}))
        self.assertTrue(self._call(self.agent, "action_confirm_known_error", [self.problem.id]))
        self.env.invalidate_all()
        self.assertEqual(self.problem.state, "known_error")
