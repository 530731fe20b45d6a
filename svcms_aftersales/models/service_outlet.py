from odoo import api, fields, models
from odoo.exceptions import UserError


class SvcmsServiceOutlet(models.Model):
    """A service outlet (维修网点): the company's own or a contracted partner's."""

    _name = "svcms.service.outlet"
    _description = "Service Outlet"
    _inherit = ["mail.thread", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("1.3.2",)}
    _svcms_evidence_date_field = None  # the outlets in service
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    outlet_type = fields.Selection(
        [("own", "Own Outlet"), ("contracted", "Contracted Partner")],
        required=True,
        default="own",
        tracking=True,
    )
    partner_id = fields.Many2one("res.partner", string="Contractor / Address", check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    service_area = fields.Selection(
        [("city", "City"), ("rural", "Rural")],
        required=True,
        default="city",
        help="City and rural outlets have different service level targets (on-site arrival, resolution).",
    )
    coverage_state_ids = fields.Many2many("res.country.state", string="Covered Provinces")
    coverage_cities = fields.Char(
        string="Covered Cities", help="Comma-separated cities or districts served, e.g. 佛山市, 禅城区."
    )
    coverage_note = fields.Text(string="Coverage Notes")
    phone = fields.Char()
    contract_expiry = fields.Date(tracking=True)
    technician_ids = fields.One2many("svcms.technician", "outlet_id", string="Technicians")
    request_count = fields.Integer(string="Requests Handled", compute="_compute_performance")
    on_time_rate = fields.Float(string="On Time (%)", compute="_compute_performance", digits=(5, 1))
    average_rating = fields.Float(compute="_compute_performance", digits=(3, 2))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_requests(self):
        """The requests an outlet handled keep it: an outlet with requests is archived, not deleted."""
        if self.env.su:
            return
        used = self.filtered(
            lambda outlet: self.env["svcms.service.request"]
            .sudo()
            .search_count([("outlet_id", "=", outlet.id)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "%(name)s has service requests: archive the outlet instead of deleting it.", name=used[0].name
                )
            )

    def _compute_performance(self):
        """Requests done or closed, share without a breached service level, average customer rating:
        three grouped queries for all outlets."""
        Request = self.env["svcms.service.request"]
        finished = [("outlet_id", "in", self.ids), ("state", "in", ("done", "closed"))]
        handled = {outlet.id: count for outlet, count in Request._read_group(finished, ["outlet_id"], ["__count"])}
        late = {
            outlet.id: count
            for outlet, count in Request._read_group(
                [*finished, ("sla_status", "=", "breached")], ["outlet_id"], ["__count"]
            )
        }
        ratings = {
            outlet.id: avg
            for outlet, avg in Request._read_group(
                [*finished, ("rating_last_value", ">", 0)], ["outlet_id"], ["rating_last_value:avg"]
            )
        }
        for outlet in self:
            count = handled.get(outlet.id, 0)
            outlet.request_count = count
            outlet.on_time_rate = 100.0 * (count - late.get(outlet.id, 0)) / count if count else 0.0
            outlet.average_rating = ratings.get(outlet.id) or 0.0

    @api.model
    def _find_for_partner(self, partner):
        """Outlet whose covered cities name the customer's city (else province), own outlets first."""
        return self._outlets_by_partner(partner).get(partner.id, self.browse())

    @api.model
    def _outlets_by_partner(self, partners):
        """{partner id: outlet} for many customers with one search (outlets are a small table)."""
        if not partners:
            return {}
        outlets = self.search([("company_id", "in", self.env.companies.ids)])
        coverage = [
            (outlet, [c.strip() for c in (outlet.coverage_cities or "").split(",") if c.strip()]) for outlet in outlets
        ]
        result = {}
        for partner in partners:
            city = (partner.city or "").strip()
            outlet = next(
                (outlet for outlet, cities in coverage if city and any(c in city or city in c for c in cities)),
                None,
            ) or next((outlet for outlet in outlets if partner.state_id in outlet.coverage_state_ids), self.browse())
            result[partner.id] = outlet
        return result
