from dateutil.relativedelta import relativedelta
from markupsafe import Markup

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
    parent_id = fields.Many2one("svcms.clause", index=True, ondelete="restrict")
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
    evidence_date_from = fields.Date(compute="_compute_evidence", string="Evidence From")
    evidence_date_to = fields.Date(compute="_compute_evidence", string="Evidence Until")
    evidence_count = fields.Integer(
        compute="_compute_evidence",
        string="Evidence Records",
        help="Records evidencing this clause in the period (default: the last 12 months).",
    )
    evidence_html = fields.Html(compute="_compute_evidence", string="Evidence", sanitize=False)
    control_process_ids = fields.Many2many(
        "svcms.process",
        compute="_compute_control_documents",
        string="Processes",
        help="Processes mapped to this clause.",
    )
    control_document_ids = fields.Many2many(
        "svcms.document",
        compute="_compute_control_documents",
        string="Controlling Documents",
        help="Effective procedures of the processes mapped to this clause and documents covering it.",
    )

    @api.model
    def _svcms_evidence_period(self):
        """The period shown on clauses: context ``evidence_date_from``/``evidence_date_to``, else the last 12 months."""
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(self.env.context.get("evidence_date_to")) or today
        date_from = fields.Date.to_date(self.env.context.get("evidence_date_from")) or (
            date_to - relativedelta(years=1) + relativedelta(days=1)
        )
        return date_from, date_to

    @api.depends_context("evidence_date_from", "evidence_date_to", "allowed_company_ids")
    def _compute_evidence(self):
        date_from, date_to = self._svcms_evidence_period()
        counts = self._svcms_evidence_counts(date_from, date_to, self.env.companies) if self.ids else {}
        header = (self.env._("Record type"), self.env._("Records"))
        for clause in self:
            rows = counts.get(clause.id, []) if clause.id else []
            clause.evidence_date_from = date_from
            clause.evidence_date_to = date_to
            clause.evidence_count = sum(count for _name, _label, count in rows)
            if not rows:
                clause.evidence_html = Markup('<p class="text-muted">%s</p>') % self.env._(
                    "No record type evidences this clause."
                )
                continue
            body = Markup("").join(
                Markup('<tr><td>%s</td><td class="text-end">%s</td></tr>') % (label, count)
                for _name, label, count in rows
            )
            clause.evidence_html = Markup(
                '<table class="table table-sm o_svcms_evidence"><thead><tr><th>%s</th>'
                '<th class="text-end">%s</th></tr></thead><tbody>%s</tbody></table>'
            ) % (header[0], header[1], body)

    def _compute_control_documents(self):
        processes_by_clause, documents_by_clause = self._svcms_control_documents()
        for clause in self:
            clause.control_process_ids = processes_by_clause.get(clause.id, self.env["svcms.process"])
            clause.control_document_ids = documents_by_clause.get(clause.id, self.env["svcms.document"])

    def _svcms_control_documents(self):
        """``({clause_id: processes}, {clause_id: effective documents})``: the procedures of the processes mapped
        to each clause plus the documents covering it. Two searches for all of ``self``."""
        Process = self.env["svcms.process"]
        Document = self.env["svcms.document"]
        processes_by_clause, documents_by_clause = {}, {}
        ids = [cid for cid in self.ids if cid]
        if not ids:
            return processes_by_clause, documents_by_clause
        for process in Process.search([("clause_ids", "in", ids)]):
            for clause_id in set(process.clause_ids.ids) & set(ids):
                processes_by_clause[clause_id] = processes_by_clause.get(clause_id, Process) | process
                documents = process.document_ids.filtered(lambda d: d.state == "effective")
                documents_by_clause[clause_id] = documents_by_clause.get(clause_id, Document) | documents
        for document in Document.search([("clause_ids", "in", ids), ("state", "=", "effective")]):
            for clause_id in set(document.clause_ids.ids) & set(ids):
                documents_by_clause[clause_id] = documents_by_clause.get(clause_id, Document) | document
        return processes_by_clause, documents_by_clause

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

        :return: ``{clause_id: [(model_name, label, count), ...]}`` for every clause of ``self`` (an empty list
            for a clause nothing evidences); ``label`` is the record type's name in the user's language, with the
            values counted for a split record type (e.g. "Service Request (Installation)"). One aggregate query
            per record type declaring a clause of ``self``, whatever the number of records or clauses. The counts
            ignore the user's access rights to the record types (they are numbers, not records) but stay within
            ``companies`` (default: the user's allowed companies).
        """
        if companies is None:
            companies = self.env.companies
        by_key = {(clause.standard, clause.code): clause.id for clause in self}
        standards = {clause.standard for clause in self}
        result = {clause.id: [] for clause in self}
        declared = {}
        for name in self._svcms_evidence_models():
            Model = self.env[name]
            codes = [
                (standard, code)
                for standard in standards
                for code in Model._svcms_evidence_clause_codes(standard)
                if (standard, code) in by_key
            ]
            if codes:
                declared[name] = codes
        if not declared:
            return result
        IrModel = self.env["ir.model"]
        labels = {
            model.model: model.name for model in IrModel.sudo().browse([IrModel._get_id(name) for name in declared])
        }
        for name, codes in declared.items():
            # Numbers only, whoever looks (an auditor, a reader of the clause catalogue): counted as superuser
            # within ``companies``; the records themselves stay behind their access rules (samples, links).
            Model = self.env[name].sudo()
            total, by_value = Model._svcms_evidence_split_counts(date_from, date_to, companies, system)
            for standard, code in codes:
                values = Model._svcms_evidence_clause_values(standard, code)
                label = labels.get(name) or Model._description
                count = total
                if values is not None:
                    field = Model._fields[Model._svcms_evidence_split_field]
                    names = dict(field._description_selection(self.env))
                    label = f"{label} ({', '.join(str(names.get(value, value)) for value in values)})"
                    count = sum(by_value.get(value, 0) for value in values)
                result[by_key[standard, code]].append((name, label, count))
        return result
