from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain


class SvcmsTechnician(models.Model):
    """A technician who may be assigned service work: an employee or a contracted outlet's staff."""

    _name = "svcms.technician"
    _description = "Service Technician"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("1.2.2",)}
    _svcms_evidence_date_field = None  # the technicians in service
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    staff_type = fields.Selection(
        [("employee", "Employee"), ("partner", "Partner Staff")],
        required=True,
        default="employee",
        tracking=True,
    )
    employee_id = fields.Many2one("hr.employee", check_company=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Contact", help="Contact of a contracted outlet's staff.")
    user_id = fields.Many2one("res.users", help="Who logs in to see the technician's assignments.")
    outlet_id = fields.Many2one("svcms.service.outlet", check_company=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    phone = fields.Char()
    authorisation_number = fields.Char(tracking=True, copy=False)
    authorisation_expiry = fields.Date(tracking=True)
    authorisation_valid = fields.Boolean(compute="_compute_authorisation_valid", search="_search_authorisation_valid")
    request_ids = fields.One2many("svcms.service.request", "technician_id", string="Assignments")
    open_request_count = fields.Integer(string="Open Assignments", compute="_compute_open_request_count")

    _employee_unique = models.Constraint(
        "UNIQUE(employee_id, company_id)", "An employee can be registered only once as a technician."
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_requests(self):
        """Who did the work stays on the requests: a technician with assignments is archived, not deleted."""
        if self.env.su:
            return
        busy = self.filtered(lambda technician: technician.sudo().request_ids)
        if busy:
            raise UserError(
                self.env._(
                    "%(name)s has service requests: archive the technician instead of deleting them.",
                    name=busy[0].name,
                )
            )

    @api.constrains("staff_type", "employee_id")
    def _check_staff(self):
        for technician in self:
            if technician.staff_type == "employee" and not technician.employee_id:
                raise ValidationError(self.env._("An employee technician needs an employee."))

    @api.depends("authorisation_expiry", "authorisation_number")
    @api.depends_context("date")
    def _compute_authorisation_valid(self):
        today = fields.Date.context_today(self)
        for technician in self:
            technician.authorisation_valid = bool(technician.authorisation_number) and (
                not technician.authorisation_expiry or technician.authorisation_expiry >= today
            )

    def _search_authorisation_valid(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        valid = Domain("authorisation_number", "!=", False) & (
            Domain("authorisation_expiry", "=", False) | Domain("authorisation_expiry", ">=", today)
        )
        return valid if (operator == "=") == value else ~valid

    def _compute_open_request_count(self):
        groups = self.env["svcms.service.request"]._read_group(
            [("technician_id", "in", self.ids), ("state", "not in", ("done", "closed", "cancelled"))],
            ["technician_id"],
            ["__count"],
        )
        counts = {technician.id: count for technician, count in groups}
        for technician in self:
            technician.open_request_count = counts.get(technician.id, 0)

    @api.onchange("employee_id")
    def _onchange_employee_id(self):
        if self.employee_id:
            self.name = self.employee_id.name
            self.user_id = self.employee_id.user_id
            self.phone = self.employee_id.mobile_phone or self.employee_id.work_phone

    def _check_assignable(self):
        """Refuse work for a technician whose authorisation expired or whose employee lacks the valid
        certification their job requires (svcms_base competence requirements, e.g. 上岗证)."""
        today = fields.Date.context_today(self)
        for technician in self:
            if not technician.authorisation_number:
                raise UserError(
                    self.env._(
                        "%(name)s has no service authorisation number and cannot be assigned.", name=technician.name
                    )
                )
            if technician.authorisation_expiry and technician.authorisation_expiry < today:
                raise UserError(
                    self.env._(
                        "The service authorisation of %(name)s expired on %(date)s: renew it before assigning work.",
                        name=technician.name,
                        date=technician.authorisation_expiry,
                    )
                )
        self.employee_id.sudo()._svcms_check_competence()
