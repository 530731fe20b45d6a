from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class ItsmDemoStory(models.AbstractModel):
    """Helpers that play the IT service story for the demo data (XML ``<function>``). Not used by the
    production code paths; no user-facing menu."""

    _name = "svcms.itsm.demo.story"
    _description = "IT Service Management Demo Story"

    @api.model
    def _svcms_demo_incident_sla_history(self):
        """The demo enters last months' incidents already resolved or closed: give them the clocks they ran
        at the time (the service desk answered within minutes, resolved when the incident says), so that
        the service reports and the SLA figures of those months are not empty."""
        incidents = self.env["svcms.incident"].search(
            [("state", "in", ("resolved", "closed")), ("resolved_date", "!=", False)]
        )
        reached = {}
        for incident in incidents:
            # a few minutes more or less per incident, so that the demo does not look machine-made
            answered = incident.date_reported + timedelta(minutes=5 + (incident.id * 7) % 20)
            reached[incident.id] = {
                "first_response": min(answered, incident.resolved_date),
                "resolution": incident.resolved_date,
            }
        incidents._svcms_sla_record_history(reached)
        return True

    @api.model
    def _svcms_demo_dealer_report(self):
        """Last month's service report of the dealer: generated, approved and e-mailed to 何伟 by the IT service
        manager 孙浩, through the report's own workflow and his access rights."""
        manager = self.env.ref("svcms_base.user_sun_hao")
        relationship = self.env.ref("svcms_itsm.relationship_dealer_chancheng")
        last_month = fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        self.env["svcms.service.report"].with_user(manager)._svcms_generate(relationship, last_month, send=True)
        return True
