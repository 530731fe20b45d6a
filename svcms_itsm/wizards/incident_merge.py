from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

CLOSED_STATES = ("closed", "cancelled")


class SvcmsIncidentMerge(models.TransientModel):
    """Merge duplicate incidents into one master: their messages, attachments and followers move to the
    master; each duplicate is cancelled as a duplicate of it, with a note linking both."""

    _name = "svcms.incident.merge"
    _description = "Merge Duplicate Incidents"

    incident_ids = fields.Many2many("svcms.incident", string="Incidents", required=True)
    master_id = fields.Many2one(
        "svcms.incident",
        string="Master Incident",
        required=True,
        domain="[('id', 'in', incident_ids)]",
        help="The incident that stays open; the others are its duplicates.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "svcms.incident" and self.env.context.get("active_ids"):
            incidents = self.env["svcms.incident"].browse(self.env.context["active_ids"]).exists()
            values.setdefault("incident_ids", [fields.Command.set(incidents.ids)])
            # the oldest report stays: the others came after it
            values.setdefault("master_id", incidents.sorted(lambda i: (i.date_reported, i.id))[:1].id)
        return values

    def _check_mergeable(self):
        self.ensure_one()
        incidents = self.incident_ids | self.master_id
        if len(incidents) < 2:
            raise UserError(self.env._("Select at least two incidents to merge."))
        if self.master_id not in self.incident_ids:
            raise UserError(self.env._("The master incident must be one of the incidents merged."))
        if len(incidents.company_id) > 1:
            raise UserError(self.env._("Incidents of different companies cannot be merged."))
        closed = incidents.filtered(lambda incident: incident.state in CLOSED_STATES)
        if closed:
            raise UserError(
                self.env._(
                    "%(incidents)s are closed or cancelled and cannot be merged.",
                    incidents=", ".join(closed.mapped("display_name")),
                )
            )
        majors = (incidents - self.master_id).filtered("major_incident_id")
        if majors:
            raise UserError(
                self.env._(
                    "%(incidents)s are major incidents: choose one of them as the master.",
                    incidents=", ".join(majors.mapped("display_name")),
                )
            )
        # the user must be allowed to change every incident (record rules included)
        incidents.check_access("write")

    def action_merge(self):
        self.ensure_one()
        self._check_mergeable()
        master = self.master_id
        duplicates = self.incident_ids - master
        self._svcms_move_chatter(duplicates, master)
        master.message_subscribe(partner_ids=duplicates.sudo().message_partner_ids.ids)
        self.env["svcms.major.incident"]._svcms_write_incident(
            duplicates, {"duplicate_of_id": master.id, "state": "cancelled"}
        )
        for duplicate in duplicates:
            duplicate.message_post(
                body=Markup(self.env._("Closed as a duplicate of %(master)s.")) % {"master": master._get_html_link()},
                subtype_xmlid="mail.mt_note",
            )
        master.message_post(
            body=Markup(self.env._("Merged duplicates: %(duplicates)s."))
            % {"duplicates": Markup(", ").join(duplicate._get_html_link() for duplicate in duplicates)},
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.incident",
            "res_id": master.id,
            "view_mode": "form",
        }

    @api.model
    def _svcms_move_chatter(self, duplicates, master):
        """Move the messages and attachments of ``duplicates`` to ``master`` (set-based)."""
        messages = (
            self.env["mail.message"].sudo().search([("model", "=", duplicates._name), ("res_id", "in", duplicates.ids)])
        )
        messages.write({"res_id": master.id})
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", duplicates._name), ("res_id", "in", duplicates.ids)])
        )
        attachments.write({"res_id": master.id})
