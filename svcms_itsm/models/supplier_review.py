from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

USER_GROUP = "svcms_itsm.group_itsm_user"
SCORES = [("1", "1 - Poor"), ("2", "2 - Fair"), ("3", "3 - Good"), ("4", "4 - Very Good"), ("5", "5 - Excellent")]
# criterion field -> weight in the overall score (sum 1)
WEIGHTS = {"score_quality": 0.4, "score_delivery": 0.25, "score_responsiveness": 0.2, "score_cost": 0.15}


class SvcmsSupplierReview(models.Model):
    """A periodic review of a supplier's performance against its contract (ISO/IEC 20000-1 8.3.4).

    Four criteria scored 1–5 give a weighted score (quality 40 %, delivery 25 %, responsiveness 20 %,
    cost 15 %). Once completed, the review is evidence and cannot change; the contract's next review
    date follows from it."""

    _name = "svcms.supplier.review"
    _description = "Supplier Performance Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _order = "review_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "complete": Transition(("draft",), "done", "completed_by_id", "completed_date", USER_GROUP),
    }
    _svcms_creator_fields = ("reviewer_id",)
    _svcms_frozen_fields = "__all__"
    _svcms_deletable_states = ("draft",)
    _svcms_lock_chatter = True
    _svcms_evidence_clauses = {"iso20000": ("8.3.4",)}
    _svcms_evidence_date_field = "review_date"
    _svcms_evidence_domain = [("state", "=", "done")]

    contract_id = fields.Many2one(
        "svcms.supplier.contract", required=True, index=True, check_company=True, tracking=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True, string="Supplier")
    department_id = fields.Many2one(related="contract_id.department_id", store=True, string="Internal Supplier")
    review_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True, index=True)
    period_start = fields.Date(string="Period From", required=True)
    period_end = fields.Date(string="Period To", required=True)
    reviewer_id = fields.Many2one("res.users", readonly=True, copy=False)
    score_quality = fields.Selection(SCORES, string="Quality", required=True, default="3")
    score_delivery = fields.Selection(SCORES, string="Delivery", required=True, default="3")
    score_responsiveness = fields.Selection(SCORES, string="Responsiveness", required=True, default="3")
    score_cost = fields.Selection(SCORES, string="Cost", required=True, default="3")
    weighted_score = fields.Float(
        compute="_compute_weighted_score",
        store=True,
        digits=(3, 2),
        aggregator="avg",
        help="Quality 40 %, delivery 25 %, responsiveness 20 %, cost 15 % (1–5).",
    )
    conclusions = fields.Html()
    actions = fields.Html(string="Actions Agreed")
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Completed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    completed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    completed_date = fields.Datetime(string="Completed On", readonly=True, copy=False)
    can_complete = fields.Boolean(compute="_compute_svcms_can")

    @api.depends(*WEIGHTS)
    def _compute_weighted_score(self):
        for review in self:
            review.weighted_score = round(sum(int(review[name] or 0) * weight for name, weight in WEIGHTS.items()), 2)

    @api.depends("contract_id", "period_end")
    def _compute_display_name(self):
        for review in self:
            review.display_name = f"{review.contract_id.display_name or ''} ({review.period_end or ''})"

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for review in self:
            if review.period_end < review.period_start:
                raise ValidationError(
                    self.env._("The review period of %(review)s ends before it starts.", review=review.display_name)
                )

    def action_complete(self):
        for review in self:
            if is_html_empty(review.conclusions):
                raise UserError(
                    self.env._("Write the conclusions of %(review)s before completing it.", review=review.display_name)
                )
        return self._svcms_transition("complete")
