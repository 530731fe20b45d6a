from odoo import api, fields, models
from odoo.exceptions import UserError


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    svcms_attendance_ids = fields.One2many(
        "svcms.training.attendance", "employee_id", string="Training Record", groups="hr.group_hr_user"
    )
    svcms_certification_ids = fields.One2many(
        "hr.employee.skill",
        compute="_compute_svcms_certification_ids",
        string="Certifications Held",
        groups="hr.group_hr_user",
    )
    svcms_gap_ids = fields.One2many(
        "svcms.competence.gap", "employee_id", string="Competence Status", groups="hr.group_hr_user"
    )
    svcms_attendance_count = fields.Integer(
        string="Trainings", compute="_compute_svcms_training_stats", groups="hr.group_hr_user"
    )
    svcms_certification_count = fields.Integer(
        string="Valid Certifications", compute="_compute_svcms_training_stats", groups="hr.group_hr_user"
    )
    svcms_gap_count = fields.Integer(
        string="Competence Gaps", compute="_compute_svcms_training_stats", groups="hr.group_hr_user"
    )
    svcms_pending_acknowledgement_count = fields.Integer(
        string="Documents to Confirm",
        compute="_compute_svcms_training_stats",
        groups="hr.group_hr_user",
        help="Controlled documents (such as the service management policy) the employee has not yet confirmed "
        "having read and understood (awareness, ISO/IEC 20000-1 7.3).",
    )

    @api.depends("employee_skill_ids")
    def _compute_svcms_certification_ids(self):
        skills = self._svcms_certification_skills()
        for employee in self:
            employee.svcms_certification_ids = employee.employee_skill_ids.filtered(
                lambda s: s.is_certification and s.skill_id in skills
            ).sorted(lambda s: s.valid_to or fields.Date.to_date("9999-12-31"), reverse=True)

    @api.model
    def _svcms_certification_skills(self):
        """Certifications the management system deals with: its own type, and those courses grant or jobs require."""
        skill_type = self.env.ref("svcms_base.skill_type_svcms_certification", raise_if_not_found=False)
        Skill = self.env["hr.skill"].sudo()
        skills = Skill.search([("skill_type_id", "=", skill_type.id)]) if skill_type else Skill
        skills |= self.env["svcms.training.course"].sudo().search([("skill_id", "!=", False)]).skill_id
        skills |= self.env["svcms.competence.requirement"].sudo().search([]).skill_ids
        return skills

    def _compute_svcms_training_stats(self):
        today = fields.Date.context_today(self)
        attendances = dict(
            self.env["svcms.training.attendance"]._read_group(
                [("employee_id", "in", self.ids), ("attended", "=", True), ("state", "=", "done")],
                ["employee_id"],
                ["__count"],
            )
        )
        certifications = dict(
            self.env["hr.employee.skill"]._read_group(
                [
                    ("employee_id", "in", self.ids),
                    ("is_certification", "=", True),
                    ("valid_from", "<=", today),
                    "|",
                    ("valid_to", "=", False),
                    ("valid_to", ">=", today),
                ],
                ["employee_id"],
                ["skill_id:count_distinct"],
            )
        )
        gaps = dict(
            self.env["svcms.competence.gap"]._read_group(
                [("employee_id", "in", self.ids), ("status", "in", ("missing", "expired"))],
                ["employee_id"],
                ["__count"],
            )
        )
        # awareness: counting the read-and-understood confirmations still due is not sensitive
        pending_acknowledgements = dict(
            self.env["svcms.document.acknowledgement"]
            .sudo()
            ._read_group([("employee_id", "in", self.ids), ("state", "=", "pending")], ["employee_id"], ["__count"])
        )
        for employee in self:
            employee.svcms_pending_acknowledgement_count = pending_acknowledgements.get(employee, 0)
            employee.svcms_attendance_count = attendances.get(employee, 0)
            employee.svcms_certification_count = certifications.get(employee, 0)
            employee.svcms_gap_count = gaps.get(employee, 0)

    # ------------------------------------------------------------------ competence check (public API)
    def _svcms_check_competence(self, requirement_codes=None, raise_if_missing=True, on_date=None):
        """Check that the employees in ``self`` meet competence requirements before work is assigned.

        Other applications call it before assigning work, e.g. after-sales before dispatching a
        technician::

            technician._svcms_check_competence(["REQ-INSTALL"])          # raises if not competent
            gaps = technicians._svcms_check_competence(raise_if_missing=False)

        :param requirement_codes: iterable of ``svcms.competence.requirement`` codes to check (of the
            employee's company, whatever the employee's job). ``None`` (default) checks every active
            requirement listing the employee's current job.
        :param raise_if_missing: when true (default), raise a ``UserError`` listing every gap;
            otherwise return the gaps.
        :param on_date: the date (``datetime.date``) on which the courses and certifications must be valid,
            e.g. the start of an audit; default today. Proofs obtained after that date do not count.
        :return: list of gaps (empty when every employee is competent), each a dict with keys
            ``employee`` (hr.employee), ``requirement`` (svcms.competence.requirement),
            ``item_type`` ('course' or 'certification'), ``course`` (svcms.training.course or empty),
            ``skill`` (hr.skill or empty), ``status`` ('missing' or 'expired'), ``valid_until`` (date of
            expiry for expired items, else False) and ``message`` (translated sentence, e.g.
            "张伟 lacks a valid 家电安装维修上岗证 (expired on 2026-05-01)").
            Items expiring soon are still valid and are not gaps.
        :raise UserError: when ``raise_if_missing`` and a gap exists, or when a code is unknown.

        One SQL query checks all of ``self``; record rules are not applied (it is a business check:
        the caller may not read training records).
        """
        if not self:
            return []
        Gap = self.env["svcms.competence.gap"]
        if requirement_codes is not None:
            requirement_codes = list(requirement_codes)
            self._svcms_check_requirement_codes(requirement_codes)
        rows = [
            row
            for row in Gap._gap_rows(self, requirement_codes, on_date=on_date)
            if row["status"] in ("missing", "expired")
        ]
        # mappings keep the prefetch of each recordset: names are read in one query per model
        employees = {e.id: e for e in self.env["hr.employee"].sudo().browse({row["employee_id"] for row in rows})}
        requirements = {
            r.id: r
            for r in self.env["svcms.competence.requirement"].sudo().browse({row["requirement_id"] for row in rows})
        }
        courses = {
            c.id: c
            for c in self.env["svcms.training.course"]
            .sudo()
            .browse({row["course_id"] for row in rows if row["course_id"]})
        }
        skills = {
            s.id: s for s in self.env["hr.skill"].sudo().browse({row["skill_id"] for row in rows if row["skill_id"]})
        }
        gaps = []
        for row in rows:
            employee = employees[row["employee_id"]]
            course = courses.get(row["course_id"], self.env["svcms.training.course"])
            skill = skills.get(row["skill_id"], self.env["hr.skill"])
            item = course.name if row["item_type"] == "course" else skill.name
            if row["status"] == "expired":
                message = self.env._(
                    "%(employee)s lacks a valid %(item)s (expired on %(date)s)",
                    employee=employee.name,
                    item=item,
                    date=fields.Date.to_string(row["valid_until"]),
                )
            else:
                message = self.env._(
                    "%(employee)s lacks a valid %(item)s (never obtained)", employee=employee.name, item=item
                )
            gaps.append(
                {
                    "employee": employee.with_env(self.env),
                    "requirement": requirements[row["requirement_id"]].with_env(self.env),
                    "item_type": row["item_type"],
                    "course": course.with_env(self.env),
                    "skill": skill.with_env(self.env),
                    "status": row["status"],
                    "valid_until": row["valid_until"] or False,
                    "message": message,
                }
            )
        if gaps and raise_if_missing:
            raise UserError("\n".join(gap["message"] for gap in gaps))
        return gaps

    def _svcms_check_requirement_codes(self, codes):
        known = set(
            self.env["svcms.competence.requirement"]
            .sudo()
            .search_fetch([("code", "in", codes), ("company_id", "in", self.company_id.ids)], ["code"])
            .mapped("code")
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise UserError(self.env._("Unknown competence requirement code(s): %(codes)s", codes=", ".join(unknown)))

    # ------------------------------------------------------------------ smart buttons
    def action_svcms_view_attendances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_training_attendance")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"default_employee_id": self.id}
        return action

    def action_svcms_view_gaps(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_competence_gap")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_svcms_view_acknowledgements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_document_acknowledgement")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {"search_default_filter_pending": 1}
        return action

    def action_svcms_view_certifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("hr_skills.action_hr_employee_skill_certification")
        action["domain"] = [("employee_id", "=", self.id), ("is_certification", "=", True)]
        action["context"] = {"show_employee": False}
        return action
