from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsChangeBlackout(models.Model):
    """A period in which no change is scheduled on the services or CI types it covers (or on anything)."""

    _name = "svcms.change.blackout"
    _description = "Change Blackout Period"
    _order = "date_start desc, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date_start = fields.Datetime(string="Start", required=True, index=True)
    date_end = fields.Datetime(string="End", required=True, index=True)
    applies_to_all = fields.Boolean(string="All Services", default=True)
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    ci_type_ids = fields.Many2many("svcms.ci.type", string="CI Types")
    reason = fields.Text()

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for blackout in self:
            if blackout.date_end <= blackout.date_start:
                raise ValidationError(
                    self.env._("The blackout period %(name)s must end after it starts.", name=blackout.name)
                )

    def _svcms_applies_to(self, change):
        self.ensure_one()
        return bool(
            self.applies_to_all or (self.service_ids & change.service_ids) or (self.ci_type_ids & change.ci_ids.type_id)
        )
