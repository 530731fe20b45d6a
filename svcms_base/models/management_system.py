from odoo import api, fields, models


class SvcmsManagementSystem(models.Model):
    _name = "svcms.management.system"
    _description = "Management System"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, help="Short code used in document numbers, e.g. SM or ASMS.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    standard = fields.Selection(
        [
            ("iso20000", "ISO/IEC 20000-1:2018"),
            ("gbt27922", "GB/T 27922-2011"),
            ("other", "Other"),
        ],
        required=True,
        default="iso20000",
        tracking=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    scope = fields.Html(string="Scope Statement", help="Scope of the management system (clause 4.3).")
    policy = fields.Html(string="Service Management Policy", help="Clause 5.2.")
    representative_id = fields.Many2one(
        "hr.employee",
        string="Management Representative",
        tracking=True,
        check_company=True,
    )
    appointment_date = fields.Date(tracking=True)
    appointment_signed_by_id = fields.Many2one("hr.employee", string="Appointment Signed By", check_company=True)
    appointment_text = fields.Html(string="Appointment Letter")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)",
        "A management system code must be unique per company.",
    )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for system in self:
            system.display_name = f"[{system.code}] {system.name}" if system.code else system.name
