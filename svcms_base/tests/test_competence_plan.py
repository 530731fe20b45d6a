"""The HR officer plans training straight from competence gaps (#13 item 6)."""

import xmlrpc.client

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SvcmsTrainingCase

RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


@tagged("post_install", "-at_install")
class TestPlanTrainingFromGaps(SvcmsTrainingCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ma = cls._employee("马超")
        cls.he = cls._employee("何芳")
        cls._certificate(cls.zhang, cls.today + relativedelta(days=200))  # valid
        cls._certificate(cls.liu, cls.today + relativedelta(days=10))  # expiring
        cls._certificate(cls.ma, cls.today - relativedelta(days=5))  # expired
        # 何芳 has no permit at all: missing
        cls.hr_officer = new_test_user(cls.env, login="t_plan_hr_officer", groups="hr.group_hr_user")
        # a team leader without HR rights sees the gaps of the team, but does not plan training
        cls.plain_user = cls.manager_user
        cls.Plan = cls.env["svcms.training.plan"]

    def _gaps(self, user, employees=None):
        domain = [("requirement_id", "=", self.requirement.id)]
        if employees is not None:
            domain.append(("employee_id", "in", employees.ids))
        return self.env["svcms.competence.gap"].with_user(user).search(domain)

    def _plans(self):
        return self.Plan.search([("department_id", "=", self.department.id)])

    def test_hr_officer_plans_training_for_the_gaps(self):
        gaps = self._gaps(self.hr_officer)
        self.assertEqual(len(gaps), 4)
        action = gaps.action_plan_training()
        plan = self._plans()
        self.assertEqual(len(plan), 1)
        self.assertEqual(action["res_model"], "svcms.training.plan")
        self.assertEqual(action["res_id"], plan.id)
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.year, self.today.year)
        self.assertEqual(plan.create_uid, self.hr_officer)
        # the certification gap is closed by the certifying course; the valid employee is left out
        self.assertEqual(plan.line_ids.course_id, self.course)
        self.assertEqual(plan.line_ids.employee_ids, self.liu | self.ma | self.he)
        self.assertEqual(plan.line_ids.planned_month, str(self.today.month))

        # planning again (a newcomer's gap) completes the same draft plan and line
        newcomer = self._employee("孙磊")
        self._gaps(self.hr_officer, newcomer).action_plan_training()
        self.assertEqual(self._plans(), plan)
        self.assertEqual(len(plan.line_ids), 1)
        self.assertEqual(plan.line_ids.employee_ids, self.liu | self.ma | self.he | newcomer)

    def test_approved_plan_is_not_changed(self):
        self._gaps(self.hr_officer).action_plan_training()
        plan = self._plans()
        plan.action_approve()
        self.assertEqual(plan.state, "approved")
        newcomer = self._employee("孙磊")
        self._gaps(self.hr_officer, newcomer).action_plan_training()
        new_plan = self._plans() - plan
        self.assertEqual(new_plan.state, "draft")
        self.assertEqual(new_plan.line_ids.employee_ids, newcomer)
        self.assertNotIn(newcomer, plan.line_ids.employee_ids)

    def test_only_valid_items_selected_is_refused(self):
        gaps = self._gaps(self.hr_officer, self.zhang)
        with self.assertRaises(UserError):
            gaps.action_plan_training()
        self.assertFalse(self._plans())

    def test_certification_without_course_is_refused(self):
        self.course.is_certifying = False
        with self.assertRaisesRegex(UserError, "No certifying course"):
            self._gaps(self.hr_officer, self.he).action_plan_training()
        self.assertFalse(self._plans())

    def test_plain_user_is_refused(self):
        gaps = self._gaps(self.plain_user)
        self.assertTrue(gaps)
        with self.assertRaises(AccessError):
            gaps.action_plan_training()
        self.assertFalse(self._plans())

    def test_plain_user_is_refused_by_rpc(self):
        gap_ids = self._gaps(self.plain_user).ids
        self.assertTrue(gap_ids)
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http", RPC_LOGGER):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.plain_user.id,
                self.plain_user.login,
                "svcms.competence.gap",
                "action_plan_training",
                [gap_ids],
            )
        self.assertIn("HR officers", caught.exception.faultString)
        self.env.invalidate_all()
        self.assertFalse(self._plans())

    def test_hr_officer_plans_by_rpc(self):
        gap_ids = self._gaps(self.hr_officer).ids
        with mute_logger(RPC_LOGGER):
            action = self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.hr_officer.id,
                self.hr_officer.login,
                "svcms.competence.gap",
                "action_plan_training",
                [gap_ids],
            )
        self.env.invalidate_all()
        plan = self._plans()
        self.assertEqual(action["res_id"], plan.id)
        self.assertEqual(plan.line_ids.employee_ids, self.liu | self.ma | self.he)
