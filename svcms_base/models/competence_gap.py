from odoo import Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

GAP_STATUSES = [
    ("missing", "Missing"),
    ("expired", "Expired"),
    ("expiring", "Expiring Soon"),
    ("valid", "Valid"),
]
# A pass or certification ending within this many days is "expiring soon".
EXPIRING_DAYS = 30


class SvcmsCompetenceGap(models.Model):
    """Per employee and competence requirement item: is it met, and until when? (read-only SQL view)

    One row per (employee, requirement, required course or certification) for every active
    employee whose current job is listed on an active requirement of their company. A course is met
    by a passed attendance of a done session (or, for a certifying course, by holding its
    certification); a certification by an ``hr.employee.skill`` that has started. The best proof
    counts: an open-ended one, else the latest end of validity.

    The whole view is one SQL query: searching it costs the same number of queries for 10 or 10,000
    employees. ``_gap_rows`` runs the same query for chosen employees and requirement codes (the
    competence check other applications call before assigning work).
    """

    _name = "svcms.competence.gap"
    _description = "Competence Gap"
    _auto = False
    _order = "status_sequence, employee_id, requirement_id, id"
    _rec_name = "employee_id"
    _depends = {
        "hr.employee": ["active", "company_id", "current_version_id"],
        "hr.version": ["job_id", "department_id"],
        "hr.employee.skill": ["employee_id", "skill_id", "valid_from", "valid_to"],
        "svcms.training.attendance": ["employee_id", "course_id", "state", "passed", "valid_until"],
        "svcms.training.course": ["skill_id", "is_certifying"],
        "svcms.competence.requirement": ["active", "company_id", "code", "job_ids", "course_ids", "skill_ids"],
    }

    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    job_id = fields.Many2one("hr.job", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    requirement_id = fields.Many2one("svcms.competence.requirement", readonly=True)
    item_type = fields.Selection([("course", "Course"), ("certification", "Certification")], readonly=True)
    course_id = fields.Many2one("svcms.training.course", readonly=True)
    skill_id = fields.Many2one("hr.skill", string="Certification", readonly=True)
    valid_until = fields.Date(readonly=True, help="Empty for a missing item or a proof that never expires.")
    days_left = fields.Integer(readonly=True, aggregator="min")
    status = fields.Selection(GAP_STATUSES, readonly=True)
    status_sequence = fields.Integer(readonly=True)

    @api.depends("employee_id", "course_id", "skill_id")
    def _compute_display_name(self):
        for gap in self:
            gap.display_name = f"{gap.employee_id.name} - {gap._item_name()}"

    def _item_name(self):
        self.ensure_one()
        return self.sudo().course_id.name if self.item_type == "course" else self.sudo().skill_id.name

    @api.model
    def _search(self, domain, *args, **kwargs):
        # Row ids are positions in the current result: values cached by an earlier search of this
        # transaction may describe another row since, so every search starts from a clean cache.
        self.invalidate_model()
        return super()._search(domain, *args, **kwargs)

    # ------------------------------------------------------------------ SQL
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._gap_query(self._job_pairs()))
        )

    @api.model
    def _job_pairs(self, employee_ids=None):
        """(employee, requirement) pairs from the employee's current job, optionally for some employees."""
        employee_filter = SQL("AND employee.id = ANY(%s)", list(employee_ids)) if employee_ids is not None else SQL()
        return SQL(
            """
            SELECT employee.id AS employee_id, version.department_id, version.job_id, employee.company_id,
                   requirement.id AS requirement_id
              FROM hr_employee employee
              JOIN hr_version version ON version.id = employee.current_version_id
              JOIN svcms_competence_requirement_hr_job_rel requirement_job ON requirement_job.job_id = version.job_id
              JOIN svcms_competence_requirement requirement
                ON requirement.id = requirement_job.requirement_id
               AND requirement.active
               AND requirement.company_id = employee.company_id
             WHERE employee.active %s
            """,
            employee_filter,
        )

    @api.model
    def _code_pairs(self, employee_ids, codes):
        """(employee, requirement) pairs for requirements named by code, whatever the employee's job."""
        return SQL(
            """
            SELECT employee.id AS employee_id, version.department_id, version.job_id, employee.company_id,
                   requirement.id AS requirement_id
              FROM hr_employee employee
              LEFT JOIN hr_version version ON version.id = employee.current_version_id
              JOIN svcms_competence_requirement requirement
                ON requirement.company_id = employee.company_id
               AND requirement.active
               AND requirement.code = ANY(%s)
             WHERE employee.id = ANY(%s)
            """,
            list(codes),
            list(employee_ids),
        )

    @api.model
    def _gap_query(self, pairs, on_date=None):
        """The gap rows of ``pairs``, valid on ``on_date`` (a date; default today)."""
        today = SQL("%s::date", on_date) if on_date else SQL("(NOW() AT TIME ZONE 'UTC')::date")
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (
                       ORDER BY pair.employee_id, pair.requirement_id, item.item_type, item.item_id
                   ) AS id,
                   pair.employee_id,
                   pair.department_id,
                   pair.job_id,
                   pair.company_id,
                   pair.requirement_id,
                   item.item_type,
                   CASE WHEN item.item_type = 'course' THEN item.item_id END AS course_id,
                   CASE WHEN item.item_type = 'certification' THEN item.item_id END AS skill_id,
                   CASE WHEN NOT proof.unlimited THEN proof.valid_until END AS valid_until,
                   CASE WHEN NOT proof.unlimited THEN proof.valid_until - %(today)s END AS days_left,
                   CASE
                       WHEN proof.employee_id IS NULL THEN 'missing'
                       WHEN proof.unlimited OR proof.valid_until > %(today)s + %(days)s THEN 'valid'
                       WHEN proof.valid_until >= %(today)s THEN 'expiring'
                       ELSE 'expired'
                   END AS status,
                   CASE
                       WHEN proof.employee_id IS NULL THEN 1
                       WHEN proof.unlimited OR proof.valid_until > %(today)s + %(days)s THEN 4
                       WHEN proof.valid_until >= %(today)s THEN 3
                       ELSE 2
                   END AS status_sequence
              FROM (%(pairs)s) pair
              JOIN (
                    SELECT requirement_id, 'course' AS item_type, course_id AS item_id
                      FROM svcms_competence_requirement_course_rel
                     UNION ALL
                    SELECT requirement_id, 'certification' AS item_type, skill_id AS item_id
                      FROM svcms_competence_requirement_skill_rel
                   ) item ON item.requirement_id = pair.requirement_id
              LEFT JOIN (
                    SELECT employee_id, item_type, item_id,
                           BOOL_OR(valid_until IS NULL) AS unlimited,
                           MAX(valid_until) AS valid_until
                      FROM (
                            -- passed attendances of done sessions
                            SELECT attendance.employee_id, 'course' AS item_type,
                                   attendance.course_id AS item_id, attendance.valid_until
                              FROM svcms_training_attendance attendance
                             WHERE attendance.state = 'done' AND attendance.passed
                             UNION ALL
                            -- certifications held, however they were obtained
                            SELECT employee_skill.employee_id, 'certification', employee_skill.skill_id,
                                   employee_skill.valid_to
                              FROM hr_employee_skill employee_skill
                             WHERE employee_skill.valid_from <= %(today)s
                             UNION ALL
                            -- holding the certification of a certifying course meets the course
                            SELECT employee_skill.employee_id, 'course', course.id, employee_skill.valid_to
                              FROM hr_employee_skill employee_skill
                              JOIN svcms_training_course course
                                ON course.skill_id = employee_skill.skill_id AND course.is_certifying
                             WHERE employee_skill.valid_from <= %(today)s
                           ) evidence
                     GROUP BY employee_id, item_type, item_id
                   ) proof
                ON proof.employee_id = pair.employee_id
               AND proof.item_type = item.item_type
               AND proof.item_id = item.item_id
            """,
            today=today,
            days=EXPIRING_DAYS,
            pairs=pairs,
        )

    @api.model
    def _gap_rows(self, employees, requirement_codes=None, on_date=None):
        """Rows of the gap query for ``employees`` as dicts (one query, whatever their number).

        :param employees: hr.employee recordset
        :param requirement_codes: requirement codes to check; None checks the requirements of each
            employee's current job
        :param on_date: the date the items must be valid on (default today)
        """
        if not employees:
            return []
        if requirement_codes is None:
            pairs = self._job_pairs(employees.ids)
        else:
            pairs = self._code_pairs(employees.ids, requirement_codes)
        self.env.flush_all()
        return self.env.execute_query_dict(self._gap_query(pairs, on_date))

    # ------------------------------------------------------------------ planning
    def action_plan_training(self):
        """Plan the training that closes these gaps in the draft training plan of each department.

        Gaps are grouped by company and department; the draft plan of the current year is completed (or
        created): the employees are added to the line of the course (a certification gap takes the
        certifying course of the certification), a new line is planned for the current month otherwise.
        Only those who may write training plans (HR officers, SMS managers) may do it.
        """
        Plan = self.env["svcms.training.plan"]
        if not (Plan.has_access("create") and self.env["svcms.training.plan.line"].has_access("create")):
            raise AccessError(self.env._("Only HR officers and SMS managers may plan training from competence gaps."))
        gaps = self.filtered(lambda gap: gap.status != "valid")
        if not gaps:
            raise UserError(self.env._("Select at least one missing, expired or expiring competence item."))
        certifying = self.env["svcms.training.course"].search(
            [("is_certifying", "=", True), ("skill_id", "in", gaps.skill_id.ids)], order="id"
        )
        course_of_skill = {}
        for course in certifying:
            course_of_skill.setdefault(course.skill_id, course)
        today = fields.Date.context_today(self)
        wanted = {}  # (company, department) -> {course: employees}
        for gap in gaps:
            course = gap.course_id or course_of_skill.get(gap.skill_id)
            if not course:
                raise UserError(
                    self.env._(
                        "No certifying course leads to %(certification)s: create one before planning the training "
                        "of %(employee)s.",
                        certification=gap.skill_id.name,
                        employee=gap.employee_id.name,
                    )
                )
            department = gap.department_id or gap.employee_id.department_id
            if not department:
                raise UserError(
                    self.env._(
                        "%(employee)s has no department: a training plan is made per department.",
                        employee=gap.employee_id.name,
                    )
                )
            courses = wanted.setdefault((gap.company_id, department), {})
            courses[course] = courses.get(course, self.env["hr.employee"]) | gap.employee_id
        existing = Plan.search(
            [
                ("state", "=", "draft"),
                ("year", "=", today.year),
                ("company_id", "in", [company.id for company, _department in wanted]),
                ("department_id", "in", [department.id for _company, department in wanted]),
            ],
            order="id",
        )
        plans = Plan
        for (company, department), courses in wanted.items():
            plan = existing.filtered(lambda p, c=company, d=department: p.company_id == c and p.department_id == d)[:1]
            if not plan:
                plan = Plan.create({"year": today.year, "department_id": department.id, "company_id": company.id})
            commands = []
            for course, employees in courses.items():
                line = plan.line_ids.filtered(lambda ln, c=course: ln.course_id == c)[:1]
                if line:
                    commands.append(Command.update(line.id, {"employee_ids": [Command.link(e.id) for e in employees]}))
                else:
                    commands.append(
                        Command.create(
                            {
                                "course_id": course.id,
                                "planned_month": str(today.month),
                                "employee_ids": [Command.set(employees.ids)],
                            }
                        )
                    )
            plan.write({"line_ids": commands})
            plans |= plan
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_training_plan")
        if len(plans) == 1:
            action.update(res_id=plans.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", plans.ids)]
        return action
