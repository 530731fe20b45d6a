from odoo import api, fields, models
from odoo.exceptions import UserError


class SvcmsNonconformityWhy(models.Model):
    """One step of the 5-why analysis of a nonconformity's root cause (frozen with its nonconformity)."""

    _name = "svcms.nonconformity.why"
    _description = "Nonconformity Why"
    _order = "nonconformity_id, sequence, id"

    nonconformity_id = fields.Many2one("svcms.nonconformity", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="nonconformity_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    question = fields.Char(string="Why?", required=True)
    answer = fields.Char(string="Because")

    def _check_nonconformity_editable(self, nonconformities):
        locked = nonconformities.filtered(lambda nc: nc.state not in nc._svcms_editable_states)
        if locked and not self.env.su:
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s: its root cause analysis can no longer change.",
                    record=locked[0].display_name,
                    state=locked._svcms_state_label(locked[0].state),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        ids = [vals.get("nonconformity_id") for vals in vals_list if vals.get("nonconformity_id")]
        self._check_nonconformity_editable(self.env["svcms.nonconformity"].browse(ids))
        return super().create(vals_list)

    def write(self, vals):
        self._check_nonconformity_editable(self.nonconformity_id)
        return super().write(vals)

    def unlink(self):
        self._check_nonconformity_editable(self.nonconformity_id)
        return super().unlink()
