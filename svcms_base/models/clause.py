from odoo import api, fields, models

STANDARDS = [
    ("iso20000", "ISO/IEC 20000-1:2018"),
    ("gbt27922", "GB/T 27922-2011"),
    ("other", "Other"),
]


class SvcmsClause(models.Model):
    """One clause of a standard, or one indicator of the GB/T 27922 evaluation tree."""

    _name = "svcms.clause"
    _description = "Standard Clause / Indicator"
    _parent_store = True
    _order = "standard, sequence, code, id"
    _rec_names_search = ["code", "name"]

    standard = fields.Selection(STANDARDS, required=True, index=True)
    code = fields.Char(required=True, index=True, help="Clause number (8.3.3) or indicator code (2.4).")
    name = fields.Char(string="Title", required=True, translate=True)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("svcms.clause", index=True, ondelete="restrict", string="Parent")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("svcms.clause", "parent_id", string="Sub-clauses")
    level = fields.Integer(compute="_compute_level", store=True, recursive=True)
    default_points = fields.Float(
        help="GB/T 27922 indicators: points the indicator is worth by default. The standard's own point "
        "tables are not public: adjust them to the edition your certification body uses."
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _standard_code_uniq = models.Constraint(
        "UNIQUE(standard, code)",
        "A clause code must be unique within its standard.",
    )

    @api.depends("parent_id.level")
    def _compute_level(self):
        for clause in self:
            clause.level = clause.parent_id.level + 1 if clause.parent_id else 1

    @api.depends("code", "name")
    def _compute_display_name(self):
        for clause in self:
            clause.display_name = f"{clause.code} {clause.name}"

    # ------------------------------------------------------------------ clause-to-evidence
    @api.model
    def _svcms_evidence_models(self):
        """Names of the record types that declare evidence (inherit ``svcms.evidence.mixin``)."""
        names = self.env.registry.descendants(["svcms.evidence.mixin"], "_inherit")
        return sorted(
            name
            for name in names
            if name != "svcms.evidence.mixin" and not self.env[name]._abstract and self.env[name]._auto
        )

    def _svcms_evidence_counts(self, date_from, date_to, companies=None, system=None):
        """Per clause of ``self``: the record types that evidence it and their count in the period.

        :return: ``{clause_id: [(model_name, model_description, count), ...]}`` for every clause of ``self``
            (an empty list for a clause nothing evidences). One aggregate query per record type declaring a
            clause of ``self``, whatever the number of records or clauses.
        """
        by_key = {(clause.standard, clause.code): clause.id for clause in self}
        result = {clause.id: [] for clause in self}
        for name in self._svcms_evidence_models():
            Model = self.env[name]
            clause_ids = [
                by_key[standard, code]
                for standard in {clause.standard for clause in self}
                for code in Model._svcms_evidence_clause_codes(standard)
                if (standard, code) in by_key
            ]
            if not clause_ids:
                continue
            count = Model._svcms_evidence_count(date_from, date_to, companies, system)
            for clause_id in clause_ids:
                result[clause_id].append((name, Model._description, count))
        return result
