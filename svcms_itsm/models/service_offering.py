from odoo import fields, models


class SvcmsServiceOffering(models.Model):
    """What a customer may request of a service (a catalogue item), published on the portal to the
    service's customers (ISO/IEC 20000-1 8.2.4, 8.6.2). Skeleton: the fulfilment area owns this file."""

    _name = "svcms.service.offering"
    _description = "Request Offering"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    service_id = fields.Many2one("svcms.service", required=True, ondelete="cascade", index=True, check_company=True)
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
