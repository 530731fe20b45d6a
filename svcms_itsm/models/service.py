from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsService(models.Model):
    """A service of the catalogue (ISO/IEC 20000-1 8.2.4)."""

    _name = "svcms.service"
    _description = "IT Service"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _order = "sequence, code, id"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    # the catalogue as it stands is the evidence of 8.2.4, whatever the period
    _svcms_evidence_clauses = {"iso20000": ("8.2.4",)}
    _svcms_evidence_date_field = None
    _svcms_evidence_domain = [("status", "!=", "retired")]

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, index=True, tracking=True, copy=False)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    owner_id = fields.Many2one("hr.employee", string="Service Owner", tracking=True, check_company=True)
    status = fields.Selection(
        [("pipeline", "Pipeline"), ("live", "Live"), ("retired", "Retired")],
        required=True,
        default="pipeline",
        tracking=True,
        index=True,
    )
    criticality = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")],
        required=True,
        default="medium",
        tracking=True,
    )
    customer_ids = fields.Many2many("res.partner", string="Customers")
    ci_ids = fields.Many2many("svcms.ci", string="Supporting CIs", check_company=True)
    dependency_ids = fields.Many2many(
        "svcms.service",
        "svcms_service_dependency_rel",
        "service_id",
        "dependency_id",
        string="Depends On",
        check_company=True,
        help="Services this service needs to be delivered.",
    )
    dependent_ids = fields.Many2many(
        "svcms.service",
        "svcms_service_dependency_rel",
        "dependency_id",
        "service_id",
        string="Needed By",
        help="Services that depend on this service.",
    )
    sla_policy_ids = fields.Many2many("svcms.sla.policy", string="SLA Policies", check_company=True)
    description = fields.Html(translate=True)
    requirements = fields.Html(
        string="Service Requirements",
        help="Requirements of the new or changed service (ISO/IEC 20000-1 8.5.2): customers' needs, "
        "capacity, availability, security and continuity.",
    )
    service_plan = fields.Html(
        help="Plan of the new or changed service (ISO/IEC 20000-1 8.5.2): activities, resources, "
        "responsibilities, dates and acceptance criteria.",
    )
    offering_ids = fields.One2many("svcms.service.offering", "service_id", string="Request Offerings")
    availability_target = fields.Float(
        string="Availability Target (%)",
        digits=(5, 3),
        tracking=True,
        help="Share of the agreed service hours the service must be available (ISO/IEC 20000-1 8.7.1).",
    )
    dependency_count = fields.Integer(compute="_compute_counts", string="Dependencies")
    ci_count = fields.Integer(compute="_compute_counts", string="CIs")

    _code_company_uniq = models.Constraint(
        "UNIQUE(company_id, code)",
        "The service code must be unique per company.",
    )

    @api.constrains("availability_target")
    def _check_availability_target(self):
        for service in self:
            if not 0 <= service.availability_target <= 100:
                raise ValidationError(
                    self.env._(
                        "The availability target of %(service)s must lie between 0 and 100 %%, not %(target)s.",
                        service=service.display_name,
                        target=service.availability_target,
                    )
                )

    @api.depends("dependency_ids", "ci_ids")
    def _compute_counts(self):
        for service in self:
            service.dependency_count = len(service.dependency_ids)
            service.ci_count = len(service.ci_ids)

    @api.model_create_multi
    def create(self, vals_list):
        company = self.env.company.id
        self._svcms_check_codes([(vals.get("company_id") or company, vals.get("code")) for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if "code" in vals or "company_id" in vals:
            self._svcms_check_codes(
                [(vals.get("company_id") or service.company_id.id, vals.get("code", service.code)) for service in self],
                exclude=self,
            )
        return super().write(vals)

    @api.model
    def _svcms_check_codes(self, pairs, exclude=None):
        """Refuse empty codes and codes already used in the same company, with a clear message before the
        database constraint would: ``pairs`` are (company id, code) of the records being written."""
        if any(not (code or "").strip() for _company, code in pairs):
            raise ValidationError(self.env._("The service code cannot be empty."))
        seen = set()
        for pair in pairs:
            if pair in seen:
                self._svcms_raise_duplicate_code(*pair)
            seen.add(pair)
        domain = [("code", "in", [code for _company, code in pairs]), ("company_id", "in", [c for c, _code in pairs])]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        # one aggregate for the whole batch, across the records the user may not read
        for company, code in self.sudo()._read_group(domain, ["company_id", "code"]):
            if (company.id, code) in seen:
                self._svcms_raise_duplicate_code(company.id, code)

    def _svcms_raise_duplicate_code(self, company_id, code):
        raise ValidationError(
            self.env._(
                "The service code %(code)s is already used in company %(company)s: each service of the catalogue "
                "needs its own code.",
                code=code,
                company=self.env["res.company"].browse(company_id).sudo().name,
            )
        )

    @api.constrains("dependency_ids")
    def _check_dependency_cycle(self):
        for service in self:
            if service in service.dependency_ids:
                raise ValidationError(
                    self.env._("Service %(name)s cannot depend on itself.", name=service.display_name)
                )
        if self._has_cycle("dependency_ids"):
            raise ValidationError(
                self.env._(
                    "These service dependencies form a cycle: %(names)s. A service cannot depend, directly or "
                    "indirectly, on itself.",
                    names=", ".join(self.mapped("display_name")),
                )
            )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for service in self:
            service.display_name = f"[{service.code}] {service.name}" if service.code else service.name
