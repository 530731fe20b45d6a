from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

USER_GROUP = "svcms_itsm.group_itsm_user"
MANAGER_GROUP = "svcms_itsm.group_itsm_manager"


class SvcmsSupplierDispute(models.Model):
    """A contractual dispute with a supplier (ISO/IEC 20000-1 8.3.4: "managing contractual disputes"),
    followed to closure: open → negotiation → resolved → closed. Resolving or closing needs the
    resolution on record; an ITSM manager resolves and closes."""

    _name = "svcms.supplier.dispute"
    _description = "Supplier Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "date_opened desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "negotiate": Transition(("open",), "negotiation", None, None, USER_GROUP),
        "resolve": Transition(("open", "negotiation"), "resolved", "resolved_by_id", "resolved_date", MANAGER_GROUP),
        "close": Transition(
            ("open", "negotiation", "resolved"), "closed", "closed_by_id", "closed_date", MANAGER_GROUP
        ),
    }
    _svcms_creator_fields = ("raised_by_id",)
    _svcms_frozen_fields = ("contract_id", "description", "amount", "resolution", "date_opened")
    _svcms_editable_states = ("open", "negotiation")
    _svcms_deletable_states = ("open",)

    name = fields.Char(string="Subject", required=True, tracking=True)
    contract_id = fields.Many2one(
        "svcms.supplier.contract", required=True, index=True, check_company=True, tracking=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True, string="Supplier")
    currency_id = fields.Many2one(related="contract_id.currency_id")
    date_opened = fields.Date(string="Opened On", required=True, default=fields.Date.context_today, tracking=True)
    raised_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    description = fields.Html(required=True)
    amount = fields.Monetary(string="Amount in Dispute", currency_field="currency_id", tracking=True)
    resolution = fields.Html(help="What was agreed, by whom, and what it costs.")
    state = fields.Selection(
        [("open", "Open"), ("negotiation", "In Negotiation"), ("resolved", "Resolved"), ("closed", "Closed")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    resolved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    resolved_date = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    can_negotiate = fields.Boolean(compute="_compute_svcms_can")
    can_resolve = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")

    def _svcms_check_resolution(self):
        for dispute in self:
            if is_html_empty(dispute.resolution):
                raise UserError(
                    self.env._(
                        "Dispute %(dispute)s: record the resolution before resolving or closing it.",
                        dispute=dispute.display_name,
                    )
                )

    @api.model
    def _svcms_open_states(self):
        return ("open", "negotiation")

    def action_negotiate(self):
        return self._svcms_transition("negotiate")

    def action_resolve(self):
        # rights and state first: a user who may not resolve learns that, not what is missing
        self._svcms_check_transition("resolve")
        self._svcms_check_resolution()
        return self._svcms_transition("resolve")

    def action_close(self):
        self._svcms_check_transition("close")
        self._svcms_check_resolution()
        return self._svcms_transition("close")
