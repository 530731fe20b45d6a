from odoo import api, fields, models
from odoo.exceptions import UserError

from .workflow_mixin import Transition

# HR managers and SMS managers approve training plans
APPROVER_GROUPS = "hr.group_hr_manager,svcms_base.group_svcms_manager"


class SvcmsTrainingPlan(models.Model):
    """A department's annual training plan (年度培训计划), reviewed and approved early in the year.

    Lines say which courses, when and for how many; their status and actual figures come from the
    done sessions of the year, so the plan doubles as plan-versus-actual report.
    """

    _name = "svcms.training.plan"
    _description = "Annual Training Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "year desc, department_id, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "approve": Transition(
            ("draft",), "approved", "approved_by_id", "approved_date", APPROVER_GROUPS, ("create_uid",)
        ),
    }
    # an approved plan is the reference the year is measured against: it no longer changes
    _svcms_frozen_fields = ("name", "year", "department_id", "company_id", "line_ids", "notes")
    _svcms_deletable_states = ("draft",)

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, required=True, precompute=True, tracking=True
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True)
    department_id = fields.Many2one("hr.department", required=True, index=True, check_company=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")],
        required=True,
        default="draft",
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False, tracking=True)
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    active = fields.Boolean(default=True, tracking=True)
    line_ids = fields.One2many("svcms.training.plan.line", "plan_id", string="Planned Trainings", copy=True)
    notes = fields.Html()
    planned_hours = fields.Float(string="Planned Person-Hours", compute="_compute_totals")
    actual_hours = fields.Float(string="Actual Person-Hours", compute="_compute_totals")
    progress = fields.Float(string="Courses Done (%)", compute="_compute_totals")

    _year_range = models.Constraint("CHECK(year BETWEEN 2000 AND 2999)", "The plan year is not valid.")

    @api.depends("year", "department_id")
    def _compute_name(self):
        for plan in self:
            plan.name = self.env._(
                "%(year)s Training Plan - %(department)s", year=plan.year, department=plan.department_id.name or ""
            )

    @api.depends("line_ids.planned_person_hours", "line_ids.actual_hours", "line_ids.status")
    def _compute_totals(self):
        for plan in self:
            lines = plan.line_ids
            plan.planned_hours = sum(lines.mapped("planned_person_hours"))
            plan.actual_hours = sum(lines.mapped("actual_hours"))
            plan.progress = (
                100.0 * len(lines.filtered(lambda line: line.status == "done")) / len(lines) if lines else 0.0
            )

    # ------------------------------------------------------------------ approval
    def action_approve(self):
        self._svcms_check_transition("approve")
        if self.filtered(lambda plan: not plan.line_ids):
            raise UserError(self.env._("Add at least one planned training before approving the plan."))
        return self._svcms_transition("approve")

    def action_view_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_training_session")
        action["domain"] = [
            ("course_id", "in", self.line_ids.course_id.ids),
            ("date_start", ">=", f"{self.year}-01-01"),
            ("date_start", "<=", f"{self.year}-12-31"),
        ]
        return action

    def action_view_plan_vs_actual(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_training_plan_line")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"search_default_group_course": 1}
        return action
