from datetime import timedelta

from odoo import api, models


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
