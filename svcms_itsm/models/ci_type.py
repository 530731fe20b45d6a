from odoo import api, fields, models


class SvcmsCiType(models.Model):
    """A type of configuration item (server, application, network device ...) with its own attributes."""

    _name = "svcms.ci.type"
    _description = "Configuration Item Type"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    attribute_definition = fields.PropertiesDefinition(string="Attributes")
    ci_count = fields.Integer(string="Configuration Items", compute="_compute_ci_count")

    _code_uniq = models.Constraint("UNIQUE(code)", "The code of a configuration item type must be unique.")

    @api.depends()
    def _compute_ci_count(self):
        counts = dict(self.env["svcms.ci"]._read_group([("type_id", "in", self.ids)], ["type_id"], ["__count"]))
        for ci_type in self:
            ci_type.ci_count = counts.get(ci_type, 0)
