from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .ci_relation import RELATION_TYPES


class SvcmsChangeCmdbUpdate(models.Model):
    """A CMDB update a change makes once it succeeds: a new status for a CI, or a new relation."""

    _name = "svcms.change.cmdb.update"
    _description = "Change CMDB Update"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "change_id, id"

    _svcms_parent_field = "change_id"
    _svcms_parent_lines_field = "cmdb_update_ids"

    change_id = fields.Many2one("svcms.change", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="change_id.company_id", store=True)
    ci_id = fields.Many2one("svcms.ci", string="CI", required=True, check_company=True)
    update_type = fields.Selection(
        [("status", "New Status"), ("relation", "New Relation")], string="Update", required=True, default="status"
    )
    new_status = fields.Selection(
        [("planned", "Planned"), ("active", "Active"), ("maintenance", "In Maintenance"), ("retired", "Retired")]
    )
    relation_type = fields.Selection(RELATION_TYPES, string="Relation")
    target_ci_id = fields.Many2one("svcms.ci", string="Related CI", check_company=True)
    applied = fields.Boolean(readonly=True, copy=False)

    @api.constrains("update_type", "new_status", "relation_type", "target_ci_id")
    def _check_complete(self):
        for update in self:
            if update.update_type == "status" and not update.new_status:
                raise ValidationError(
                    self.env._("The CMDB update of %(ci)s needs its new status.", ci=update.ci_id.display_name)
                )
            if update.update_type == "relation" and not (update.relation_type and update.target_ci_id):
                raise ValidationError(
                    self.env._(
                        "The CMDB update of %(ci)s needs the relation and the related CI.", ci=update.ci_id.display_name
                    )
                )

    def _svcms_apply(self):
        """Apply the updates (the change authorises them) and note each on its CI."""
        Relation = self.env["svcms.ci.relation"].sudo()
        for update in self.sudo():
            ci = update.ci_id
            change = update.change_id
            if update.update_type == "status":
                ci.status = update.new_status
                label = dict(update._fields["new_status"]._description_selection(self.env))[update.new_status]
                body = self.env._("Status set to %(status)s by change %(change)s.", status=label, change=change.name)
            else:
                relation = Relation.create(
                    {"source_id": ci.id, "target_id": update.target_ci_id.id, "relation_type": update.relation_type}
                )
                body = self.env._(
                    "Relation %(relation)s added by change %(change)s.",
                    relation=relation.display_name,
                    change=change.name,
                )
            ci.message_post(body=Markup("%s") % body)
            update.applied = True
