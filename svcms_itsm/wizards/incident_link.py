from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class SvcmsIncidentLink(models.TransientModel):
    """Link many incidents to one problem or one change in one action."""

    _name = "svcms.incident.link"
    _description = "Link Incidents"

    incident_ids = fields.Many2many("svcms.incident", string="Incidents", required=True)
    link_type = fields.Selection(
        [("problem", "Problem"), ("change", "Change")], string="Link To", required=True, default="problem"
    )
    problem_id = fields.Many2one("svcms.problem")
    change_id = fields.Many2one("svcms.change")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "svcms.incident" and self.env.context.get("active_ids"):
            values.setdefault("incident_ids", [fields.Command.set(self.env.context["active_ids"])])
        return values

    def action_link(self):
        self.ensure_one()
        target = self.problem_id if self.link_type == "problem" else self.change_id
        if not target:
            raise UserError(self.env._("Choose the problem or the change to link the incidents to."))
        incidents = self.incident_ids
        if not incidents:
            raise UserError(self.env._("Select at least one incident."))
        if "company_id" in target._fields and incidents.filtered(lambda i: i.company_id != target.company_id):
            raise UserError(
                self.env._(
                    "%(target)s belongs to another company than some of the incidents.", target=target.display_name
                )
            )
        incidents.check_access("write")
        target.check_access("read")
        if self.link_type == "problem":
            incidents.write({"problem_id": target.id})
        else:
            incidents.write({"change_ids": [fields.Command.link(target.id)]})
        target_link = target._get_html_link()
        for incident in incidents:
            incident.message_post(
                body=Markup(self.env._("Linked to %(target)s.")) % {"target": target_link},
                subtype_xmlid="mail.mt_note",
            )
        return True
