from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

SPECIAL_REASONS = [
    ("law", "Breach of Laws or Regulations"),
    ("own_rules", "Breach of the Company's Own Service Rules"),
    ("industry_rules", "Breach of Industry Rules"),
    ("harm", "Harm to the Evaluation System"),
    ("bonus", "Outstanding Service (Bonus)"),
]


class SvcmsEvaluationSpecial(models.Model):
    """A special item of a GB/T 27922 evaluation: a special deduction (特别扣分项, −1 each: breach of law, of the
    company's own service rules, of industry rules, harm to the evaluation system) or the special bonus
    (特别加分项, +1, at most one per evaluation)."""

    _name = "svcms.evaluation.special"
    _description = "GB/T 27922 Special Item"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "evaluation_id, kind, id"
    _check_company_auto = True

    _svcms_parent_field = "evaluation_id"
    _svcms_parent_lines_field = "special_ids"

    evaluation_id = fields.Many2one(
        "svcms.evaluation", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="evaluation_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [("deduction", "Special Deduction (−1)"), ("bonus", "Special Bonus (+1)")],
        string="Type",
        required=True,
        default="deduction",
    )
    reason = fields.Selection(SPECIAL_REASONS, required=True, default="own_rules")
    name = fields.Char(string="Description", required=True, help="What happened, with the evidence.")
    points = fields.Integer(compute="_compute_points", store=True)

    @api.model_create_multi
    def create(self, vals_list):
        if any("points" in vals for vals in vals_list) and not self.env.su:
            self._svcms_refuse_points()
        return super().create(vals_list)

    def write(self, vals):
        if "points" in vals and not self.env.su:
            self._svcms_refuse_points()
        return super().write(vals)

    def _svcms_refuse_points(self):
        raise UserError(
            self.env._("A special deduction counts −1 and the special bonus +1: their points cannot be written.")
        )

    @api.depends("kind")
    def _compute_points(self):
        for item in self:
            item.points = 1 if item.kind == "bonus" else -1

    @api.onchange("kind")
    def _onchange_kind(self):
        if self.kind == "bonus":
            self.reason = "bonus"
        elif self.reason == "bonus":
            self.reason = "own_rules"

    @api.constrains("kind", "reason", "evaluation_id")
    def _check_kind(self):
        for item in self:
            if (item.kind == "bonus") != (item.reason == "bonus"):
                raise ValidationError(
                    self.env._(
                        "%(item)s: a special deduction needs the breach it sanctions, a special bonus the reason "
                        "“Outstanding Service (Bonus)”.",
                        item=item.name,
                    )
                )
        groups = self._read_group(
            [("evaluation_id", "in", self.evaluation_id.ids), ("kind", "=", "bonus")], ["evaluation_id"], ["__count"]
        )
        for evaluation, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(evaluation)s already has its special bonus: GB/T 27922 grants at most one (+1).",
                        evaluation=evaluation.display_name,
                    )
                )
