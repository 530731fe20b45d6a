from collections import defaultdict

from odoo import api, fields, models

MONTHS = [(str(month), str(month)) for month in range(1, 13)]
QUARTERS = [("q1", "Q1"), ("q2", "Q2"), ("q3", "Q3"), ("q4", "Q4")]
# Fields computed from the done sessions of the year (refreshed when a session changes state).
ACTUAL_FIELDS = ("status", "actual_participants", "actual_hours", "actual_session_count")


class SvcmsTrainingPlanLine(models.Model):
    """One planned training of an annual plan, with what was actually delivered.

    Actuals count the attendees of the plan's department (and its sub-departments) who attended a
    done session of the course during the plan year.
    """

    _name = "svcms.training.plan.line"
    _description = "Training Plan Line"
    _order = "plan_id, planned_month, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one("svcms.training.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True, precompute=True)
    department_id = fields.Many2one(related="plan_id.department_id", store=True, index=True, precompute=True)
    year = fields.Integer(related="plan_id.year", store=True, index=True, precompute=True)
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    course_id = fields.Many2one("svcms.training.course", required=True, index=True, check_company=True)
    planned_month = fields.Selection(MONTHS, required=True, default="1")
    quarter = fields.Selection(QUARTERS, compute="_compute_quarter", store=True)
    employee_ids = fields.Many2many("hr.employee", string="Planned Employees", check_company=True)
    planned_participants = fields.Integer(
        compute="_compute_planned_participants", store=True, readonly=False, precompute=True
    )
    planned_hours = fields.Float(
        string="Hours per Participant", compute="_compute_planned_hours", store=True, readonly=False, precompute=True
    )
    planned_person_hours = fields.Float(
        compute="_compute_planned_person_hours", store=True, string="Planned Person-Hours"
    )
    status = fields.Selection(
        [("planned", "Planned"), ("done", "Done")],
        compute="_compute_actuals",
        store=True,
        help="Done once a session of the course was held during the plan year with attendees of the department.",
    )
    actual_participants = fields.Integer(compute="_compute_actuals", store=True)
    actual_hours = fields.Float(string="Actual Person-Hours", compute="_compute_actuals", store=True)
    actual_session_count = fields.Integer(string="Sessions Held", compute="_compute_actuals", store=True)
    note = fields.Char()

    @api.depends("planned_month")
    def _compute_quarter(self):
        for line in self:
            line.quarter = QUARTERS[(int(line.planned_month) - 1) // 3][0] if line.planned_month else False

    @api.depends("employee_ids")
    def _compute_planned_participants(self):
        for line in self:
            # a head count typed without naming anyone stays as typed
            line.planned_participants = len(line.employee_ids) or line.planned_participants or 0

    @api.depends("course_id")
    def _compute_planned_hours(self):
        for line in self:
            line.planned_hours = line.course_id.duration_hours

    @api.depends("planned_participants", "planned_hours")
    def _compute_planned_person_hours(self):
        for line in self:
            line.planned_person_hours = line.planned_participants * line.planned_hours

    @api.depends("course_id", "plan_id.year", "plan_id.department_id")
    def _compute_actuals(self):
        lines = self.filtered(lambda line: line.course_id and line.plan_id.year and line.plan_id.department_id)
        for line in self - lines:
            line.update(dict.fromkeys(ACTUAL_FIELDS[1:], 0) | {"status": "planned"})
        if not lines:
            return
        years = lines.mapped("plan_id.year")
        groups = (
            self.env["svcms.training.attendance"]
            .sudo()
            ._read_group(
                [
                    ("course_id", "in", lines.course_id.ids),
                    ("state", "=", "done"),
                    ("attended", "=", True),
                    ("department_id", "!=", False),
                    ("session_date", ">=", f"{min(years)}-01-01"),
                    ("session_date", "<=", f"{max(years)}-12-31"),
                ],
                ["course_id", "department_id", "session_date:year", "employee_id"],
                ["hours:sum", "session_id:array_agg"],
            )
        )
        # (course, year) -> [(department path, employee, person-hours, sessions)]
        actuals = defaultdict(list)
        for course, department, year, employee, hours, session_ids in groups:
            actuals[course.id, year.year].append((department.parent_path, employee.id, hours, session_ids))
        for line in lines:
            path = line.plan_id.department_id.parent_path
            rows = [row for row in actuals[line.course_id.id, line.plan_id.year] if row[0].startswith(path)]
            line.actual_participants = len({row[1] for row in rows})
            line.actual_hours = sum(row[2] for row in rows)
            line.actual_session_count = len({session_id for row in rows for session_id in row[3]})
            line.status = "done" if rows else "planned"

    def _recompute_actuals(self):
        """Queue the actual figures of these lines for recomputation (sessions changed state)."""
        for fname in ACTUAL_FIELDS:
            self.env.add_to_compute(self._fields[fname], self)

    # ------------------------------------------------------------------ immutability
    def _check_plan_draft(self, plans):
        """Lines are part of their plan: they change while the plan does (see its frozen fields)."""
        plans._svcms_check_unlocked({"line_ids"})

    @api.model_create_multi
    def create(self, vals_list):
        self._check_plan_draft(
            self.env["svcms.training.plan"].browse({vals["plan_id"] for vals in vals_list if vals.get("plan_id")})
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_plan_draft(self.plan_id)
        if vals.get("plan_id"):
            self._check_plan_draft(self.env["svcms.training.plan"].browse(vals["plan_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        self._check_plan_draft(self.plan_id)
