from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


def check_training_manager(env):
    """Training code writes hr_skills records as superuser: only for HR officers and SMS managers (or the system)."""
    if not (env.su or env.user.has_group("svcms_base.group_svcms_manager") or env.user.has_group("hr.group_hr_user")):
        raise AccessError(env._("Only HR officers and service management managers may record training results."))


class SvcmsTrainingCourse(models.Model):
    """A course of the training programme (ISO/IEC 20000-1 7.2, GB/T 27922 人力资源控制程序).

    A certifying course grants an hr_skills certification: passing one of its sessions gives the
    attendee an ``hr.employee.skill`` of the course's certification skill, valid for
    ``validity_months`` from the session date.
    """

    _name = "svcms.training.course"
    _description = "Training Course"
    _inherit = ["mail.thread"]
    _order = "sequence, code, name, id"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(index=True, tracking=True, help="Short reference used in plans and competence requirements.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    responsible_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True, check_company=True)
    description = fields.Html(string="Topics", translate=True)
    process_ids = fields.Many2many("svcms.process", string="Processes", check_company=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    duration_hours = fields.Float(string="Hours", default=8.0, tracking=True)
    validity_months = fields.Integer(
        string="Validity (Months)",
        tracking=True,
        help="How long a pass stays valid, counted from the session date. 0 means it never expires.",
    )
    pass_mark = fields.Float(
        default=60.0,
        tracking=True,
        help="Minimum score (out of 100) to pass. Sessions copy it when they are scheduled.",
    )
    is_certifying = fields.Boolean(
        string="Certifying",
        tracking=True,
        help="Passing grants a certification recorded in the employee's skills (e.g. a 上岗证).",
    )
    skill_id = fields.Many2one(
        "hr.skill",
        string="Certification",
        domain="[('skill_type_id.is_certification', '=', True)]",
        tracking=True,
        ondelete="restrict",
        help="Certification granted to those who pass. Left empty, one is created in the "
        "SVCMS certification type when the course is saved.",
    )
    session_ids = fields.One2many("svcms.training.session", "course_id", string="Sessions")
    session_count = fields.Integer(compute="_compute_session_stats")
    certified_count = fields.Integer(string="Certified Employees", compute="_compute_session_stats")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)",
        "A course code must be unique per company.",
    )
    _validity_positive = models.Constraint(
        "CHECK(validity_months >= 0)",
        "The validity of a course cannot be negative.",
    )
    _pass_mark_range = models.Constraint(
        "CHECK(pass_mark >= 0 AND pass_mark <= 100)",
        "The pass mark must be between 0 and 100.",
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for course in self:
            course.display_name = f"[{course.code}] {course.name}" if course.code else course.name

    def _compute_session_stats(self):
        sessions = dict(
            self.env["svcms.training.session"]._read_group([("course_id", "in", self.ids)], ["course_id"], ["__count"])
        )
        certified = dict(
            self.env["svcms.training.attendance"]._read_group(
                [("course_id", "in", self.ids), ("certificate_id", "!=", False)],
                ["course_id"],
                ["employee_id:count_distinct"],
            )
        )
        for course in self:
            course.session_count = sessions.get(course, 0)
            course.certified_count = certified.get(course, 0)

    @api.constrains("is_certifying", "skill_id")
    def _check_certification_skill(self):
        for course in self:
            if course.skill_id and not course.skill_id.skill_type_id.is_certification:
                raise ValidationError(
                    self.env._(
                        "The skill %(skill)s of course %(course)s is not a certification: pick a skill whose "
                        "type is a certification type.",
                        skill=course.skill_id.name,
                        course=course.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        courses = super().create(vals_list)
        courses._ensure_certification_skill()
        return courses

    def write(self, vals):
        res = super().write(vals)
        if vals.get("is_certifying") or "skill_id" in vals:
            self._ensure_certification_skill()
        return res

    def _ensure_certification_skill(self):
        """Give every certifying course without a certification its own skill in the SVCMS type."""
        missing = self.filtered(lambda c: c.is_certifying and not c.skill_id)
        if not missing:
            return
        check_training_manager(self.env)
        skill_type = self.env.ref("svcms_base.skill_type_svcms_certification")
        skills = (
            self.env["hr.skill"]
            .sudo()
            .create([{"name": course.name, "skill_type_id": skill_type.id} for course in missing])
        )
        for course, skill in zip(missing, skills, strict=True):
            course.skill_id = skill

    def _get_certification_level(self):
        """Level recorded on granted certifications: the type's default level, else its highest."""
        self.ensure_one()
        levels = self.skill_id.skill_type_id.skill_level_ids
        return levels.filtered("default_level")[:1] or levels.sorted("level_progress")[-1:]

    def action_view_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_training_session")
        action["domain"] = [("course_id", "=", self.id)]
        action["context"] = {"default_course_id": self.id}
        return action

    def action_view_certified(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_training_attendance")
        action["domain"] = [("course_id", "=", self.id), ("certificate_id", "!=", False)]
        action["context"] = {}
        return action
