from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

ITSM_USER = "svcms_itsm.group_itsm_user"


class SvcmsServiceReview(models.Model):
    """A service review meeting with a customer (ISO/IEC 20000-1 8.3.2): planned, held, closed with its
    minutes; the actions agreed are followed up one by one."""

    _name = "svcms.service.review"
    _description = "Service Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("8.3.2",)}
    _svcms_evidence_date_field = "date"
    _svcms_evidence_domain = [("state", "in", ("held", "closed"))]
    _order = "date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "hold": Transition(("planned",), "held", "held_by_id", None, ITSM_USER),
        "close": Transition(("held",), "closed", "closed_by_id", "closed_date", ITSM_USER),
        "cancel": Transition(("planned",), "cancelled", None, None, ITSM_USER),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("planned", "held")
    _svcms_deletable_states = ("planned", "cancelled")

    name = fields.Char(string="Subject", required=True, default=lambda self: self.env._("Service Review"))
    relationship_id = fields.Many2one("svcms.customer.relationship", required=True, index=True, check_company=True)
    partner_id = fields.Many2one(related="relationship_id.partner_id", store=True, string="Customer", index=True)
    company_id = fields.Many2one(related="relationship_id.company_id", store=True, index=True)
    service_ids = fields.Many2many("svcms.service", string="Services Reviewed", check_company=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True, index=True)
    attendee_ids = fields.Many2many("res.partner", string="Customer Attendees")
    user_ids = fields.Many2many("res.users", string="Our Attendees", domain="[('share', '=', False)]")
    agenda = fields.Html()
    minutes = fields.Html()
    action_ids = fields.One2many("svcms.service.review.action", "review_id", string="Actions")
    state = fields.Selection(
        [("planned", "Planned"), ("held", "Held"), ("closed", "Closed"), ("cancelled", "Cancelled")],
        required=True,
        default="planned",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    held_by_id = fields.Many2one("res.users", string="Recorded By", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    open_action_count = fields.Integer(compute="_compute_open_action_count")
    can_hold = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    @api.depends("action_ids.done")
    def _compute_open_action_count(self):
        for review in self:
            review.open_action_count = len(review.action_ids.filtered(lambda a: not a.done))

    def action_hold(self):
        self._svcms_transition("hold")
        for review in self:
            review.relationship_id.sudo()._svcms_schedule_next_review(fields.Date.to_date(review.date))
        return True

    def action_close(self):
        empty = self.filtered(lambda r: not html2plaintext(r.minutes or "").strip())
        if empty:
            raise UserError(
                self.env._("Record the minutes of %(review)s before closing it.", review=empty[0].display_name)
            )
        return self._svcms_transition("close")

    def action_cancel(self):
        return self._svcms_transition("cancel")
