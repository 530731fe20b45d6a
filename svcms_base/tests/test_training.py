from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SvcmsTrainingCase


@tagged("post_install", "-at_install")
class TestTrainingSession(SvcmsTrainingCase):
    def test_passing_certifying_session_grants_certification(self):
        session = self._session({self.zhang: 85, self.liu: 40})
        session.action_done()

        self.assertEqual(session.state, "done")
        passed = session.attendance_ids.filtered(lambda a: a.employee_id == self.zhang)
        failed = session.attendance_ids - passed
        self.assertTrue(passed.passed)
        self.assertFalse(failed.passed)
        expected_end = self.today + relativedelta(months=24)
        certificate = self.env["hr.employee.skill"].search(
            [("employee_id", "=", self.zhang.id), ("skill_id", "=", self.permit.id)]
        )
        self.assertEqual(len(certificate), 1)
        self.assertEqual(passed.certificate_id, certificate)
        self.assertEqual(certificate.valid_from, self.today)
        self.assertEqual(certificate.valid_to, expected_end)
        self.assertEqual(certificate.skill_level_id, self.cert_level)
        self.assertEqual(passed.valid_until, expected_end)
        self.assertIn(
            certificate, self.zhang.certification_ids, "hr_skills shows it with the employee's certifications"
        )

        self.assertFalse(failed.certificate_id)
        self.assertFalse(
            self.env["hr.employee.skill"].search([("employee_id", "=", self.liu.id), ("skill_id", "=", self.permit.id)])
        )

    def test_attendance_goes_to_the_resume(self):
        session = self._session({self.zhang: 85, self.liu: 40})
        session.attendance_ids.filtered(lambda a: a.employee_id == self.liu).attended = False
        session.action_done()
        line = self.zhang.resume_line_ids.filtered(lambda r: r.name == self.course.name)
        self.assertEqual(line.line_type_id, self.env.ref("hr_skills.resume_type_training"))
        self.assertEqual(line.duration, 16)
        self.assertFalse(self.liu.resume_line_ids.filtered(lambda r: r.name == self.course.name), "absent: no line")

    def test_pass_mark_is_copied_when_scheduling(self):
        session = self._session({self.zhang: 65})
        self.assertEqual(session.pass_mark, 60)
        self.course.pass_mark = 70
        self.assertEqual(session.pass_mark, 60, "a later change of the course does not rewrite results")
        self.assertTrue(session.attendance_ids.passed)
        session.pass_mark = 70
        self.assertFalse(session.attendance_ids.passed)

    def test_course_without_assessment_passes_on_attendance(self):
        course = self.env["svcms.training.course"].create({"name": "Etiquette", "pass_mark": 0})
        session = self._session({self.zhang: 0}, course=course)
        self.assertTrue(session.attendance_ids.passed)
        session.attendance_ids.attended = False
        self.assertFalse(session.attendance_ids.passed)

    def test_done_session_is_immutable(self):
        session = self._session({self.zhang: 85})
        session.action_done()
        attendance = session.attendance_ids
        with self.assertRaises(UserError):
            attendance.score = 20
        with self.assertRaises(UserError):
            attendance.passed = False
        with self.assertRaises(UserError):
            self.env["svcms.training.attendance"].create({"session_id": session.id, "employee_id": self.liu.id})
        with self.assertRaises(UserError):
            session.write({"attendance_ids": [Command.create({"employee_id": self.liu.id, "score": 90})]})
        with self.assertRaises(UserError):
            attendance.unlink()
        with self.assertRaises(UserError):
            session.date_end = self.today - relativedelta(days=10)
        with self.assertRaises(UserError):
            session.state = "planned"
        with self.assertRaises(UserError):
            session.unlink()
        with self.assertRaises(UserError):
            session.action_done()
        session.notes = "<p>Effectiveness evaluated: good</p>"  # commentary stays possible
        self.assertEqual(attendance.score, 85)

    def test_session_needs_attendees_and_sane_dates(self):
        session = self._session({})
        with self.assertRaises(UserError):
            session.action_done()
        with self.assertRaises(ValidationError):
            self._session({}, date_end=self.today - relativedelta(days=5))

    def test_cancel_and_plan_again(self):
        session = self._session({self.zhang: 85})
        session.action_cancel()
        self.assertEqual(session.state, "cancelled")
        with self.assertRaises(UserError):
            session.action_done()
        session.action_reset_to_planned()
        self.assertEqual(session.state, "planned")

    def test_certifying_course_creates_its_certification(self):
        course = self.env["svcms.training.course"].create({"name": "Refrigerant handling", "is_certifying": True})
        self.assertEqual(course.skill_id.name, "Refrigerant handling")
        self.assertEqual(course.skill_id.skill_type_id, self.cert_type)
        self.assertTrue(course.skill_id.skill_type_id.is_certification)

    def test_session_form_and_reference(self):
        with Form(self.env["svcms.training.session"]) as form:
            form.course_id = self.course
            self.assertEqual(form.duration_hours, 16)
            with form.attendance_ids.new() as line:
                line.employee_id = self.zhang
                line.score = 75
        session = form.record
        self.assertTrue(session.name.startswith("TRN/"))
        self.assertTrue(session.attendance_ids.passed)

    def test_invite_employees_who_need_the_course(self):
        # the requirement asks for the permit the course grants, not for the course itself
        self._certificate(self.zhang, self.today + relativedelta(years=1))
        session = self._session({})
        session.action_add_required_attendees()
        self.assertIn(self.liu, session.attendance_ids.employee_id)
        self.assertNotIn(self.zhang, session.attendance_ids.employee_id, "holds a valid certification")
        self.assertEqual(self.requirement.gap_count, 1)

        awareness = self.env["svcms.training.course"].create({"name": "Awareness", "validity_months": 12})
        self.env["svcms.competence.requirement"].create(
            {"name": "Awareness", "code": "T-REQ-AWARE", "job_ids": [self.job.id], "course_ids": [awareness.id]}
        )
        session = self._session({}, course=awareness)
        session.action_add_required_attendees()
        self.assertEqual(session.attendance_ids.employee_id, self.zhang | self.liu)


