from odoo import fields, models


class SvcmsCiType(models.Model):
    """A type of configuration item (server, application, network device ...) with its own attributes."""

    _name = "svcms.ci.type"
    _description = "Configuration Item Type"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
