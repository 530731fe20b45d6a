from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import ValidationError

MANAGER_GROUP = "svcms_aftersales.group_aftersales_manager"


class SvcmsServiceFundLine(models.Model):
    """A cost charged to the after-sales service fund.

    A cost is prepared as a draft and counts in the fund's consumption once posted. A posted cost is part of
    the fund's accounts: it is never edited or deleted; a manager cancels a wrong one (kept, not counted).
    """

    _name = "svcms.service.fund.line"
    _description = "Service Fund Cost"
    _inherit = ["svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("1.3.1",)}
    _svcms_evidence_date_field = "date"
    _svcms_evidence_domain = [("state", "=", "posted")]
    _order = "date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "post": Transition(("draft",), "posted", "posted_by_id", "posted_date"),
        "cancel": Transition(("posted",), "cancelled", "cancelled_by_id", "cancelled_date", MANAGER_GROUP),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_deletable_states = ("draft",)

    fund_id = fields.Many2one("svcms.service.fund", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="fund_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="fund_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    cost_type = fields.Selection(
        [
            ("repair", "Repair"),
            ("parts", "Spare Parts"),
            ("compensation", "Compensation"),
            ("training", "Training"),
            ("other", "Other"),
        ],
        required=True,
        default="repair",
    )
    name = fields.Char(string="Description", required=True)
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("cancelled", "Cancelled")],
        string="Status",
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
    )
    posted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    posted_date = fields.Datetime(string="Posted On", readonly=True, copy=False)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    can_post = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    source_ref = fields.Reference(
        selection="_selection_source_ref",
        string="Source",
        help="Repair order, service request, complaint or training the cost comes from.",
    )

    @api.model
    def _selection_source_ref(self):
        models_ = ["repair.order", "svcms.service.request", "svcms.complaint", "svcms.training.session", "stock.scrap"]
        return [(model, self.env[model]._description) for model in models_ if model in self.env]

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.amount <= 0:
                raise ValidationError(self.env._("A fund cost must be a positive amount."))

    def action_post(self):
        return self._svcms_transition("post")

    def action_cancel(self):
        return self._svcms_transition("cancel")

    @api.constrains("date", "fund_id")
    def _check_year(self):
        for line in self:
            if line.date.year != line.fund_id.year:
                raise ValidationError(
                    self.env._(
                        "Cost %(cost)s is not dated in the fund's year %(year)s.",
                        cost=line.name,
                        year=line.fund_id.year,
                    )
                )
