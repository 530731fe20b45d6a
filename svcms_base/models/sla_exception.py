from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SvcmsSlaException(models.Model):
    """An agreed exception to a service level (force majeure, delay caused by the customer ...).

    Once a service level manager other than the requester approves it, the lines it covers are
    left out of compliance figures; who approved, when and why stays on record.
    """

    _name = "svcms.sla.exception"
    _description = "SLA Exception"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

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
    agreement_id = fields.Many2one("svcms.sla.agreement", string="Agreement", check_company=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_partner_id", store=True)
    state = fields.Selection(
        [
            ("draft", "Requested"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    requested_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True, tracking=True)
    approved_by_id = fields.Many2one("res.users", string="Decided By", readonly=True, tracking=True)
    decision_date = fields.Datetime(readonly=True, tracking=True)
    decision_note = fields.Text(help="Why it was approved or rejected.")

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

    def write(self, vals):
        decided = self.filtered(lambda exc: exc.state != "draft")
        if (
            decided
            and set(vals) - {"decision_note", "message_main_attachment_id"}
            and not self.env.context.get("svcms_exception_decision")
        ):
            raise UserError(self.env._("A decided exception cannot be changed; request a new one."))
        return super().write(vals)

    def _check_can_decide(self):
        if not self.env.user.has_group("svcms_base.group_svcms_manager"):
            raise AccessError(self.env._("Only a service management manager may approve or reject an SLA exception."))
        for exception in self:
            if exception.state != "draft":
                raise UserError(self.env._("Exception %s is already decided.", exception.name))
            if exception.requested_by_id == self.env.user and not self.env.is_superuser():
                raise UserError(self.env._("The person who requested an exception cannot approve or reject it."))
            if not exception.line_ids:
                raise UserError(self.env._("Exception %s covers no SLA line.", exception.name))

    def action_approve(self):
        self._check_can_decide()
        now = fields.Datetime.now()
        for exception in self:
            exception.with_context(svcms_exception_decision=True).write(
                {"state": "approved", "approved_by_id": self.env.user.id, "decision_date": now}
            )
            exception.line_ids.sudo().write({"exception_id": exception.id})
        return True

    def action_reject(self):
        self._check_can_decide()
        self.with_context(svcms_exception_decision=True).write(
            {"state": "rejected", "approved_by_id": self.env.user.id, "decision_date": fields.Datetime.now()}
        )
        return True
