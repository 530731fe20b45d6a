from odoo import api, fields, models

from .sla_line import ENGINE_PARAMETER


class SvcmsSlaSegment(models.Model):
    """One stretch of an SLA clock: running, paused or stopped, from when to when and why.

    Segments are the clock's history and are never rewritten: a replay (new priority, policy or
    calendar) recomputes the working time of each running segment on the new calendar and keeps
    the pauses as they were. The engine writes them in bulk (see svcms.sla.line).
    """

    _name = "svcms.sla.segment"
    _description = "SLA Clock Segment"
    _order = "line_id, date_start, id"

    line_id = fields.Many2one("svcms.sla.line", required=True, ondelete="cascade", index=True, sla_engine="insert")
    company_id = fields.Many2one("res.company", index=True, sla_engine="insert")
    kind = fields.Selection(
        [
            ("running", "Running"),
            ("paused", "Paused"),
            ("stopped", "Stopped"),
        ],
        required=True,
        sla_engine="insert",
    )
    date_start = fields.Datetime(string="From", required=True, sla_engine="insert")
    date_end = fields.Datetime(string="Until", sla_engine="derived")
    reason = fields.Char(sla_engine="insert")
    work_seconds = fields.Integer(
        help="Working time counted in this segment (running segments, once closed).", sla_engine="derived"
    )
    work_hours = fields.Float(string="Working Time", compute="_compute_hours")
    elapsed_hours = fields.Float(string="Elapsed Time", compute="_compute_hours")

    @api.model
    def _valid_field_parameter(self, field, name):
        return name == ENGINE_PARAMETER or super()._valid_field_parameter(field, name)

    @api.depends("work_seconds", "date_start", "date_end")
    def _compute_hours(self):
        now = fields.Datetime.now()
        for segment in self:
            segment.work_hours = segment.work_seconds / 3600.0
            segment.elapsed_hours = ((segment.date_end or now) - segment.date_start).total_seconds() / 3600.0
