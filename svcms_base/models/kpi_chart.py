from collections import defaultdict

from odoo import fields, models

# Periods drawn per KPI: two years of a monthly KPI, six of a quarterly one.
CHART_PERIODS = 24


def period_label(day, frequency):
    """Short label of the period starting on ``day``: 2025-03, 2025 Q1 or 2025."""
    if frequency == "yearly":
        return str(day.year)
    if frequency == "quarterly":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return day.strftime("%Y-%m")


class SvcmsKpi(models.Model):
    """The chart of a KPI: its own measurements over time against its own target and unit.

    Each KPI is drawn alone (a form chart, a sparkline on the kanban card): KPIs of different units
    are never stacked on one axis. The data of every KPI shown comes from one search.
    """

    _inherit = "svcms.kpi"

    chart_data = fields.Json(
        string="Chart",
        compute="_compute_chart_data",
        help="The measurements of the last periods with their targets, for the KPI chart.",
    )

    def _compute_chart_data(self):
        series = self._origin._get_chart_series()
        for kpi in self:
            kpi.chart_data = series.get(kpi._origin.id) or {}

    def _get_chart_series(self, limit=CHART_PERIODS):
        """One series per KPI of ``self``, from a single search of the measurements of all of them.

        :return: {kpi_id: {"kpi_id", "name", "unit", "direction", "direction_label", "frequency",
            "target", "points": [{"period", "label", "value", "target", "on_target"}, ...]}}, the points
            oldest first (at most ``limit`` per KPI); ``value`` is None for a period with nothing to measure.
        """
        kpis = self.filtered("id")
        if not kpis:
            return {}
        measurements = self.env["svcms.kpi.measurement"].search_fetch(
            [("kpi_id", "in", kpis.ids)],
            ["kpi_id", "period_start", "value", "has_value", "target", "on_target"],
            order="kpi_id, period_start desc",
        )
        by_kpi = defaultdict(list)
        for measurement in measurements:
            points = by_kpi[measurement.kpi_id.id]
            if len(points) < limit:
                points.append(measurement)
        directions = dict(self._fields["direction"]._description_selection(self.env))
        return {
            kpi.id: {
                "kpi_id": kpi.id,
                "name": kpi.name,
                "unit": kpi.unit or "",
                "direction": kpi.direction,
                "direction_label": directions.get(kpi.direction, ""),
                "frequency": kpi.frequency,
                "target": kpi.target,
                "points": [
                    {
                        "period": fields.Date.to_string(measurement.period_start),
                        "label": period_label(measurement.period_start, kpi.frequency),
                        "value": measurement.value if measurement.has_value else None,
                        "target": measurement.target,
                        "on_target": measurement.on_target,
                    }
                    for measurement in reversed(by_kpi[kpi.id])
                ],
            }
            for kpi in kpis
        }
