from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from .training_course import check_training_manager

# Fields that make up the training record: frozen once the session is done.
DONE_LOCKED_FIELDS = {
    "course_id",
    "date_start",
    "date_end",
    "pass_mark",
    "duration_hours",
    "attendance_ids",
    "company_id",
}


class SvcmsTrainingSession(models.Model):
    """One delivery of a training course, with its attendance record.

    Marking a session done records the results for good: passed attendees of a certifying course
    receive the course's certification (an ``hr.employee.skill``), everyone who attended gets a
    training line on their resume.
    """

    _name = "svcms.training.session"
    _description = "Training Session"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.2",), "gbt27922": ("1.7.2",)}
    _svcms_evidence_date_field = "date_start"
    _svcms_evidence_domain = [("state", "=", "done")]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "course_id"]

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, index=True, default=lambda self: self.env._("New")
    )
    course_id = fields.Many2one(
        "svcms.training.course", required=True, index=True, tracking=True, check_company=True, ondelete="restrict"
    )
    is_certifying = fields.Boolean(related="course_id.is_certifying")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="planned",
        index=True,
        tracking=True,
        copy=False,
    )
    date_start = fields.Date(string="Start Date", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(string="End Date", required=True, default=fields.Date.context_today, tracking=True)
    duration_hours = fields.Float(
        string="Hours", compute="_compute_from_course", store=True, readonly=False, precompute=True
    )
    pass_mark = fields.Float(
        compute="_compute_from_course",
        store=True,
        readonly=False,
        precompute=True,
        help="Copied from the course when it is chosen, so later changes to the course do not rewrite results.",
    )
    trainer_employee_id = fields.Many2one("hr.employee", string="Internal Trainer", check_company=True)
    trainer_name = fields.Char(string="External Trainer", help="Trainer from outside the company (name, organisation).")
    location = fields.Char()
    notes = fields.Html()
    attendance_ids = fields.One2many("svcms.training.attendance", "session_id", copy=False)
    attendee_count = fields.Integer(string="Attendees", compute="_compute_counts")
    passed_count = fields.Integer(string="Passed", compute="_compute_counts")

    @api.depends("course_id")
    def _compute_from_course(self):
        for session in self:
            session.duration_hours = session.course_id.duration_hours
            session.pass_mark = session.course_id.pass_mark

    @api.depends("attendance_ids.attended", "attendance_ids.passed")
    def _compute_counts(self):
        for session in self:
            session.attendee_count = len(session.attendance_ids.filtered("attended"))
            session.passed_count = len(session.attendance_ids.filtered("passed"))

    @api.depends("name", "course_id")
    def _compute_display_name(self):
        for session in self:
            session.display_name = f"{session.name} {session.course_id.name}" if session.course_id else session.name

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for session in self:
            if session.date_end < session.date_start:
                raise ValidationError(self.env._("A training session cannot end before it starts."))

    @api.model_create_multi
    def create(self, vals_list):
        new_name = self.env._("New")
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == new_name:
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("svcms.training.session", sequence_date=vals.get("date_start"))
                    or new_name
                )
        return super().create(vals_list)

    def write(self, vals):
        done = self.filtered(lambda s: s.state == "done")
        if done:
            locked = DONE_LOCKED_FIELDS.intersection(vals)
            if locked or vals.get("state", "done") != "done":
                raise UserError(
                    self.env._(
                        "Session %(session)s is done: its course, dates and attendance results are part of the "
                        "training record and can no longer be changed.",
                        session=done[0].display_name,
                    )
                )
        res = super().write(vals)
        if "state" in vals:
            self._trigger_plan_recompute()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(session.state == "done" for session in self):
            raise UserError(self.env._("A done training session is part of the training record and cannot be deleted."))

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            vals.pop("name", None)
        return vals_list

    # ------------------------------------------------------------------ actions
    def action_done(self):
        """Close the sessions: record results, grant certifications and resume lines in batch."""
        self.check_access("write")  # certificates and resume lines are written with elevated rights below
        if any(session.state != "planned" for session in self):
            raise UserError(self.env._("Only planned sessions can be marked done."))
        empty = self.filtered(lambda s: not s.attendance_ids)
        if empty:
            raise UserError(
                self.env._(
                    "Record who attended session %(session)s before marking it done.", session=empty[0].display_name
                )
            )
        attendances = self.attendance_ids
        attendances._set_validity()
        attendances.filtered("attended")._create_resume_lines()
        attendances.filtered(
            lambda a: a.passed and a.session_id.course_id.is_certifying and a.session_id.course_id.skill_id
        )._grant_certifications()
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        if any(session.state != "planned" for session in self):
            raise UserError(self.env._("Only planned sessions can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_reset_to_planned(self):
        if any(session.state != "cancelled" for session in self):
            raise UserError(self.env._("Only cancelled sessions can be planned again."))
        self.write({"state": "planned"})
        return True

    def action_add_required_attendees(self):
        """Invite the employees whose job requires this course, or the certification it grants, and who lack
        a valid one or will soon (competence gap view)."""
        self.ensure_one()
        required = Domain("course_id", "=", self.course_id.id)
        if self.course_id.is_certifying and self.course_id.skill_id:
            required |= Domain("skill_id", "=", self.course_id.skill_id.id)
        gaps = self.env["svcms.competence.gap"].search(
            required
            & Domain("status", "in", ("missing", "expired", "expiring"))
            & Domain("company_id", "=", self.company_id.id)
            & Domain("employee_id", "not in", self.attendance_ids.employee_id.ids)
        )
        self.env["svcms.training.attendance"].create(
            [{"session_id": self.id, "employee_id": employee.id} for employee in gaps.employee_id]
        )
        return True

    def _trigger_plan_recompute(self):
        """Plan lines count done sessions of their course and year: refresh the affected ones."""
        check_training_manager(self.env)
        years = {session.date_start.year for session in self}
        lines = (
            self.env["svcms.training.plan.line"]
            .sudo()
            .search([("course_id", "in", self.course_id.ids), ("year", "in", list(years))])
        )
        lines._recompute_actuals()

    def _certification_valid_to(self, valid_from):
        self.ensure_one()
        months = self.course_id.validity_months
        return valid_from + relativedelta(months=months) if months else False
