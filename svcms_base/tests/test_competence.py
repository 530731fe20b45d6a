from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SvcmsTrainingCase

# Queries to search and read the gap view (access rules, the view, one per related model for the
# names) and to run the competence check (the gap query, employee and certification names), whatever
# the head count: 10 and 100 employees cost the same.
GAP_VIEW_QUERIES = 19
CHECK_QUERIES = 3


@tagged("post_install", "-at_install")
class TestCompetenceGap(SvcmsTrainingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ma = cls._employee("马超")
        cls.he = cls._employee("何芳")
        cls.lin = cls._employee("林晓")
        cls._certificate(cls.zhang, cls.today + relativedelta(days=200))
        cls._certificate(cls.liu, cls.today + relativedelta(days=10))
        cls._certificate(cls.ma, cls.today - relativedelta(days=5))
        # 林晓 renewed: the expired certificate no longer matters
        cls._certificate(cls.lin, cls.today - relativedelta(months=2))
        cls._certificate(cls.lin, cls.today + relativedelta(months=22), valid_from=cls.today - relativedelta(months=2))
        cls.hr_officer = new_test_user(cls.env, login="t_gap_hr", groups="hr.group_hr_user")

    def _gaps(self, requirement=None):
        gaps = self.env["svcms.competence.gap"].search([("requirement_id", "=", (requirement or self.requirement).id)])
        return {gap.employee_id: gap for gap in gaps}

    def test_certification_statuses(self):
        gaps = self._gaps()
        self.assertEqual(set(gaps), {self.zhang, self.liu, self.ma, self.he, self.lin})
        self.assertEqual(gaps[self.zhang].status, "valid")
        self.assertEqual(gaps[self.liu].status, "expiring")
        self.assertEqual(gaps[self.liu].days_left, 10)
        self.assertEqual(gaps[self.ma].status, "expired")
        self.assertEqual(gaps[self.ma].valid_until, self.today - relativedelta(days=5))
        self.assertEqual(gaps[self.he].status, "missing")
        self.assertFalse(gaps[self.he].valid_until)
        self.assertEqual(gaps[self.lin].status, "valid", "the latest certification counts")
        self.assertEqual(gaps[self.zhang].item_type, "certification")
        self.assertEqual(gaps[self.zhang].skill_id, self.permit)
        self.assertEqual(gaps[self.zhang].department_id, self.department)
        self.assertEqual(gaps[self.zhang].job_id, self.job)

    def test_expiry_boundaries(self):
        self._certificate(self.he, self.today + relativedelta(days=30))
        self.assertEqual(self._gaps()[self.he].status, "expiring")
        self.he.employee_skill_ids.valid_to = self.today + relativedelta(days=31)
        self.assertEqual(self._gaps()[self.he].status, "valid")
        self.he.employee_skill_ids.valid_to = self.today
        self.assertEqual(self._gaps()[self.he].status, "expiring", "valid through its last day")

    def test_course_statuses(self):
        awareness = self.env["svcms.training.course"].create(
            {"name": "Awareness", "validity_months": 12, "pass_mark": 60}
        )
        requirement = self.env["svcms.competence.requirement"].create(
            {"name": "Awareness", "code": "T-AWARE", "job_ids": [self.job.id], "course_ids": [awareness.id]}
        )
        recent = self.today - relativedelta(months=3)
        self._session({self.zhang: 80, self.liu: 40}, course=awareness, date=recent).action_done()
        self._session({self.ma: 90}, course=awareness, date=self.today - relativedelta(months=13)).action_done()
        self._session({self.he: 90}, course=awareness)  # planned only
        gaps = self._gaps(requirement)
        self.assertEqual(gaps[self.zhang].status, "valid")
        self.assertEqual(gaps[self.zhang].valid_until, recent + relativedelta(months=12))
        self.assertEqual(gaps[self.liu].status, "missing", "failed")
        self.assertEqual(gaps[self.ma].status, "expired")
        self.assertEqual(gaps[self.he].status, "missing", "not held yet")

    def test_course_without_expiry_and_certifying_course(self):
        etiquette = self.env["svcms.training.course"].create({"name": "Etiquette", "pass_mark": 0})
        requirement = self.env["svcms.competence.requirement"].create(
            {
                "name": "Courses",
                "code": "T-COURSES",
                "job_ids": [self.job.id],
                "course_ids": [etiquette.id, self.course.id],
            }
        )
        self._session({self.zhang: 0}, course=etiquette, date=self.today - relativedelta(years=5)).action_done()
        gaps = self.env["svcms.competence.gap"].search([("requirement_id", "=", requirement.id)])
        etiquette_zhang = gaps.filtered(lambda g: g.employee_id == self.zhang and g.course_id == etiquette)
        self.assertEqual(etiquette_zhang.status, "valid")
        self.assertFalse(etiquette_zhang.valid_until, "never expires")
        permit_course = gaps.filtered(lambda g: g.course_id == self.course)
        by_employee = {gap.employee_id: gap.status for gap in permit_course}
        self.assertEqual(by_employee[self.zhang], "valid", "holding the course's certification meets the course")
        self.assertEqual(by_employee[self.ma], "expired")

    def test_scope_of_the_view(self):
        clerk = self.env["hr.employee"].create({"name": "Clerk", "department_id": self.other_department.id})
        self.assertNotIn(clerk, self._gaps(), "other jobs are not concerned")
        self.ma.active = False
        self.assertNotIn(self.ma, self._gaps(), "archived employees are not listed")
        self.requirement.active = False
        self.assertFalse(self._gaps())

    def test_group_by_department_and_status(self):
        groups = self.env["svcms.competence.gap"]._read_group(
            [("requirement_id", "=", self.requirement.id)], ["department_id", "status"], ["__count"]
        )
        counts = {status: count for department, status, count in groups if department == self.department}
        self.assertEqual(counts, {"valid": 2, "expiring": 1, "expired": 1, "missing": 1})
        self.assertEqual(self.requirement.gap_count, 2)
        self.assertEqual(self.ma.svcms_gap_count, 1)
        self.assertEqual(self.zhang.svcms_gap_count, 0)
        self.assertEqual(self.zhang.svcms_certification_count, 1)

    def _measure_gap_view(self, count):
        self.env["hr.employee"].create(
            [
                {"name": f"Technician {i}", "job_id": self.job.id, "department_id": self.department.id}
                for i in range(count)
            ]
        )
        Gap = self.env["svcms.competence.gap"].with_user(self.hr_officer)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(GAP_VIEW_QUERIES):
            rows = Gap.search_read(
                [("requirement_id", "=", self.requirement.id)],
                ["employee_id", "department_id", "job_id", "skill_id", "status", "valid_until"],
            )
        self.assertEqual(len(rows), count + 5)

    def test_gap_view_queries_10_employees(self):
        self._measure_gap_view(10)

    def test_gap_view_queries_100_employees(self):
        self._measure_gap_view(100)


@tagged("post_install", "-at_install")
class TestCompetenceCheck(SvcmsTrainingCase):
    def test_technician_without_permit_is_refused(self):
        with self.assertRaisesRegex(UserError, "张伟 lacks a valid Test Installation Permit \\(never obtained\\)"):
            self.zhang._svcms_check_competence()

    def test_expired_permit_is_refused_with_its_date(self):
        expired_on = self.today - relativedelta(days=3)
        self._certificate(self.zhang, expired_on)
        with self.assertRaises(UserError) as caught:
            self.zhang._svcms_check_competence(["T-REQ"])
        self.assertIn(
            f"张伟 lacks a valid Test Installation Permit (expired on {expired_on.isoformat()})", str(caught.exception)
        )

    def test_valid_permit_passes(self):
        self._certificate(self.zhang, self.today + relativedelta(days=5))  # expiring soon is still valid
        self.assertEqual(self.zhang._svcms_check_competence(), [])
        self.assertEqual(self.zhang._svcms_check_competence(["T-REQ"]), [])

    def test_check_on_a_given_date(self):
        """``on_date``: valid on that day, neither obtained later nor expired before (an audit's start date)."""
        self._certificate(
            self.zhang, self.today + relativedelta(days=60), valid_from=self.today - relativedelta(days=10)
        )
        self.assertEqual(self.zhang._svcms_check_competence(["T-REQ"], on_date=self.today), [])
        self.assertEqual(self.zhang._svcms_check_competence(["T-REQ"], on_date=self.today + relativedelta(days=60)), [])
        later = self.zhang._svcms_check_competence(
            ["T-REQ"], raise_if_missing=False, on_date=self.today + relativedelta(days=61)
        )
        self.assertEqual([gap["status"] for gap in later], ["expired"])
        earlier = self.zhang._svcms_check_competence(
            ["T-REQ"], raise_if_missing=False, on_date=self.today - relativedelta(days=11)
        )
        self.assertEqual([gap["status"] for gap in earlier], ["missing"])

    def test_permit_from_a_passed_session_passes(self):
        self._session({self.zhang: 90}).action_done()
        self.assertEqual(self.zhang._svcms_check_competence(), [])

    def test_gaps_returned_on_demand(self):
        self._certificate(self.zhang, self.today + relativedelta(years=1))
        gaps = (self.zhang | self.liu)._svcms_check_competence(raise_if_missing=False)
        self.assertEqual(len(gaps), 1)
        gap = gaps[0]
        self.assertEqual(gap["employee"], self.liu)
        self.assertEqual(gap["requirement"], self.requirement)
        self.assertEqual(gap["skill"], self.permit)
        self.assertEqual(gap["status"], "missing")
        self.assertIn("刘洋", gap["message"])

    def test_requirements_by_code_whatever_the_job(self):
        clerk = self.env["hr.employee"].create({"name": "Clerk", "department_id": self.other_department.id})
        self.assertEqual(clerk._svcms_check_competence(), [], "no requirement for the clerk's job")
        with self.assertRaises(UserError):
            clerk._svcms_check_competence(["T-REQ"])
        with self.assertRaisesRegex(UserError, "NOPE"):
            clerk._svcms_check_competence(["NOPE"])

    def test_callable_by_users_without_hr_rights(self):
        dispatcher = new_test_user(self.env, login="t_dispatcher", groups="svcms_base.group_svcms_user")
        technician = self.zhang.with_user(dispatcher)
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.env["hr.employee.skill"].with_user(dispatcher).create(
                {
                    "employee_id": self.zhang.id,
                    "skill_type_id": self.cert_type.id,
                    "skill_id": self.permit.id,
                    "skill_level_id": self.cert_level.id,
                }
            )
        with self.assertRaisesRegex(UserError, "张伟"):
            technician._svcms_check_competence()

    def _measure_check(self, count):
        technicians = self.env["hr.employee"].create(
            [{"name": f"Technician {i}", "job_id": self.job.id} for i in range(count)]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(CHECK_QUERIES):
            gaps = technicians._svcms_check_competence(raise_if_missing=False)
            messages = [gap["message"] for gap in gaps]
        self.assertEqual(len(messages), count)

    def test_check_queries_10_employees(self):
        self._measure_check(10)

    def test_check_queries_100_employees(self):
        self._measure_check(100)
