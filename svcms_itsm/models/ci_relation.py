from odoo import fields, models

RELATION_TYPES = [
    ("depends_on", "Depends On"),
    ("runs_on", "Runs On"),
    ("connected_to", "Connected To"),
    ("part_of", "Part Of"),
    ("backed_up_by", "Backed Up By"),
]


class SvcmsCiRelation(models.Model):
    """A typed relation from one configuration item to another."""

    _name = "svcms.ci.relation"
    _description = "Configuration Item Relation"
    _order = "source_id, relation_type, id"
    _check_company_auto = True

    source_id = fields.Many2one("svcms.ci", string="From", required=True, index=True, ondelete="cascade")
    target_id = fields.Many2one("svcms.ci", string="To", required=True, index=True, ondelete="cascade")
    relation_type = fields.Selection(RELATION_TYPES, string="Relation", required=True, index=True)
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True)
