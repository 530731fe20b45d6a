from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    """A new or moved closure replays the open SLA clocks of the calendars it touches."""

    _inherit = "resource.calendar.leaves"

    def _svcms_sla_replay(self):
        closures = self.filtered(lambda leave: not leave.resource_id)
        if not closures:
            return
        if any(not leave.calendar_id for leave in closures):
            self.env["svcms.sla.line"]._sla_replay_calendars()  # a company-wide closure touches every calendar
        else:
            self.env["svcms.sla.line"]._sla_replay_calendars(closures.calendar_id)

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._svcms_sla_replay()
        return leaves

    def write(self, vals):
        result = super().write(vals)
        if {"date_from", "date_to", "calendar_id", "resource_id"} & set(vals):
            self._svcms_sla_replay()
        return result

    def unlink(self):
        closures = self.filtered(lambda leave: not leave.resource_id)
        calendars, everywhere = closures.calendar_id, any(not leave.calendar_id for leave in closures)
        result = super().unlink()
        if closures:
            self.env["svcms.sla.line"]._sla_replay_calendars(None if everywhere else calendars)
        return result
