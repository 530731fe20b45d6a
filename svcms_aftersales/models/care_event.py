from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import ValidationError


class SvcmsCareEvent(models.Model):
    """A customer care event (客户关怀活动), e.g. a free summer cleaning of air conditioners."""

    _name = "svcms.care.event"
    _description = "Customer Care Event"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("8.3.2",), "gbt27922": ("3.1.4",)}
    _svcms_evidence_date_field = "date_start"
    _svcms_evidence_domain = [("state", "in", ("running", "done"))]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "start": Transition(("planned",), "running", "started_by_id", "started_date"),
        "done": Transition(("running",), "done", "done_by_id", "done_date"),
        "cancel": Transition(("planned", "running"), "cancelled", "cancelled_by_id", "cancelled_date"),
    }
    # A care event that took place is a record of customer relationship work: cancel, never delete.
    _svcms_deletable_states = ("planned", "cancelled")

    name = fields.Char(required=True, tracking=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date_start = fields.Date(string="Start Date", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(string="End Date", tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Organiser", default=lambda self: self.env.user, domain=[("share", "=", False)]
    )
    product_ids = fields.Many2many("product.product", string="Products", check_company=True)
    partner_ids = fields.Many2many("res.partner", string="Customers")
    partner_count = fields.Integer(string="Customer Count", compute="_compute_partner_count")
    notes = fields.Html()
    state = fields.Selection(
        [("planned", "Planned"), ("running", "Running"), ("done", "Done"), ("cancelled", "Cancelled")],
        string="Status",
        required=True,
        default="planned",
        readonly=True,
        tracking=True,
        copy=False,
    )
    started_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    started_date = fields.Datetime(string="Started On", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", string="Completed By", readonly=True, copy=False)
    done_date = fields.Datetime(string="Completed On", readonly=True, copy=False)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for event in self:
            if event.date_end and event.date_end < event.date_start:
                raise ValidationError(self.env._("Care event %s ends before it starts.", event.name))

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for event in self:
            event.partner_count = len(event.partner_ids)

    def action_start(self):
        return self._svcms_transition("start")

    def action_done(self):
        return self._svcms_transition("done")

    def action_cancel(self):
        return self._svcms_transition("cancel")
