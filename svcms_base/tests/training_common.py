from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user


class SvcmsTrainingCase(TransactionCase):
    """A small after-sales team of its own (not the demo data): technicians of one job, a certifying
    permit course and a competence requirement asking for the permit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.cert_type = cls.env.ref("svcms_base.skill_type_svcms_certification")
        cls.cert_level = cls.env.ref("svcms_base.skill_level_svcms_certified")
        cls.department = cls.env["hr.department"].create({"name": "Test After-sales"})
        cls.other_department = cls.env["hr.department"].create({"name": "Test Warehouse"})
        cls.job = cls.env["hr.job"].create({"name": "Test Technician", "department_id": cls.department.id})
        cls.permit = cls.env["hr.skill"].create({"name": "Test Installation Permit", "skill_type_id": cls.cert_type.id})
        cls.course = cls.env["svcms.training.course"].create(
            {
                "name": "Test Permit Training",
                "code": "T-PERMIT",
                "is_certifying": True,
                "skill_id": cls.permit.id,
                "validity_months": 24,
                "pass_mark": 60,
                "duration_hours": 16,
            }
        )
        cls.requirement = cls.env["svcms.competence.requirement"].create(
            {"name": "Test technician permit", "code": "T-REQ", "job_ids": [cls.job.id], "skill_ids": [cls.permit.id]}
        )
        cls.manager_user = new_test_user(cls.env, login="t_team_lead", groups="base.group_user")
        cls.team_lead = cls.env["hr.employee"].create(
            {"name": "Team Lead", "department_id": cls.department.id, "user_id": cls.manager_user.id}
        )
        cls.zhang = cls._employee("张伟")
        cls.liu = cls._employee("刘洋")

    @classmethod
    def _employee(cls, name, **vals):
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "job_id": cls.job.id,
                "department_id": cls.department.id,
                "parent_id": cls.team_lead.id,
                **vals,
            }
        )

    @classmethod
    def _session(cls, results, course=None, date=None, **vals):
        """A planned session of ``course`` on ``date`` with {employee: score} results."""
        date = date or cls.today
        return cls.env["svcms.training.session"].create(
            {
                "course_id": (course or cls.course).id,
                "date_start": date - relativedelta(days=1),
                "date_end": date,
                "attendance_ids": [
                    Command.create({"employee_id": employee.id, "score": score}) for employee, score in results.items()
                ],
                **vals,
            }
        )

    @classmethod
    def _certificate(cls, employee, valid_to, skill=None, valid_from=None):
        """A certification recorded directly in hr_skills (e.g. obtained outside the company)."""
        skill = skill or cls.permit
        return cls.env["hr.employee.skill"].create(
            {
                "employee_id": employee.id,
                "skill_type_id": skill.skill_type_id.id,
                "skill_id": skill.id,
                "skill_level_id": cls.cert_level.id,
                "valid_from": valid_from or cls.today - relativedelta(years=2),
                "valid_to": valid_to,
            }
        )
