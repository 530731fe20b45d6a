from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .incident import IMPACT_URGENCY, PRIORITIES

# Used for a company whose managers have not set up its own matrix yet.
DEFAULT_MATRIX = {
    ("1", "1"): "1",
    ("1", "2"): "2",
    ("2", "1"): "2",
    ("1", "3"): "3",
    ("2", "2"): "3",
    ("3", "1"): "3",
    ("2", "3"): "4",
    ("3", "2"): "4",
    ("3", "3"): "4",
}


class SvcmsIncidentPriority(models.Model):
    """One cell of a company's priority matrix: impact x urgency -> priority (ISO/IEC 20000-1 8.6.1)."""

    _name = "svcms.incident.priority"
    _description = "Incident Priority Matrix"
    _order = "company_id, impact, urgency"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    impact = fields.Selection(IMPACT_URGENCY, required=True)
    urgency = fields.Selection(IMPACT_URGENCY, required=True)
    priority = fields.Selection(PRIORITIES, required=True)

    _cell_uniq = models.Constraint(
        "UNIQUE(company_id, impact, urgency)",
        "The priority matrix has one cell per impact and urgency.",
    )

    @api.depends("impact", "urgency", "priority")
    def _compute_display_name(self):
        impacts = dict(self._fields["impact"]._description_selection(self.env))
        priorities = dict(self._fields["priority"]._description_selection(self.env))
        for cell in self:
            cell.display_name = self.env._(
                "Impact %(impact)s x Urgency %(urgency)s: %(priority)s",
                impact=impacts.get(cell.impact, ""),
                urgency=impacts.get(cell.urgency, ""),
                priority=priorities.get(cell.priority, ""),
            )

    def _svcms_check_free_cells(self, cells):
        """Refuse a second cell for a (company, impact, urgency): ``cells`` are the triples to be written."""
        seen = set()
        for company_id, impact, urgency in cells:
            taken = (company_id, impact, urgency) in seen or self.search_count(
                [
                    ("company_id", "=", company_id),
                    ("impact", "=", impact),
                    ("urgency", "=", urgency),
                    ("id", "not in", self.ids),
                ],
                limit=1,
            )
            if taken:
                raise ValidationError(
                    self.env._(
                        "The priority matrix of %(company)s already has a cell for this impact and urgency: edit "
                        "that cell instead.",
                        company=self.env["res.company"].browse(company_id).name,
                    )
                )
            seen.add((company_id, impact, urgency))

    @api.model
    def _svcms_matrix(self, companies):
        """{company id: {(impact, urgency): priority}} for ``companies``, the default where a cell is missing."""
        cells = self.sudo().search_fetch(
            [("company_id", "in", companies.ids)], ["company_id", "impact", "urgency", "priority"]
        )
        result = {company.id: dict(DEFAULT_MATRIX) for company in companies}
        for cell in cells:
            result[cell.company_id.id][(cell.impact, cell.urgency)] = cell.priority
        return result

    @api.model_create_multi
    def create(self, vals_list):
        self.browse()._svcms_check_free_cells(
            (vals.get("company_id") or self.env.company.id, vals.get("impact"), vals.get("urgency"))
            for vals in vals_list
        )
        cells = super().create(vals_list)
        cells._svcms_recompute_incidents()
        return cells

    def write(self, vals):
        if {"impact", "urgency", "company_id"} & set(vals):
            for cell in self:
                cell._svcms_check_free_cells(
                    [
                        (
                            vals.get("company_id", cell.company_id.id),
                            vals.get("impact", cell.impact),
                            vals.get("urgency", cell.urgency),
                        )
                    ]
                )
        result = super().write(vals)
        if {"priority", "impact", "urgency", "company_id"} & set(vals):
            self._svcms_recompute_incidents()
        return result

    def _svcms_recompute_incidents(self):
        """Open incidents of these companies follow the edited matrix (an override by a manager stays)."""
        incidents = (
            self.env["svcms.incident"]
            .sudo()
            .search(
                [
                    ("company_id", "in", self.company_id.ids),
                    ("state", "not in", ("resolved", "closed", "cancelled")),
                    ("priority_overridden", "=", False),
                ]
            )
        )
        if incidents:
            self.env.add_to_compute(incidents._fields["priority"], incidents)
