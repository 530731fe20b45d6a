import io

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import float_round

EVALUATION_TYPES = [
    ("self", "Self-evaluation"),
    ("supervisory", "Supervisory Evaluation"),
    ("re_evaluation", "Re-evaluation"),
]
LEVELS = [
    ("none", "Below Standard"),
    ("compliant", "Compliant (达标)"),
    ("three_star", "Three Stars"),
    ("four_star", "Four Stars"),
    ("five_star", "Five Stars"),
]
# lowest score (rounded to one decimal) of each level, highest first
LEVEL_THRESHOLDS = [(95.0, "five_star"), (90.0, "four_star"), (80.0, "three_star"), (70.0, "compliant")]
AUDITOR_GROUP = "svcms_audit.group_audit_auditor"
LEAD_GROUP = "svcms_audit.group_audit_lead_auditor"
MANAGER_GROUP = "svcms_audit.group_audit_manager"
GBT27922 = "gbt27922"


def level_of(score):
    """The GB/T 27922 level a score (0-100) reaches: 达标 ≥ 70, 三星 ≥ 80, 四星 ≥ 90, 五星 ≥ 95."""
    for threshold, level in LEVEL_THRESHOLDS:
        if score >= threshold:
            return level
    return "none"


class SvcmsEvaluation(models.Model):
    """A GB/T 27922 evaluation over the indicator tree (自我评价, 监督评价, 重新评价).

    Every applicable leaf indicator of the tree is a line with the points it is worth (from the
    indicator's ``default_points``, editable while draft). Removed indicators (删减, not applicable)
    leave the base. The score is::

        score = (sum of actual points / sum of available points of the applicable lines) × 100
                − special deductions (1 each) + special bonus (1, counted at most once)

    rounded to one decimal and capped to [0, 100]. The level follows the rounded score: 达标 ≥ 70,
    三星 ≥ 80, 四星 ≥ 90, 五星 ≥ 95 (below 70: none). Score and level are recomputed while the
    evaluation is draft; once concluded, its lines and special items are frozen, and so are they.
    Concluding turns every indicator below full points into an improvement record (once).
    """

    _name = "svcms.evaluation"
    _description = "GB/T 27922 Evaluation"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "evaluation_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "conclude": Transition(("draft",), "done", "concluded_by_id", "concluded_date", AUDITOR_GROUP),
        "reopen": Transition(("done",), "draft", None, None, LEAD_GROUP),
        "approve": Transition(
            ("done",), "approved", "approved_by_id", "approved_date", MANAGER_GROUP, ("concluded_by_id",)
        ),
    }
    # whoever concluded the evaluation does not approve it (system parameter to turn it off per company)
    _svcms_separation_default = True
    # the score is computed from the lines: no client writes it
    _svcms_workflow_fields = (
        "score",
        "level",
        "points_available",
        "points_actual",
        "deduction_count",
        "bonus",
        "below_full_count",
    )
    _svcms_creator_fields = ("created_by_id",)
    _svcms_frozen_fields = "__all__"
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one(
        "svcms.management.system",
        required=True,
        index=True,
        check_company=True,
        domain=[("standard", "=", GBT27922)],
        tracking=True,
    )
    evaluation_type = fields.Selection(EVALUATION_TYPES, string="Type", required=True, default="self", tracking=True)
    evaluation_date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    date_from = fields.Date(
        string="Period From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(years=1, days=-1),
        help="Start of the period whose records count as evidence.",
    )
    date_to = fields.Date(
        string="Period To",
        required=True,
        default=fields.Date.context_today,
        help="End of the period whose records count as evidence.",
    )
    team_ids = fields.Many2many("res.users", string="Evaluation Team", check_company=True)
    summary = fields.Html(string="Conclusion")
    line_ids = fields.One2many("svcms.evaluation.line", "evaluation_id", string="Indicators")
    special_ids = fields.One2many("svcms.evaluation.special", "evaluation_id", string="Special Items")
    points_available = fields.Float(compute="_compute_score", store=True, digits=(6, 1), help="Applicable indicators.")
    points_actual = fields.Float(compute="_compute_score", store=True, digits=(6, 1), string="Points Achieved")
    deduction_count = fields.Integer(compute="_compute_score", store=True, string="Special Deductions")
    bonus = fields.Integer(compute="_compute_score", store=True, string="Special Bonus")
    score = fields.Float(digits=(5, 1), compute="_compute_score", store=True, readonly=True, tracking=True)
    level = fields.Selection(LEVELS, compute="_compute_score", store=True, readonly=True, tracking=True)
    below_full_count = fields.Integer(compute="_compute_score", store=True, string="Indicators Below Full Points")
    improvement_count = fields.Integer(compute="_compute_improvement_count", string="Improvements")
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Concluded"), ("approved", "Approved")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    created_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True, copy=False)
    concluded_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    concluded_date = fields.Datetime(string="Concluded On", readonly=True, copy=False, tracking=True)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False, tracking=True)
    can_conclude = fields.Boolean(compute="_compute_svcms_can")
    can_reopen = fields.Boolean(compute="_compute_svcms_can")
    can_approve = fields.Boolean(compute="_compute_svcms_can")

    # ------------------------------------------------------------------ computes
    @api.depends(
        "line_ids.applicable",
        "line_ids.points_available",
        "line_ids.points_actual",
        "special_ids.kind",
    )
    def _compute_score(self):
        for evaluation in self:
            lines = evaluation.line_ids.filtered("applicable")
            available = sum(lines.mapped("points_available"))
            actual = sum(lines.mapped("points_actual"))
            deductions = len(evaluation.special_ids.filtered(lambda s: s.kind == "deduction"))
            # at most one special bonus counts, whatever the records say
            bonus = 1 if evaluation.special_ids.filtered(lambda s: s.kind == "bonus") else 0
            base = actual / available * 100.0 if available else 0.0
            score = float_round(min(100.0, max(0.0, base - deductions + bonus)), precision_digits=1)
            evaluation.points_available = available
            evaluation.points_actual = actual
            evaluation.deduction_count = deductions
            evaluation.bonus = bonus
            evaluation.score = score
            evaluation.level = level_of(score) if available else "none"
            evaluation.below_full_count = len(lines.filtered("below_full"))

    def _compute_improvement_count(self):
        refs = {
            f"svcms.evaluation.line,{line_id}": evaluation for evaluation in self for line_id in evaluation.line_ids.ids
        }
        counts = dict.fromkeys(self, 0)
        if refs:
            Improvement = self.env["svcms.improvement"]
            if Improvement.has_access("read"):
                for improvement in Improvement.search_fetch([("source_ref", "in", list(refs))], ["source_ref"]):
                    ref = f"{improvement.source_ref._name},{improvement.source_ref.id}"
                    if ref in refs:
                        counts[refs[ref]] += 1
        for evaluation in self:
            evaluation.improvement_count = counts[evaluation]

    # ------------------------------------------------------------------ constraints
    @api.constrains("management_system_id")
    def _check_management_system(self):
        for evaluation in self:
            if evaluation.management_system_id.standard != GBT27922:
                raise ValidationError(
                    self.env._(
                        "%(evaluation)s: a GB/T 27922 evaluation needs a GB/T 27922 management system, "
                        "not %(system)s.",
                        evaluation=evaluation.name,
                        system=evaluation.management_system_id.display_name,
                    )
                )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for evaluation in self:
            if evaluation.date_from > evaluation.date_to:
                raise ValidationError(
                    self.env._("%(evaluation)s: the period must start before it ends.", evaluation=evaluation.name)
                )

    # ------------------------------------------------------------------ create
    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = Sequence.next_by_code("svcms.evaluation") or "/"
        return super().create(vals_list)

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for evaluation in self:
            if evaluation.reference and evaluation.reference != "/":
                evaluation.display_name = f"{evaluation.reference} {evaluation.name}"
            else:
                evaluation.display_name = evaluation.name

    # ------------------------------------------------------------------ indicators
    @api.model
    def _svcms_indicators(self):
        """The leaf indicators of the GB/T 27922 tree (the ones that carry points)."""
        Clause = self.env["svcms.clause"]
        leaves = Clause.search([("standard", "=", GBT27922), ("child_ids", "=", False)])
        return leaves

    def action_load_indicators(self):
        """One line per leaf indicator not yet in the evaluation, points from the indicator's defaults (batch)."""
        self._svcms_check_unlocked({"line_ids"})
        self.check_access("write")
        indicators = self._svcms_indicators()
        vals_list = []
        for evaluation in self:
            present = evaluation.line_ids.clause_id
            vals_list += [
                {
                    "evaluation_id": evaluation.id,
                    "clause_id": clause.id,
                    "sequence": clause.sequence,
                    "points_available": clause.default_points,
                }
                for clause in indicators - present
            ]
        self.env["svcms.evaluation.line"].create(vals_list)
        return True

    # ------------------------------------------------------------------ workflow
    def _svcms_check_complete(self):
        for evaluation in self:
            if not evaluation.line_ids.filtered("applicable"):
                raise UserError(
                    self.env._(
                        "%(evaluation)s has no applicable indicator: load the indicators first.",
                        evaluation=evaluation.display_name,
                    )
                )
            missing = evaluation.line_ids.filtered(lambda line: line.applicable and not line.assessed)
            if missing:
                raise UserError(
                    self.env._(
                        "%(evaluation)s: these indicators are not assessed yet: %(indicators)s.",
                        evaluation=evaluation.display_name,
                        indicators=", ".join(missing.clause_id.mapped("code")),
                    )
                )

    def action_conclude(self):
        self._svcms_check_transition("conclude")
        self._svcms_check_complete()
        self._svcms_transition("conclude")
        self._svcms_create_improvements()
        return True

    def action_reopen(self):
        return self._svcms_transition("reopen")

    def action_approve(self):
        return self._svcms_transition("approve")

    def _svcms_create_improvements(self):
        """An improvement record per applicable indicator below full points, unless one exists already."""
        lines = self.line_ids.filtered("below_full")
        if not lines:
            return self.env["svcms.improvement"]
        refs = [f"svcms.evaluation.line,{line.id}" for line in lines]
        # the conclusion is the system's doing: the concluding user may not see every improvement
        Improvement = self.env["svcms.improvement"].sudo()
        existing = {
            improvement.source_ref.id
            for improvement in Improvement.search_fetch([("source_ref", "in", refs)], ["source_ref"])
        }
        vals_list = []
        for line in lines.filtered(lambda line: line.id not in existing):
            evaluation = line.evaluation_id
            vals_list.append(
                {
                    "name": self.env._(
                        "%(indicator)s: %(actual)s of %(available)s points",
                        indicator=line.clause_id.display_name,
                        actual=line._svcms_points_text(line.points_actual),
                        available=line._svcms_points_text(line.points_available),
                    ),
                    "company_id": evaluation.company_id.id,
                    "management_system_id": evaluation.management_system_id.id,
                    "clause_ids": [Command.set(line.clause_id.ids)],
                    "source_type": "evaluation",
                    "source_ref": f"svcms.evaluation.line,{line.id}",
                    "owner_id": (evaluation.management_system_id.representative_id.user_id or self.env.user).id,
                    "description": Markup("<p>%s</p><p>%s</p>") % (evaluation.display_name, line.deduction_note or ""),
                }
            )
        return Improvement.create(vals_list).sudo(False)

    def action_view_improvements(self):
        self.ensure_one()
        refs = [f"svcms.evaluation.line,{line_id}" for line_id in self.line_ids.ids]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Improvements"),
            "res_model": "svcms.improvement",
            "view_mode": "list,form",
            "domain": [("source_ref", "in", refs)],
            "context": {"create": False},
        }

    def action_download_score_sheet(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/svcms/evaluation/{self.id}/xlsx",
            "target": "download",
        }

    # ------------------------------------------------------------------ score sheet (XLSX)
    def _svcms_score_sheet_xlsx(self):
        """The score sheet of one evaluation as XLSX bytes: bilingual headers, one row per indicator, totals."""
        import xlsxwriter  # declared in external_dependencies

        self.ensure_one()
        self.check_access("read")
        evaluation = self
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
        sheet = workbook.add_worksheet("评分表 Score sheet")
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        number = workbook.add_format({"border": 1, "num_format": "0.0", "valign": "top"})
        total = workbook.add_format({"bold": True, "border": 1, "num_format": "0.0"})
        levels = dict(self._fields["level"]._description_selection(self.env))
        types = dict(self._fields["evaluation_type"]._description_selection(self.env))
        line_model = self.env["svcms.evaluation.line"]
        assessments = dict(line_model._fields["assessment_type"]._description_selection(self.env))
        results = dict(line_model._fields["result"]._description_selection(self.env))
        sheet.write(0, 0, f"{evaluation.reference} {evaluation.name}", title)
        sheet.write(1, 0, "管理体系 Management system", bold)
        sheet.write(1, 2, evaluation.management_system_id.display_name)
        sheet.write(2, 0, "评价类型 Type", bold)
        sheet.write(2, 2, types.get(evaluation.evaluation_type, ""))
        sheet.write(3, 0, "评价日期 Date", bold)
        sheet.write(3, 2, fields.Date.to_string(evaluation.evaluation_date))
        headers = [
            "编号 Code",
            "指标 Indicator",
            "适用 Applicable",
            "评价方式 Assessment",
            "结果 Result",
            "抽样 Samples",
            "标准分 Points available",
            "得分 Points achieved",
            "扣分说明 Deduction notes",
            "证据 Evidence",
        ]
        row = 5
        for col, text in enumerate(headers):
            sheet.write(row, col, text, header)
        evidence = evaluation.line_ids._svcms_evidence_texts()
        for line in evaluation.line_ids:
            row += 1
            samples = f"{line.samples_conforming}/{line.samples_total}" if line.assessment_type == "sampled" else ""
            values = [
                line.clause_id.code,
                line.clause_id.name,
                "是 Yes" if line.applicable else "删减 Removed",
                assessments.get(line.assessment_type, "") if line.applicable else "",
                results.get(line.result, "") if line.applicable and line.assessment_type == "qualitative" else "",
                samples if line.applicable else "",
            ]
            for col, value in enumerate(values):
                sheet.write(row, col, value, cell)
            sheet.write_number(row, 6, line.points_available if line.applicable else 0, number)
            sheet.write_number(row, 7, line.points_actual, number)
            sheet.write(row, 8, line.deduction_note or line.removal_reason or "", cell)
            sheet.write(row, 9, evidence.get(line.id, ""), cell)
        row += 1
        sheet.write(row, 1, "合计 Total", bold)
        sheet.write_number(row, 6, evaluation.points_available, total)
        sheet.write_number(row, 7, evaluation.points_actual, total)
        for special in evaluation.special_ids:
            row += 1
            label = "特别加分 Special bonus" if special.kind == "bonus" else "特别扣分 Special deduction"
            sheet.write(row, 1, f"{label}: {special.name}", cell)
            sheet.write_number(row, 7, special.points, number)
        row += 2
        sheet.write(row, 1, "得分 Score", bold)
        sheet.write_number(row, 7, evaluation.score, total)
        row += 1
        sheet.write(row, 1, "等级 Level", bold)
        sheet.write(row, 7, levels.get(evaluation.level, ""), bold)
        sheet.set_column(0, 0, 10)
        sheet.set_column(1, 1, 36)
        sheet.set_column(2, 7, 14)
        sheet.set_column(8, 9, 40)
        sheet.freeze_panes(6, 2)
        workbook.close()
        return output.getvalue()
