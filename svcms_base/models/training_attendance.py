from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .training_course import check_training_manager


class SvcmsTrainingAttendance(models.Model):
    """One employee's attendance and result in a training session (the training record)."""

    _name = "svcms.training.attendance"
    _description = "Training Attendance"
    _inherit = ["svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.2",), "gbt27922": ("1.7.2",)}
    _svcms_evidence_date_field = "session_date"
    _svcms_evidence_domain = [("state", "=", "done")]
    _order = "session_date desc, session_id desc, employee_id"
    _check_company_auto = True
    _rec_name = "employee_id"

    session_id = fields.Many2one(
        "svcms.training.session", required=True, index=True, ondelete="cascade", check_company=True
    )
    employee_id = fields.Many2one("hr.employee", required=True, index=True, check_company=True, ondelete="restrict")
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True, precompute=True)
    course_id = fields.Many2one(related="session_id.course_id", store=True, index=True, precompute=True)
    session_date = fields.Date(related="session_id.date_start", store=True, precompute=True, string="Date")
    state = fields.Selection(related="session_id.state", store=True, precompute=True)
    hours = fields.Float(related="session_id.duration_hours", store=True, precompute=True)
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        precompute=True,
        help="Department of the employee when the training took place.",
    )
    attended = fields.Boolean(default=True)
    score = fields.Float(help="Score out of 100. Leave empty for courses without assessment.")
    passed = fields.Boolean(
        compute="_compute_passed",
        store=True,
        readonly=False,
        precompute=True,
        help="Computed from the score and the session's pass mark; the trainer may override it.",
    )
    valid_until = fields.Date(
        readonly=True,
        copy=False,
        help="End of validity of this pass (session date plus the course validity), empty when it never expires.",
    )
    certificate_id = fields.Many2one("hr.employee.skill", readonly=True, copy=False, ondelete="set null")
    resume_line_id = fields.Many2one("hr.resume.line", readonly=True, copy=False, ondelete="set null")
    note = fields.Char()

    _session_employee_uniq = models.Constraint(
        "UNIQUE(session_id, employee_id)",
        "An employee can only be listed once per session.",
    )
    _score_range = models.Constraint(
        "CHECK(score >= 0 AND score <= 100)",
        "A score must be between 0 and 100.",
    )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for attendance in self:
            attendance.department_id = attendance.employee_id.sudo().department_id

    @api.depends("attended", "score", "session_id.pass_mark")
    def _compute_passed(self):
        for attendance in self:
            pass_mark = attendance.session_id.pass_mark
            attendance.passed = attendance.attended and (not pass_mark or attendance.score >= pass_mark)

    # ------------------------------------------------------------------ immutability
    def _check_session_open(self, sessions):
        done = sessions.filtered(lambda s: s.state == "done")
        if done:
            raise UserError(
                self.env._(
                    "Session %(session)s is done: its attendance results are part of the training record and "
                    "can no longer be changed.",
                    session=done[0].display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        session_ids = {vals.get("session_id") for vals in vals_list}
        self._check_session_open(self.env["svcms.training.session"].browse(session_ids))
        return super().create(vals_list)

    def write(self, vals):
        self._check_session_open(self.session_id)
        if "session_id" in vals:
            self._check_session_open(self.env["svcms.training.session"].browse(vals["session_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done_session(self):
        self._check_session_open(self.session_id)

    # ------------------------------------------------------------------ results
    def _set_validity(self):
        """Fix the end of validity of each pass when the session closes (called before it is done)."""
        for session, attendances in self.grouped("session_id").items():
            valid_to = session._certification_valid_to(session.date_end)
            attendances.filtered("passed").write({"valid_until": valid_to})

    def _grant_certifications(self):
        """Record the course certification of each attendance in self as an hr.employee.skill.

        One search for certificates that already exist with the same dates (hr_skills refuses exact
        duplicates), one batch create for the rest.
        """
        if not self:
            return
        check_training_manager(self.env)
        EmployeeSkill = self.env["hr.employee.skill"].sudo()
        existing = EmployeeSkill.search(
            Domain("employee_id", "in", self.employee_id.ids)
            & Domain("skill_id", "in", self.course_id.skill_id.ids)
            & Domain("valid_from", "in", list(set(self.session_id.mapped("date_end"))))
        )
        existing_by_key = {(s.employee_id.id, s.skill_id.id, s.valid_from, s.valid_to or False): s for s in existing}
        to_create, pending = [], self.browse()
        for attendance in self:
            course = attendance.course_id
            level = course._get_certification_level()
            if not level:
                raise UserError(
                    self.env._(
                        "The certification type of %(skill)s has no level: add one (e.g. Certified) before "
                        "granting it.",
                        skill=course.skill_id.name,
                    )
                )
            valid_from = attendance.session_id.date_end
            key = (attendance.employee_id.id, course.skill_id.id, valid_from, attendance.valid_until or False)
            if key in existing_by_key:
                attendance.certificate_id = existing_by_key[key]
                continue
            to_create.append(
                {
                    "employee_id": attendance.employee_id.id,
                    "skill_type_id": course.skill_id.skill_type_id.id,
                    "skill_id": course.skill_id.id,
                    "skill_level_id": level.id,
                    "valid_from": valid_from,
                    "valid_to": attendance.valid_until,
                }
            )
            pending |= attendance
        for attendance, certificate in zip(pending, EmployeeSkill.create(to_create), strict=True):
            attendance.certificate_id = certificate

    def _create_resume_lines(self):
        """Add the training to each attendee's resume (hr_skills "Training" section)."""
        if not self:
            return
        check_training_manager(self.env)
        line_type = self.env.ref("hr_skills.resume_type_training", raise_if_not_found=False)
        lines = (
            self.env["hr.resume.line"]
            .sudo()
            .create(
                [
                    {
                        "employee_id": attendance.employee_id.id,
                        "name": attendance.course_id.name,
                        "date_start": attendance.session_id.date_start,
                        "date_end": attendance.session_id.date_end,
                        "duration": round(attendance.hours),
                        "line_type_id": line_type.id if line_type else False,
                        "description": attendance.session_id.name,
                    }
                    for attendance in self
                ]
            )
        )
        for attendance, line in zip(self, lines, strict=True):
            attendance.resume_line_id = line
