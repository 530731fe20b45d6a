from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round

GBT27922 = "gbt27922"


class SvcmsEvaluationLine(models.Model):
    """One indicator of a GB/T 27922 evaluation: points available, result, deductions.

    Qualitative indicators score all or nothing (conform: every point, nonconform: none); sampled
    indicators score in proportion to the conforming samples (``available × conforming / total``).
    A removed indicator (删减, not applicable) scores nothing and leaves the base of the score.
    Lines change only while their evaluation is draft (``svcms.workflow.line.mixin``).
    """

    _name = "svcms.evaluation.line"
    _description = "GB/T 27922 Evaluation Indicator"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "evaluation_id, sequence, id"
    _check_company_auto = True

    _svcms_parent_field = "evaluation_id"
    _svcms_parent_lines_field = "line_ids"

    evaluation_id = fields.Many2one(
        "svcms.evaluation", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="evaluation_id.company_id", store=True, index=True)
    state = fields.Selection(related="evaluation_id.state", string="Evaluation Status")
    sequence = fields.Integer(default=10)
    clause_id = fields.Many2one(
        "svcms.clause",
        string="Indicator",
        required=True,
        index=True,
        domain=[("standard", "=", GBT27922), ("child_ids", "=", False)],
    )
    clause_code = fields.Char(related="clause_id.code", string="Code")
    parent_clause_id = fields.Many2one(related="clause_id.parent_id", string="Indicator Group")
    applicable = fields.Boolean(
        default=True,
        help="Untick to remove the indicator (删减, not applicable): it then leaves the base of the score.",
    )
    removal_reason = fields.Char(help="Why the indicator does not apply to the organisation.")
    assessment_type = fields.Selection(
        [("qualitative", "Qualitative (all or nothing)"), ("sampled", "Sampled (proportional)")],
        string="Assessment",
        required=True,
        default="qualitative",
    )
    result = fields.Selection(
        [("conform", "Conform"), ("nonconform", "Nonconform")],
        help="Qualitative indicators: conform earns every point, nonconform none.",
    )
    samples_total = fields.Integer(string="Samples", help="Sampled indicators: records examined.")
    samples_conforming = fields.Integer(string="Conforming Samples", help="Sampled indicators: records that conform.")
    deduction_note = fields.Text(string="Deduction Notes", help="What was found and why points were deducted.")
    points_available = fields.Float(digits=(5, 1))
    points_actual = fields.Float(digits=(5, 1), compute="_compute_points_actual", store=True, string="Points Achieved")
    assessed = fields.Boolean(compute="_compute_points_actual", store=True)
    below_full = fields.Boolean(compute="_compute_points_actual", store=True, string="Below Full Points")
    evidence = fields.Char(
        compute="_compute_evidence", help="Records evidencing the indicator in the evaluation period."
    )
    improvement_id = fields.Many2one("svcms.improvement", compute="_compute_improvement_id")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._svcms_refuse_computed(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._svcms_refuse_computed(vals)
        return super().write(vals)

    @api.model
    def _svcms_refuse_computed(self, vals):
        """The points achieved follow from the result and the samples: no client writes them."""
        written = {"points_actual", "assessed", "below_full"} & set(vals)
        if written and not self.env.su:
            raise UserError(
                self.env._(
                    "%(fields)s are computed from the result and the samples and cannot be written.",
                    fields=", ".join(sorted(self._fields[name]._description_string(self.env) for name in written)),
                )
            )

    @api.depends("applicable", "assessment_type", "result", "samples_total", "samples_conforming", "points_available")
    def _compute_points_actual(self):
        for line in self:
            available = line.points_available
            if not line.applicable:
                actual, assessed = 0.0, True
            elif line.assessment_type == "sampled":
                assessed = line.samples_total > 0
                actual = available * line.samples_conforming / line.samples_total if assessed else 0.0
            else:
                assessed = bool(line.result)
                actual = available if line.result == "conform" else 0.0
            line.points_actual = float_round(actual, precision_digits=2)
            line.assessed = assessed
            line.below_full = (
                line.applicable and assessed and float_compare(line.points_actual, available, precision_digits=2) < 0
            )

    def _svcms_evidence_texts(self):
        """``{line id: "3 Service Outlets, 12 Return Visits"}``: one evidence count per record type and evaluation."""
        texts = {}
        # the record types by their name in the reader's language (one query)
        model_names = {
            model.model: model.name
            for model in self.env["ir.model"]
            .sudo()
            .search_fetch([("model", "in", self.env["svcms.clause"]._svcms_evidence_models())], ["model", "name"])
        }
        for evaluation in self.evaluation_id:
            lines = self.filtered(lambda line, evaluation=evaluation: line.evaluation_id == evaluation)
            # numbers only, of the evaluation's company: an evaluator counts the evidence of every process,
            # including record types (after-sales requests, outlets ...) their groups do not open
            counts = lines.clause_id.sudo()._svcms_evidence_counts(
                evaluation.date_from,
                evaluation.date_to,
                companies=evaluation.company_id,
                system=evaluation.management_system_id,
            )
            for line in lines:
                texts[line.id] = ", ".join(
                    f"{model_names.get(name, description)}: {count}"
                    for name, description, count in counts.get(line.clause_id.id, [])
                )
        return texts

    @api.depends("clause_id", "evaluation_id.date_from", "evaluation_id.date_to")
    def _compute_evidence(self):
        texts = self.filtered(lambda line: line.clause_id and line.evaluation_id.date_from)._svcms_evidence_texts()
        for line in self:
            line.evidence = texts.get(line.id, "")

    def _compute_improvement_id(self):
        refs = {f"{self._name},{line_id}": line_id for line_id in self.ids}
        found = {}
        Improvement = self.env["svcms.improvement"]
        if refs and Improvement.has_access("read"):
            for improvement in Improvement.search([("source_ref", "in", list(refs))]):
                found[improvement.source_ref.id] = improvement
        for line in self:
            line.improvement_id = found.get(line.id, Improvement)

    def _svcms_points_text(self, points):
        return f"{points:g}"

    # ------------------------------------------------------------------ bad input
    @api.constrains("clause_id", "evaluation_id")
    def _check_indicator(self):
        for line in self:
            clause = line.clause_id
            if clause.standard != GBT27922 or clause.child_ids:
                raise ValidationError(
                    self.env._(
                        "%(clause)s is not a GB/T 27922 indicator: an evaluation scores the indicators of the "
                        "GB/T 27922 tree (the items that carry points) only.",
                        clause=clause.display_name,
                    )
                )
        # an indicator appears once per evaluation: one query for every evaluation concerned
        groups = self._read_group(
            [("evaluation_id", "in", self.evaluation_id.ids), ("clause_id", "in", self.clause_id.ids)],
            ["evaluation_id", "clause_id"],
            ["__count"],
        )
        for evaluation, clause, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(evaluation)s already scores the indicator %(clause)s: each indicator appears once.",
                        evaluation=evaluation.display_name,
                        clause=clause.display_name,
                    )
                )

    @api.constrains("points_available", "samples_total", "samples_conforming")
    def _check_points(self):
        for line in self:
            if line.points_available < 0:
                raise ValidationError(
                    self.env._(
                        "%(clause)s: the points available cannot be below zero (%(points)s).",
                        clause=line.clause_id.display_name,
                        points=line.points_available,
                    )
                )
            if line.samples_total < 0 or line.samples_conforming < 0:
                raise ValidationError(
                    self.env._("%(clause)s: sample counts cannot be negative.", clause=line.clause_id.display_name)
                )
            if line.samples_conforming > line.samples_total:
                raise ValidationError(
                    self.env._(
                        "%(clause)s: %(conforming)s conforming samples out of %(total)s examined is impossible: "
                        "the conforming samples cannot exceed the samples examined.",
                        clause=line.clause_id.display_name,
                        conforming=line.samples_conforming,
                        total=line.samples_total,
                    )
                )
