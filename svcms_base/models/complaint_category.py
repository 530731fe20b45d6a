from odoo import fields, models


class SvcmsComplaintCategory(models.Model):
    _name = "svcms.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the category.")
    department_id = fields.Many2one(
        "hr.department", string="Handling Team", check_company=True, help="Team that handles these complaints."
    )
    default_severity = fields.Selection(
        [("low", "Low"), ("normal", "Normal"), ("high", "High"), ("critical", "Critical")],
        default="normal",
        required=True,
    )
    description = fields.Text(translate=True)
    complaint_count = fields.Integer(compute="_compute_complaint_count")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "A complaint category code must be unique per company."
    )

    def _compute_complaint_count(self):
        groups = self.env["svcms.complaint"]._read_group(
            [("category_id", "in", self.ids)], ["category_id"], ["__count"]
        )
        counts = {category.id: count for category, count in groups}
        for category in self:
            category.complaint_count = counts.get(category.id, 0)