@tagged("post_install", "-at_install")
class TestTrainingPlan(SvcmsTrainingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env["svcms.training.plan"].create(
            {
                "year": cls.today.year,
                "department_id": cls.department.id,
                "line_ids": [
                    Command.create(
                        {"course_id": cls.course.id, "planned_month": "3", "employee_ids": [cls.zhang.id, cls.liu.id]}
                    )
                ],
            }
        )
        cls.line = cls.plan.line_ids
        cls.hr_officer = new_test_user(cls.env, login="t_hr_officer", groups="hr.group_hr_user")
        cls.hr_manager = new_test_user(cls.env, login="t_hr_manager", groups="hr.group_hr_manager")

    def test_planned_figures(self):
        self.assertEqual(self.line.planned_participants, 2)
        self.assertEqual(self.line.planned_hours, 16)
        self.assertEqual(self.line.planned_person_hours, 32)
        self.assertEqual(self.line.quarter, "q1")
        self.assertIn(str(self.today.year), self.plan.name)

    def test_status_follows_done_sessions_of_the_department(self):
        self.assertEqual(self.line.status, "planned")
        warehouse_clerk = self.env["hr.employee"].create({"name": "Clerk", "department_id": self.other_department.id})
        self._session({warehouse_clerk: 90}).action_done()
        self.assertEqual(self.line.status, "planned", "attendees of another department do not count")

        planned = self._session({self.zhang: 90})
        self.assertEqual(self.line.status, "planned", "a session not held yet does not count")
        planned.action_cancel()
        self.assertEqual(self.line.status, "planned")

        self._session({self.zhang: 90, self.liu: 30}).action_done()
        self.assertEqual(self.line.status, "done")
        self.assertEqual(self.line.actual_participants, 2)
        self.assertEqual(self.line.actual_hours, 32)
        self.assertEqual(self.line.actual_session_count, 1)
        self.assertEqual(self.plan.progress, 100)

    def test_sessions_of_another_year_do_not_count(self):
        self._session({self.zhang: 90}, date=self.today.replace(month=1, day=15) - relativedelta(years=1)).action_done()
        self.assertEqual(self.line.status, "planned")

    def test_sub_department_counts_for_the_plan(self):
        team = self.env["hr.department"].create({"name": "Test Team South", "parent_id": self.department.id})
        technician = self.env["hr.employee"].create({"name": "South technician", "department_id": team.id})
        self._session({technician: 80}).action_done()
        self.assertEqual(self.line.status, "done")

    def test_approved_plan_is_immutable(self):
        self.plan.with_user(self.hr_manager).action_approve()
        self.assertEqual(self.plan.state, "approved")
        self.assertEqual(self.plan.approved_by_id, self.hr_manager)
        self.assertTrue(self.plan.approved_date)
        plan = self.plan.with_user(self.hr_manager)
        with self.assertRaises(UserError):
            plan.year = self.today.year + 1
        with self.assertRaises(UserError):
            self.line.with_user(self.hr_manager).planned_participants = 5
        with self.assertRaises(UserError):
            self.env["svcms.training.plan.line"].with_user(self.hr_manager).create(
                {"plan_id": self.plan.id, "course_id": self.course.id}
            )
        with self.assertRaises(UserError):
            self.line.with_user(self.hr_manager).unlink()
        with self.assertRaises(UserError):
            plan.unlink()
        # the lines follow their plan, even for server code running as superuser
        with self.assertRaises(UserError):
            self.line.planned_participants = 5
        with self.assertRaises(UserError):
            self.line.unlink()
        # archived instead: it stays on record
        plan.action_archive()
        self.assertFalse(self.plan.active)
        self.assertEqual(self.plan.year, self.today.year)
        # actuals still follow the sessions held after approval
        self._session({self.zhang: 90}).action_done()
        self.assertEqual(self.line.status, "done")

    def test_only_managers_approve(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.hr_officer).action_approve()
        self.plan.with_user(self.hr_officer).write({"notes": "<p>needs analysis</p>"})
        empty = self.env["svcms.training.plan"].create({"department_id": self.other_department.id})
        with self.assertRaises(UserError):
            empty.with_user(self.hr_manager).action_approve()


@tagged("post_install", "-at_install")
class TestTrainingAccess(SvcmsTrainingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sms_user = new_test_user(cls.env, login="t_sms_user", groups="svcms_base.group_svcms_user")
        cls.employee_user = new_test_user(cls.env, login="t_employee", groups="base.group_user")
        cls.hr_officer = new_test_user(cls.env, login="t_hr_officer2", groups="hr.group_hr_user")
        cls.zhang.user_id = cls.employee_user
        cls.liu.user_id = cls.sms_user
        cls.session_zhang = cls._session({cls.zhang: 85})
        cls.session_liu = cls._session({cls.liu: 75})

    def test_hr_officer_records_training(self):
        session = self._session({}).with_user(self.hr_officer)
        session.write({"attendance_ids": [Command.create({"employee_id": self.zhang.id, "score": 70})]})
        session.action_done()
        self.assertEqual(session.passed_count, 1)
        self.assertTrue(session.attendance_ids.certificate_id)

    def test_training_tab_on_the_employee_form(self):
        self.session_zhang.action_done()
        employee = Form(self.zhang.with_user(self.hr_officer))
        self.assertEqual(employee.svcms_attendance_count, 1)
        self.assertEqual(employee.svcms_certification_count, 1)
        self.assertEqual(employee.svcms_gap_count, 0)
        self.assertEqual(len(employee.svcms_attendance_ids), 1)
        self.assertEqual(len(employee.svcms_certification_ids), 1)
        self.assertEqual(len(employee.svcms_gap_ids), 1)

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_sms_user_reads_but_cannot_record(self):
        Session = self.env["svcms.training.session"].with_user(self.sms_user)
        self.assertEqual(
            Session.search([("id", "in", (self.session_zhang | self.session_liu).ids)]),
            self.session_zhang | self.session_liu,
        )
        self.assertTrue(self.course.with_user(self.sms_user).name)
        with self.assertRaises(AccessError):
            self.env["svcms.training.course"].with_user(self.sms_user).create({"name": "Unofficial"})
        with self.assertRaises(AccessError):
            self.session_liu.with_user(self.sms_user).write({"location": "elsewhere"})
        with self.assertRaises(AccessError):
            self.session_liu.attendance_ids.with_user(self.sms_user).write({"score": 100})
        with self.assertRaises(AccessError):
            self.session_liu.with_user(self.sms_user).action_done()
        Attendance = self.env["svcms.training.attendance"].with_user(self.sms_user)
        self.assertEqual(
            Attendance.search([("session_id", "in", (self.session_zhang | self.session_liu).ids)]).employee_id, self.liu
        )
        with self.assertRaises(AccessError):
            self.session_zhang.attendance_ids.with_user(self.sms_user).read(["score"])
        with self.assertRaises(AccessError):
            self.env["svcms.training.plan"].with_user(self.sms_user).create({"department_id": self.department.id})

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_employee_sees_own_training_only(self):
        Session = self.env["svcms.training.session"].with_user(self.employee_user)
        self.assertEqual(
            Session.search([("id", "in", (self.session_zhang | self.session_liu).ids)]), self.session_zhang
        )
        with self.assertRaises(AccessError):
            self.session_liu.with_user(self.employee_user).read(["name"])
        Attendance = self.env["svcms.training.attendance"].with_user(self.employee_user)
        own = Attendance.search([])
        self.assertEqual(own.employee_id, self.zhang)
        self.assertEqual(own.read(["course_id", "score"])[0]["score"], 85)
        with self.assertRaises(AccessError):
            self.env["svcms.competence.requirement"].with_user(self.employee_user).search([])
        with self.assertRaises(AccessError):
            self.env["svcms.training.plan"].with_user(self.employee_user).search([])

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_other_company_training_is_invisible(self):
        other = self.env["res.company"].create({"name": "Other appliance maker"})
        course = self.env["svcms.training.course"].create({"name": "Other course", "company_id": other.id})
        manager = new_test_user(self.env, login="t_sms_manager", groups="svcms_base.group_svcms_manager")
        self.assertFalse(self.env["svcms.training.course"].with_user(manager).search([("id", "=", course.id)]))
        with self.assertRaises(AccessError):
            course.with_user(manager).read(["name"])


@tagged("post_install", "-at_install")
class TestCertificationRenewal(SvcmsTrainingCase):
    def _renewal_activities(self, employee):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.employee"),
                ("res_id", "=", employee.id),
                ("activity_type_id", "=", self.env.ref("svcms_base.mail_activity_type_certification_renewal").id),
            ]
        )

    def _run(self):
        EmployeeSkill = self.env["hr.employee.skill"]
        remaining = True
        while remaining:
            __, remaining = EmployeeSkill._svcms_schedule_renewal_activities(batch_size=50)

    def test_manager_reminded_once_per_expiry(self):
        certificate = self._certificate(self.zhang, self.today + relativedelta(days=10))
        self._certificate(self.liu, self.today + relativedelta(days=60))
        self._run()
        activity = self._renewal_activities(self.zhang)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager_user)
        self.assertEqual(activity.date_deadline, certificate.valid_to)
        self.assertIn(self.permit.name, activity.summary)
        self.assertFalse(self._renewal_activities(self.liu), "more than 30 days left")
        self.assertEqual(certificate.svcms_expiry_status, "expiring")

        self._run()
        self.assertEqual(len(self._renewal_activities(self.zhang)), 1, "once per certification and expiry")

        certificate.valid_to = self.today + relativedelta(days=20)  # a corrected end of validity
        self._run()
        self.assertEqual(len(self._renewal_activities(self.zhang)), 2)

    def test_renewed_certification_needs_no_reminder(self):
        self._certificate(self.zhang, self.today + relativedelta(days=10))
        self._certificate(
            self.zhang, self.today + relativedelta(years=2), valid_from=self.today - relativedelta(days=3)
        )
        self._run()
        self.assertFalse(self._renewal_activities(self.zhang))

    def test_no_duplicate_of_hr_skills_reminder(self):
        self._certificate(self.zhang, self.today + relativedelta(days=10))
        self.zhang.activity_schedule(
            act_type_xmlid="hr_skills.mail_activity_data_upload_certification",
            summary=f"{self.permit.name}: {self.cert_level.name}",
            user_id=self.manager_user.id,
        )
        self._run()
        self.assertFalse(self._renewal_activities(self.zhang))

    def test_cron_is_registered(self):
        cron = self.env.ref("svcms_base.ir_cron_svcms_certification_renewal")
        self.assertEqual(cron.model_id.model, "hr.employee.skill")
        self.assertTrue(cron.active)


@tagged("post_install", "-at_install")
class TestTrainingAwareness(SvcmsTrainingCase):
    def test_pending_read_confirmations_on_the_employee(self):
        policy = self.env["svcms.document"].create(
            {
                "name": "Service management policy",
                "document_type_id": self.env.ref("svcms_base.document_type_manual").id,
            }
        )
        acknowledgement = self.env["svcms.document.acknowledgement"].create(
            {"document_id": policy.id, "employee_id": self.zhang.id}
        )
        self.assertEqual(self.zhang.svcms_pending_acknowledgement_count, 1)
        self.assertEqual(self.liu.svcms_pending_acknowledgement_count, 0)
        acknowledgement.state = "confirmed"
        self.zhang.invalidate_recordset(["svcms_pending_acknowledgement_count"])
        self.assertEqual(self.zhang.svcms_pending_acknowledgement_count, 0)
