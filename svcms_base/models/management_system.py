from odoo import api, fields, models
from odoo.exceptions import UserError


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
    appointment_signed_by_id = fields.Many2one("hr.employee", check_company=True)
    appointment_text = fields.Html(string="Appointment Letter")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)",
        "A management system code must be unique per company.",
    )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for system in self:
            system.display_name = f"[{system.code}] {system.name}" if system.code else system.name

    # ------------------------------------------------------------------ overview
    due_review_count = fields.Integer(compute="_compute_overview", string="Documents Due for Review")
    unconfirmed_reader_count = fields.Integer(compute="_compute_overview", string="Unconfirmed Readers")
    off_target_objective_count = fields.Integer(compute="_compute_overview", string="Objectives Off Target")
    high_risk_count = fields.Integer(compute="_compute_overview", string="High Risks")
    certification_alert_count = fields.Integer(
        compute="_compute_overview",
        string="Expiring Certifications",
        help="Required certifications and trainings of the company's employees that expired or expire within 30 days.",
    )

    def _overview_domains(self):
        """What each overview counter counts, per management system (certifications: per company)."""
        review_horizon = fields.Date.add(fields.Date.context_today(self), days=30)
        return {
            "due_review_count": (
                "svcms.document",
                [("state", "=", "effective"), ("next_review_date", "<=", review_horizon)],
                "management_system_id",
            ),
            "unconfirmed_reader_count": (
                "svcms.document.acknowledgement",
                [("state", "=", "pending")],
                "document_id.management_system_id",
            ),
            "off_target_objective_count": (
                "svcms.objective",
                [("status", "=", "off_target")],
                "management_system_id",
            ),
            "high_risk_count": (
                "svcms.risk",
                [("level", "in", ("high", "critical")), ("state", "!=", "closed")],
                "management_system_id",
            ),
            "certification_alert_count": (
                "svcms.competence.gap",
                [("status", "in", ("expired", "expiring")), ("item_type", "=", "certification")],
                "company_id",
            ),
        }

    @api.depends_context("company")
    def _compute_overview(self):
        # One aggregate per counter for all systems shown, whatever their number.
        for field_name, (model, domain, group_field) in self._overview_domains().items():
            groups = self.env[model]._read_group(
                [*domain, (group_field, "in", (self.company_id if group_field == "company_id" else self).ids)],
                [group_field],
                ["__count"],
            )
            counts = {group.id: count for group, count in groups}
            for system in self:
                key = system.company_id.id if group_field == "company_id" else system.id
                system[field_name] = counts.get(key, 0)

    def action_open_overview_records(self):
        """Open the records behind one counter of the overview (the counter's name is in the context)."""
        self.ensure_one()
        field_name = self.env.context.get("overview_counter")
        if field_name not in self._overview_domains():
            raise UserError(self.env._("Unknown overview counter: %s", field_name or "-"))
        model, domain, group_field = self._overview_domains()[field_name]
        key = self.company_id.id if group_field == "company_id" else self.id
        return {
            "type": "ir.actions.act_window",
            "name": self._fields[field_name].get_description(self.env)["string"],
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [*domain, (group_field, "=", key)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------ extension hooks

    def _svcms_supplier_performance(self, date_from, date_to):
        """Supplier performance of this system's company in ``[date_from, date_to]`` for its management review:
        plain rows ``{"supplier", "reviews", "average_score", "contracts_expiring", "open_disputes"}``.
        Empty here; an addon that manages suppliers (svcms_itsm) overrides it."""
        self.ensure_one()
        return []
