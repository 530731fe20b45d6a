from odoo import api, fields, models
from odoo.exceptions import UserError

DECISION_CATEGORIES = [
    ("improvement", "Improvement of the Management System"),
    ("service_change", "Changes to Services"),
    ("resources", "Resource Needs"),
    ("other", "Other"),
]


class SvcmsManagementReviewDecision(models.Model):
    """A decision or action of a management review (output of 9.3): to the improvement register or CAPA."""

    _name = "svcms.management.review.decision"
    _description = "Management Review Decision"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "review_id, sequence, id"
    _check_company_auto = True

    _svcms_parent_field = "review_id"
    _svcms_parent_lines_field = "decision_ids"
    # follow-up after approval: whether it was done, and the register entry that carries it
    _svcms_follow_up_fields = frozenset({"done", "done_date", "improvement_id", "nonconformity_id"})

    review_id = fields.Many2one(
        "svcms.management.review", string="Management Review", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    management_system_id = fields.Many2one(related="review_id.management_system_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(required=True)
    category = fields.Selection(DECISION_CATEGORIES, required=True, default="improvement")
    owner_id = fields.Many2one("res.users", index=True)
    deadline = fields.Date(index=True)
    done = fields.Boolean(index=True)
    done_date = fields.Date(string="Done On")
    improvement_id = fields.Many2one("svcms.improvement", readonly=True, copy=False, index=True)
    nonconformity_id = fields.Many2one(
        "svcms.nonconformity", string="Nonconformity (CAPA)", readonly=True, copy=False, index=True
    )

    @api.depends("description")
    def _compute_display_name(self):
        for decision in self:
            decision.display_name = (decision.description or "").split("\n")[0][:80]

    def write(self, vals):
        # the follow-up of a decision goes on after its review is approved; its content does not
        if set(vals) <= self._svcms_follow_up_fields:
            if "done" in vals and "done_date" not in vals:
                vals = {**vals, "done_date": fields.Date.context_today(self) if vals["done"] else False}
            return super(SvcmsManagementReviewDecision, self.with_context(svcms_review_follow_up=True)).write(vals)
        return super().write(vals)

    def _svcms_check_parents_unlocked(self, parents):
        if self.env.context.get("svcms_review_follow_up"):
            return
        super()._svcms_check_parents_unlocked(parents)

    def _svcms_create_follow_up(self, model, link_field, extra_values=None):
        """One ``model`` record (improvement or nonconformity) per decision, linked back through ``link_field``."""
        linked = self.filtered(lambda d: d.improvement_id or d.nonconformity_id)
        if linked:
            raise UserError(
                self.env._(
                    "The decision “%(decision)s” already has its improvement or nonconformity.",
                    decision=linked[0].display_name,
                )
            )
        records = self.env[model].create(
            [
                {
                    "name": decision.display_name,
                    "company_id": decision.company_id.id,
                    "management_system_id": decision.review_id.management_system_id.id,
                    "source_type": "management_review",
                    "source_ref": f"svcms.management.review,{decision.review_id.id}",
                    "description": decision.description,
                    "owner_id": decision.owner_id.id,
                    **(extra_values(decision) if extra_values else {}),
                }
                for decision in self
            ]
        )
        for decision, record in zip(self, records, strict=True):
            decision[link_field] = record
        return self._svcms_open(records)

    def action_create_improvement(self):
        return self._svcms_create_follow_up("svcms.improvement", "improvement_id")

    def action_create_capa(self):
        return self._svcms_create_follow_up(
            "svcms.nonconformity",
            "nonconformity_id",
            lambda decision: {"detected_date": decision.review_id.review_date},
        )

    def _svcms_open(self, records):
        action = {"type": "ir.actions.act_window", "res_model": records._name, "target": "current"}
        if len(records) == 1:
            return {**action, "view_mode": "form", "res_id": records.id, "views": [(False, "form")]}
        views = [(False, "list"), (False, "form")]
        return {**action, "view_mode": "list,form", "domain": [("id", "in", records.ids)], "views": views}
