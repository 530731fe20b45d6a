from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError

MANAGER_GROUP = "svcms_itsm.group_itsm_manager"


class SvcmsTransitionPlan(models.Model):
    """Design and transition of a new or changed service (ISO/IEC 20000-1 8.5.2).

    The design outputs and the acceptance criteria are approved by an IT manager; the service is
    accepted only once every criterion passed its test, and its transition to live makes it live in
    the catalogue.
    """

    _name = "svcms.transition.plan"
    _description = "Service Transition Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.5.2",)}
    _svcms_evidence_date_field = "create_date"

    _svcms_transitions = {
        "approve": Transition(("draft",), "approved", "approved_by_id", "approved_date", MANAGER_GROUP, ("author_id",)),
        "accept": Transition(("approved",), "accepted", "accepted_by_id", "accepted_date", MANAGER_GROUP),
        "go_live": Transition(("accepted",), "live", "live_by_id", "live_date", MANAGER_GROUP),
        "cancel": Transition(("draft", "approved"), "cancelled", group=MANAGER_GROUP),
        "reset": Transition(("cancelled",), "draft", group=MANAGER_GROUP),
    }
    _svcms_creator_fields = ("author_id",)
    _svcms_frozen_fields = ("service_id", "change_id", "design_outputs", "transition_steps")
    _svcms_editable_states = ("draft",)
    # test results are recorded against the approved plan, never after acceptance
    _svcms_field_editable_states = {"criterion_ids": ("draft", "approved")}
    _svcms_deletable_states = ("draft", "cancelled")

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    service_id = fields.Many2one("svcms.service", required=True, tracking=True, check_company=True, index=True)
    change_id = fields.Many2one(
        "svcms.change",
        tracking=True,
        check_company=True,
        index="btree_not_null",
        domain="[('is_major_impact', '=', True)]",
        help="The change with a major impact that this design and transition implements.",
    )
    author_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    design_outputs = fields.Html(
        help="Design of the new or changed service: architecture, capacity, availability, continuity, security "
        "and the documentation to update."
    )
    transition_steps = fields.Html(string="Transition Plan", help="Activities, resources, dates and responsibilities.")
    criterion_ids = fields.One2many("svcms.transition.criterion", "plan_id", string="Acceptance Criteria", copy=True)
    criterion_count = fields.Integer(compute="_compute_criterion_stats", string="Criteria")
    passed_count = fields.Integer(compute="_compute_criterion_stats", string="Passed")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("approved", "Approved"),
            ("accepted", "Accepted"),
            ("live", "Live"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    accepted_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    accepted_date = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    live_by_id = fields.Many2one("res.users", string="Put Live By", readonly=True, copy=False, tracking=True)
    live_date = fields.Datetime(string="Live On", readonly=True, copy=False)
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_accept = fields.Boolean(compute="_compute_svcms_can")
    can_go_live = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    @api.depends("criterion_ids.result")
    def _compute_criterion_stats(self):
        for plan in self:
            plan.criterion_count = len(plan.criterion_ids)
            plan.passed_count = len(plan.criterion_ids.filtered(lambda c: c.result == "pass"))

    def action_approve(self):
        for plan in self:
            if not plan.criterion_ids:
                raise UserError(
                    self.env._(
                        "Transition plan %(plan)s has no acceptance criteria: add them before approval.",
                        plan=plan.display_name,
                    )
                )
        return self._svcms_transition("approve")

    def action_accept(self):
        for plan in self:
            pending = plan.criterion_ids.filtered(lambda c: c.result != "pass")
            if pending or not plan.criterion_ids:
                raise UserError(
                    self.env._(
                        "Transition plan %(plan)s cannot be accepted: every acceptance criterion must have passed "
                        "its test. Not passed: %(criteria)s.",
                        plan=plan.display_name,
                        criteria=", ".join(pending.mapped("name")) or "-",
                    )
                )
        return self._svcms_transition("accept")

    def action_go_live(self):
        self._svcms_transition("go_live")
        # the catalogue follows the accepted transition: the service is live
        self.service_id.sudo().filtered(lambda s: s.status != "live").write({"status": "live"})
        for plan in self:
            plan.service_id.sudo().message_post(
                body=self.env._("Service transitioned to live by plan %(plan)s.", plan=plan.display_name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_reset(self):
        return self._svcms_transition("reset")
