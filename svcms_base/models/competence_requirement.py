from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsCompetenceRequirement(models.Model):
    """What holders of some jobs must have passed or hold (ISO/IEC 20000-1 7.2, GB/T 27922 人员配置).

    Each required course and each required certification is one requirement item; the gap view
    (``svcms.competence.gap``) checks every employee of the jobs against every item.
    """

    _name = "svcms.competence.requirement"
    _description = "Competence Requirement"
    _inherit = ["mail.thread"]
    _order = "sequence, code, id"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        index=True,
        tracking=True,
        help="Stable code other applications use to check this requirement before assigning work.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    job_ids = fields.Many2many(
        "hr.job",
        "svcms_competence_requirement_hr_job_rel",
        "requirement_id",
        "job_id",
        string="Jobs",
        check_company=True,
        help="Employees holding one of these jobs must meet the requirement.",
    )
    course_ids = fields.Many2many(
        "svcms.training.course",
        "svcms_competence_requirement_course_rel",
        "requirement_id",
        "course_id",
        string="Required Courses",
        check_company=True,
        help="Courses to pass; a course with a validity must have been passed recently enough.",
    )
    skill_ids = fields.Many2many(
        "hr.skill",
        "svcms_competence_requirement_skill_rel",
        "requirement_id",
        "skill_id",
        string="Required Certifications",
        domain="[('skill_type_id.is_certification', '=', True)]",
        help="Certifications to hold with a validity that has not ended (e.g. 家电安装维修上岗证).",
    )
    scope = fields.Char(
        help="Where the requirement applies, e.g. a product family (air conditioners, water heaters). "
        "Other applications may refine it."
    )
    description = fields.Html()
    gap_count = fields.Integer(string="Gaps", compute="_compute_gap_count")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)",
        "A competence requirement code must be unique per company.",
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for requirement in self:
            requirement.display_name = (
                f"[{requirement.code}] {requirement.name}" if requirement.code else requirement.name
            )

    def _compute_gap_count(self):
        counts = dict(
            self.env["svcms.competence.gap"]._read_group(
                [("requirement_id", "in", self.ids), ("status", "in", ("missing", "expired"))],
                ["requirement_id"],
                ["__count"],
            )
        )
        for requirement in self:
            requirement.gap_count = counts.get(requirement, 0)

    @api.model_create_multi
    def create(self, vals_list):
        requirements = super().create(vals_list)
        # m2m constraints only run for fields present in the values: check the empty ones too
        requirements._check_has_items()
        return requirements

    @api.constrains("course_ids", "skill_ids")
    def _check_has_items(self):
        for requirement in self:
            if not requirement.course_ids and not requirement.skill_ids:
                raise ValidationError(
                    self.env._(
                        "Competence requirement %(name)s must require at least one course or certification.",
                        name=requirement.name,
                    )
                )

    def action_view_gaps(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_competence_gap")
        action["domain"] = [("requirement_id", "=", self.id)]
        action["context"] = {"search_default_filter_gaps": 1}
        return action
