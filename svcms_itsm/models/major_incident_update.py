from odoo import api, fields, models

UPDATE_ACTIVITY = "svcms_itsm.mail_activity_type_major_incident_update"


class SvcmsMajorIncidentUpdate(models.Model):
    """A status update published during a major incident: what is known, what is done, what comes next."""

    _name = "svcms.major.incident.update"
    _description = "Major Incident Status Update"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    _svcms_parent_field = "major_incident_id"
    _svcms_parent_lines_field = "update_ids"

    major_incident_id = fields.Many2one(
        "svcms.major.incident", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="major_incident_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    body = fields.Text(string="Status", required=True)
    author_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # whoever publishes the update is its author, whatever the client sends (data files, loaded as
            # superuser, name the author of the updates they record)
            if not (self.env.su and vals.get("author_id")):
                vals["author_id"] = self.env.uid
        updates = super().create(vals_list)
        # a published update answers the reminder
        majors = updates.major_incident_id.sudo()
        majors.activity_feedback([UPDATE_ACTIVITY], user_id=self.env.uid)
        return updates

    def write(self, vals):
        vals.pop("author_id", None)
        return super().write(vals)
