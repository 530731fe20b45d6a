from odoo import fields, models


class SvcmsKnowledgeTag(models.Model):
    _name = "svcms.knowledge.tag"
    _description = "Knowledge Tag"
    _order = "name"

    name = fields.Char(required=True)
    color = fields.Integer(string="Color Index")

    _name_uniq = models.Constraint("UNIQUE(name)", "A knowledge tag with this name already exists.")
