from odoo import api, fields, models
from odoo.exceptions import UserError

from .kpi import KPI_STATUS, KPI_TREND


class SvcmsObjective(models.Model):
    """A service management objective (ISO/IEC 20000-1 6.2, GB/T 27922 服务目标), measured by its KPIs."""

    _name = "svcms.objective"
    _description = "Service Management Objective"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("6.2", "6.2.1", "6.2.2")}
    _svcms_evidence_date_field = None  # the objectives in force
    _svcms_evidence_system_field = "management_system_id"
    _order = "management_system_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    management_system_id = fields.Many2one(
        "svcms.management.system",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        related="management_system_id.company_id",
        store=True,
        index=True,
        precompute=True,
    )
    policy = fields.Html(related="management_system_id.policy", string="Service Management Policy")
    owner_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        tracking=True,
        help="Who is responsible for achieving the objective.",
    )
    description = fields.Html(help="What will be done to achieve the objective (clause 6.2.2).")
    resources = fields.Text(help="Resources required to achieve the objective.")
    target_date = fields.Date(tracking=True, help="When the objective is to be achieved.")
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    kpi_ids = fields.One2many("svcms.kpi", "objective_id", string="KPIs")
    kpi_count = fields.Integer(compute="_compute_kpi_count", string="KPI Count")
    status = fields.Selection(
        KPI_STATUS,
        compute="_compute_status",
        store=True,
        default="no_data",
        help="Off target as soon as the latest measurement of one KPI misses its target.",
    )
    trend = fields.Selection(
        KPI_TREND,
        compute="_compute_status",
        store=True,
        help="Balance of the KPIs' trends between their last two measurements.",
    )

    @api.depends("kpi_ids")
    def _compute_kpi_count(self):
        groups = self.env["svcms.kpi"]._read_group([("objective_id", "in", self.ids)], ["objective_id"], ["__count"])
        counts = dict(groups)
        for objective in self:
            objective.kpi_count = counts.get(objective._origin, 0)

    @api.depends("kpi_ids.status", "kpi_ids.trend", "kpi_ids.active")
    def _compute_status(self):
        for objective in self:
            kpis = objective.kpi_ids.filtered("active")
            statuses = set(kpis.mapped("status"))
            if "off_target" in statuses:
                objective.status = "off_target"
            elif "on_target" in statuses:
                objective.status = "on_target"
            else:
                objective.status = "no_data"
            balance = sum({"improving": 1, "worsening": -1}.get(kpi.trend, 0) for kpi in kpis)
            if not any(kpis.mapped("trend")):
                objective.trend = False
            elif balance > 0:
                objective.trend = "improving"
            elif balance < 0:
                objective.trend = "worsening"
            else:
                objective.trend = "stable"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_measured(self):
        # Read for the guard only: archived KPIs and other companies' measurements count too.
        measured = (
            self.env["svcms.kpi.measurement"]
            .sudo()
            .with_context(active_test=False)
            .search([("kpi_id.objective_id", "in", self.ids)], limit=1)
        )
        if measured:
            raise UserError(
                self.env._(
                    "The objective %(objective)s has measured KPIs: their measurements are evidence, so it cannot be "
                    "deleted. Archive it instead.",
                    objective=measured.kpi_id.objective_id.display_name,
                )
            )

    def action_view_measurements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.svcms_kpi_measurement_action")
        action["domain"] = [("kpi_id.objective_id", "=", self.id)]
        action["context"] = {"search_default_group_kpi": 1}
        return action
