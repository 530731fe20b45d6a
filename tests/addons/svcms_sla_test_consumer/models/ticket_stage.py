from odoo import fields, models


class SvcmsSlaTestStage(models.Model):
    """Stages of ``svcms.sla.test.job``: targets name them by code, never by database id."""

    _name = "svcms.sla.test.stage"
    _description = "SLA Test Stage"
    _order = "sequence, id"

    name = fields.Char(required=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
