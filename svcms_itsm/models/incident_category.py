from odoo import fields, models


class SvcmsIncidentCategory(models.Model):
    """What an incident is about (hardware, network, application...): routes it and matches known errors."""

    _name = "svcms.incident.category"
    _description = "Incident Category"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
