from odoo import api, fields, models

from .evaluation import LEVELS


class SvcmsManagementSystem(models.Model):
    _inherit = "svcms.management.system"

    evaluation_ids = fields.One2many("svcms.evaluation", "management_system_id", string="GB/T 27922 Evaluations")
    last_evaluation_level = fields.Selection(
        LEVELS,
        string="Evaluation Level",
        compute="_compute_last_evaluation",
        store=True,
        help="Level reached by the last approved GB/T 27922 evaluation.",
    )
    last_evaluation_date = fields.Date(
        string="Last Evaluation",
        compute="_compute_last_evaluation",
        store=True,
        help="Date of the last approved GB/T 27922 evaluation.",
    )
    last_evaluation_score = fields.Float(
        string="Evaluation Score", digits=(5, 1), compute="_compute_last_evaluation", store=True
    )

    @api.depends("evaluation_ids.state", "evaluation_ids.evaluation_date", "evaluation_ids.level")
    def _compute_last_evaluation(self):
        # every reader of the management system sees its level, whoever may read the evaluations
        evaluations = (
            self.env["svcms.evaluation"]
            .sudo()
            .search_fetch(
                [("management_system_id", "in", self.ids), ("state", "=", "approved")],
                ["management_system_id", "evaluation_date", "level", "score"],
                order="evaluation_date desc, id desc",
            )
        )
        last = {}
        for evaluation in evaluations:
            last.setdefault(evaluation.management_system_id.id, evaluation)
        for system in self:
            evaluation = last.get(system.id)
            system.last_evaluation_level = evaluation.level if evaluation else False
            system.last_evaluation_date = evaluation.evaluation_date if evaluation else False
            system.last_evaluation_score = evaluation.score if evaluation else 0.0

    def action_view_evaluations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_audit.action_svcms_evaluation")
        action["domain"] = [("management_system_id", "=", self.id)]
        action["context"] = {"default_management_system_id": self.id}
        return action
