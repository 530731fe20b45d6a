from odoo import api, fields, models
from odoo.exceptions import UserError

from .workflow_mixin import Transition

MANAGER_GROUP = "svcms_base.group_svcms_manager"


class SvcmsSlaException(models.Model):
    """An agreed exception to a service level (force majeure, delay caused by the customer ...).

    Once a service level manager other than the requester approves it, the lines it covers are
    left out of compliance figures; who approved, when and why stays on record.
    """

    _name = "svcms.sla.exception"
    _description = "SLA Exception"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "approve": Transition(
            ("draft",), "approved", "approved_by_id", "approved_date", MANAGER_GROUP, ("requested_by_id",)
        ),
        "reject": Transition(
            ("draft",), "rejected", "rejected_by_id", "rejected_date", MANAGER_GROUP, ("requested_by_id",)
        ),
    }
    # nobody approves their own exception, whatever the company setting
    _svcms_separation_default = True
    _svcms_creator_fields = ("requested_by_id",)
    _svcms_frozen_fields = "__all__"
    _svcms_writable_when_locked = ("decision_note",)
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Subject", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    exception_type = fields.Selection(
        [
            ("force_majeure", "Force Majeure"),
            ("customer_delay", "Delay Caused by the Customer"),
            ("third_party", "Third Party Outside the Agreement"),
            ("beyond_scope", "Outside the Agreed Scope"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="customer_delay",
        tracking=True,
    )
    justification = fields.Text(required=True, help="Why the service level does not apply, with the evidence.")
    line_ids = fields.Many2many("svcms.sla.line", string="SLA Lines", check_company=True)
    agreement_id = fields.Many2one("svcms.sla.agreement", check_company=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_partner_id", store=True)
    state = fields.Selection(
        [
            ("draft", "Requested"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    requested_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True, copy=False, tracking=True
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False, tracking=True)
    rejected_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    rejected_date = fields.Datetime(string="Rejected On", readonly=True, copy=False, tracking=True)
    decision_note = fields.Text(help="Why it was approved or rejected.")
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_reject = fields.Boolean(compute="_compute_svcms_can")

    @api.depends("line_ids.partner_id")
    def _compute_partner_id(self):
        for exception in self:
            exception.partner_id = exception.line_ids.partner_id[:1]

    @api.model_create_multi
    def create(self, vals_list):
        exceptions = super().create(vals_list)
        for exception in exceptions:
            if not exception.agreement_id and exception.line_ids.agreement_id:
                exception.agreement_id = exception.line_ids.agreement_id[:1]
        return exceptions

    def _check_covers_lines(self):
        for exception in self:
            if not exception.line_ids:
                raise UserError(self.env._("Exception %s covers no SLA line.", exception.name))

    def action_approve(self):
        self._check_covers_lines()
        self._svcms_transition("approve")
        for exception in self:
            exception.line_ids.sudo().write({"exception_id": exception.id})
        return True

    def action_reject(self):
        self._check_covers_lines()
        return self._svcms_transition("reject")
