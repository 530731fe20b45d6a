from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

RELATION_TYPES = [
    ("depends_on", "Depends On"),
    ("runs_on", "Runs On"),
    ("connected_to", "Connected To"),
    ("part_of", "Part Of"),
    ("backed_up_by", "Backed Up By"),
]

# fields whose change is kept in the history of the source CI
HISTORY_FIELDS = ("source_id", "target_id", "relation_type")


class SvcmsCiRelation(models.Model):
    """A typed relation from one configuration item to another."""

    _name = "svcms.ci.relation"
    _description = "Configuration Item Relation"
    _order = "source_id, relation_type, id"
    _check_company_auto = True

    source_id = fields.Many2one(
        "svcms.ci", string="From", required=True, index=True, ondelete="cascade", check_company=True
    )
    target_id = fields.Many2one(
        "svcms.ci", string="To", required=True, index=True, ondelete="cascade", check_company=True
    )
    relation_type = fields.Selection(RELATION_TYPES, string="Relation", required=True, index=True)
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True)
    note = fields.Char()

    @api.depends("source_id", "target_id", "relation_type")
    def _compute_display_name(self):
        for relation in self:
            relation.display_name = relation._svcms_describe()

    def _svcms_describe(self):
        self.ensure_one()
        relation_label = dict(self._fields["relation_type"]._description_selection(self.env)).get(
            self.relation_type, ""
        )
        return f"{self.source_id.display_name or ''} {relation_label} {self.target_id.display_name or ''}".strip()

    # ------------------------------------------------------------------
    # constraints
    # ------------------------------------------------------------------

    @api.constrains("source_id", "target_id")
    def _check_not_itself(self):
        for relation in self:
            if relation.source_id == relation.target_id:
                raise ValidationError(
                    self.env._(
                        "A configuration item cannot be related to itself (%(ci)s).",
                        ci=relation.source_id.display_name,
                    )
                )

    @api.constrains("source_id", "target_id", "relation_type")
    def _check_duplicate(self):
        counts = self._read_group(
            [("source_id", "in", self.source_id.ids), ("target_id", "in", self.target_id.ids)],
            ["source_id", "target_id", "relation_type"],
            ["__count"],
        )
        for source, target, relation_type, count in counts:
            if count > 1 and any(
                rel.source_id == source and rel.target_id == target and rel.relation_type == relation_type
                for rel in self
            ):
                raise ValidationError(
                    self.env._(
                        "The relation %(relation)s already exists.",
                        relation=self.filtered(
                            lambda rel, s=source, t=target, r=relation_type: (
                                rel.source_id == s and rel.target_id == t and rel.relation_type == r
                            )
                        )[:1]._svcms_describe(),
                    )
                )

    @api.constrains("source_id", "target_id", "relation_type")
    def _check_part_of_cycle(self):
        """No cycle of "part of": the target must not already be (transitively) part of the source."""
        part_of = self.filtered(lambda rel: rel.relation_type == "part_of")
        if not part_of:
            return
        self.flush_model(["source_id", "target_id", "relation_type"])
        for relation in part_of:
            # walk "part of" upwards from the target: reaching the source closes a cycle
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH RECURSIVE up(ci_id, path) AS (
                        SELECT %(target)s, ARRAY[%(target)s]
                        UNION ALL
                        SELECT rel.target_id, up.path || rel.target_id
                          FROM up JOIN svcms_ci_relation rel
                            ON rel.source_id = up.ci_id AND rel.relation_type = 'part_of'
                         WHERE rel.target_id != ALL(up.path)
                    )
                    SELECT path FROM up WHERE ci_id = %(source)s LIMIT 1
                    """,
                    target=relation.target_id.id,
                    source=relation.source_id.id,
                )
            )
            if rows:
                cycle = self.env["svcms.ci"].browse([relation.source_id.id, *rows[0][0]])
                raise ValidationError(
                    self.env._(
                        "These relations would make a cycle of “part of”: %(cycle)s.",
                        cycle=" → ".join(cycle.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------------
    # history on both CIs of the relation
    # ------------------------------------------------------------------

    def _svcms_post_history(self, ci, body):
        ci.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )

    def _svcms_history_body(self, text):
        return Markup("%s<br/>%s") % (
            text,
            self.env._(
                "By %(user)s on %(date)s",
                user=self.env.user.name,
                date=fields.Datetime.to_string(fields.Datetime.now()),
            ),
        )

    @api.model_create_multi
    def create(self, vals_list):
        ends = {vals[name] for vals in vals_list for name in ("source_id", "target_id") if vals.get(name)}
        self.env["svcms.ci"].browse(ends)._svcms_check_change_control()
        relations = super().create(vals_list)
        for relation in relations:
            body = relation._svcms_history_body(
                self.env._("Relation added: %(relation)s", relation=relation._svcms_describe())
            )
            for ci in relation.source_id | relation.target_id:
                relation._svcms_post_history(ci, body)
        return relations

    def write(self, vals):
        if not any(name in vals for name in HISTORY_FIELDS):
            return super().write(vals)
        ends = self.env["svcms.ci"].browse([vals[name] for name in ("source_id", "target_id") if vals.get(name)])
        (self.source_id | self.target_id | ends)._svcms_check_change_control()
        before = {
            relation.id: (relation.source_id | relation.target_id, relation._svcms_describe()) for relation in self
        }
        result = super().write(vals)
        for relation in self:
            old_cis, old_text = before[relation.id]
            new_text = relation._svcms_describe()
            if old_text == new_text:
                continue
            body = relation._svcms_history_body(
                self.env._("Relation changed: %(old)s → %(new)s", old=old_text, new=new_text)
            )
            for ci in old_cis | relation.source_id | relation.target_id:
                relation._svcms_post_history(ci, body)
        return result

    def unlink(self):
        (self.source_id | self.target_id)._svcms_check_change_control()
        for relation in self:
            body = relation._svcms_history_body(
                self.env._("Relation removed: %(relation)s", relation=relation._svcms_describe())
            )
            for ci in relation.source_id | relation.target_id:
                relation._svcms_post_history(ci, body)
        return super().unlink()
