from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import AccessError, UserError

OPEN_STATES = ("new", "approval", "approved", "in_progress")
USER_GROUP = "svcms_itsm.group_itsm_user"
APPROVAL_ACTIVITY = "svcms_itsm.mail_activity_type_fulfilment_approval"


class SvcmsServiceFulfilment(models.Model):
    """A service request of the IT catalogue and its fulfilment (ISO/IEC 20000-1 8.6.2): a requester asks
    for a request offering, answers its form, the designated approver approves it when the offering
    requires it, the fulfilment team's agent carries out its tasks and completes it.

    Status and audit trail change only through the transitions declared below (``svcms.workflow.mixin``);
    approving needs the designated approver, who may not be the requester; the SLA engine keeps the
    service level; the team's assignment policy picks the agent (``svcms.team._svcms_assign``).
    """

    _name = "svcms.service.fulfilment"
    _description = "IT Service Request"
    _inherit = [
        "portal.mixin",
        "svcms.intake.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "svcms.sla.mixin",
        "svcms.workflow.mixin",
        "svcms.evidence.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    _svcms_intake_subject_field = "subject"
    _svcms_intake_sequence = "svcms.service.fulfilment"
    _svcms_evidence_clauses = {"iso20000": ("8.6.2",)}
    _svcms_evidence_date_field = "date_requested"
    _svcms_evidence_domain = [("state", "!=", "cancelled")]
    # open work of an agent (team assignment policy "least open work")
    _svcms_open_domain = [("state", "in", OPEN_STATES)]

    _svcms_sla_state_field = "state"
    _svcms_sla_partner_field = "partner_id"
    _svcms_sla_user_field = "user_id"
    _svcms_sla_start_field = "date_requested"

    _svcms_transitions = {
        "submit": Transition(("new",), "approval", schedule=(APPROVAL_ACTIVITY, "approver_user_id")),
        # an offering without approval: the request is approved when submitted
        "accept": Transition(("new",), "approved"),
        "approve": Transition(
            ("approval",),
            "approved",
            "approved_by_id",
            "approved_date",
            distinct_from=("requested_by_id",),
            done=(APPROVAL_ACTIVITY,),
        ),
        "reject": Transition(
            ("approval",),
            "rejected",
            "rejected_by_id",
            "rejected_date",
            distinct_from=("requested_by_id",),
            done=(APPROVAL_ACTIVITY,),
        ),
        "start": Transition(("approved",), "in_progress", None, "started_date", USER_GROUP),
        "done": Transition(("in_progress",), "done", None, "done_date", USER_GROUP),
        "cancel": Transition(("new", "approval", "approved", "in_progress"), "cancelled", group=USER_GROUP),
        "reset": Transition(("rejected", "cancelled"), "new", group=USER_GROUP),
    }
    _svcms_creator_fields = ("requested_by_id",)
    # what was asked for (and approved) stays as it was once submitted
    _svcms_frozen_fields = ("offering_id", "partner_id", "subject", "answers", "description")
    _svcms_editable_states = ("new",)
    # tasks are worked on until the request is done
    _svcms_field_editable_states = {"task_ids": OPEN_STATES}
    _svcms_deletable_states = ("new",)
    # the requester never approves their own request, unless the company switches it off
    _svcms_separation_default = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    offering_id = fields.Many2one(
        "svcms.service.offering", required=True, tracking=True, index=True, check_company=True
    )
    service_id = fields.Many2one(related="offering_id.service_id", store=True, index=True, string="Service")
    partner_id = fields.Many2one(
        "res.partner",
        string="Requester",
        required=True,
        tracking=True,
        index=True,
        default=lambda self: self.env.user.partner_id,
        help="For whom the service is requested.",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id", store=True, index=True)
    requested_by_id = fields.Many2one("res.users", readonly=True, copy=False, help="Who filed the request.")
    channel = fields.Selection(
        [("service_desk", "Service Desk"), ("email", "Email"), ("portal", "Customer Portal"), ("phone", "Phone")],
        required=True,
        default="service_desk",
        tracking=True,
    )
    answers = fields.Properties(definition="offering_id.form_definition", copy=True)
    description = fields.Html()
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [
            ("new", "New"),
            ("approval", "Waiting for Approval"),
            ("approved", "Approved"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        tracking=True,
        index="btree_not_null",
        domain=[("share", "=", False)],
        check_company=True,
    )
    requires_approval = fields.Boolean(related="offering_id.requires_approval")
    approver_user_id = fields.Many2one(
        "res.users",
        string="Approver",
        compute="_compute_approver",
        store=True,
        help="The service owner, when the offering is approved by the service owner.",
    )
    approver_group_id = fields.Many2one("res.groups", compute="_compute_approver", store=True)
    date_requested = fields.Datetime(string="Requested On", required=True, default=fields.Datetime.now, index=True)
    date_deadline = fields.Datetime(
        string="Target Date", compute="_compute_date_deadline", store=True, help="From the offering's target days."
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    rejected_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    rejected_date = fields.Datetime(readonly=True, copy=False)
    rejection_reason = fields.Text(tracking=True)
    started_date = fields.Datetime(readonly=True, copy=False)
    done_date = fields.Datetime(readonly=True, copy=False, index=True)
    task_ids = fields.One2many("svcms.fulfilment.task", "fulfilment_id", string="Tasks", copy=True)
    task_count = fields.Integer(compute="_compute_task_counts", string="Tasks Count")
    task_done_count = fields.Integer(compute="_compute_task_counts", string="Tasks Done")
    can_submit = fields.Boolean(compute="_compute_svcms_can")
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_reject = fields.Boolean(compute="_compute_svcms_can")
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    @api.depends("offering_id", "offering_id.approval_by", "offering_id.approver_group_id", "service_id.owner_id")
    def _compute_approver(self):
        for request in self:
            offering = request.offering_id
            by_owner = offering.approval_by == "owner"
            request.approver_user_id = offering.service_id.owner_id.user_id if by_owner else False
            request.approver_group_id = offering.approver_group_id if not by_owner else False

    @api.depends("date_requested", "offering_id.target_days")
    def _compute_date_deadline(self):
        for request in self:
            days = request.offering_id.target_days
            request.date_deadline = request.date_requested + timedelta(days=days) if days else False

    @api.depends("task_ids.done")
    def _compute_task_counts(self):
        for request in self:
            request.task_count = len(request.task_ids)
            request.task_done_count = len(request.task_ids.filtered("done"))

    def _compute_access_url(self):  # pylint: disable=missing-return; the parent returns None
        super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/it-requests/{request.id}"

    @api.onchange("offering_id")
    def _onchange_offering_id(self):
        if self.offering_id and not self.subject:
            self.subject = self.offering_id.name

    # ------------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        offerings = (
            self.env["svcms.service.offering"]
            .sudo()
            .browse({vals["offering_id"] for vals in vals_list if vals.get("offering_id")})
        )
        by_id = {offering.id: offering for offering in offerings}
        requesters = (
            self.env["res.users"]
            .sudo()
            .browse({vals["requested_by_id"] for vals in vals_list if vals.get("requested_by_id")})
        )
        partner_of = {user.id: user.partner_id.id for user in requesters}
        for vals in vals_list:
            if vals.get("requested_by_id") and not vals.get("partner_id"):
                # the requester is whoever filed the request, unless it is filed for someone else
                vals["partner_id"] = partner_of[vals["requested_by_id"]]
            offering = by_id.get(vals.get("offering_id"))
            if not offering:
                continue
            if not vals.get("subject"):
                vals["subject"] = offering.name
            if "team_id" not in vals and offering.team_id:
                vals["team_id"] = offering.team_id.id
        requests = super().create(vals_list)
        # the offering's tasks, whoever files the request (requesters do not write tasks themselves)
        self.env["svcms.fulfilment.task"].sudo().create(
            [
                {"fulfilment_id": request.id, "name": name, "sequence": index}
                for vals, request in zip(vals_list, requests, strict=True)
                if "task_ids" not in vals and request.offering_id
                for index, name in enumerate(request.offering_id.sudo()._svcms_task_names())
            ]
        )
        requests._svcms_assign_team()
        return requests

    def _svcms_assign_team(self):
        """The agent chosen by each request's team (its assignment policy), once for each team."""
        for team in self.team_id:
            team._svcms_assign(self.filtered(lambda request, team=team: request.team_id == team))
        return True

    # ------------------------------------------------------------------ the approver
    def _svcms_check_transition(self, action):  # pylint: disable=missing-return; the parent returns None
        super()._svcms_check_transition(action)
        if action in ("approve", "reject"):
            self._svcms_check_approver()

    def _svcms_check_approver(self):
        """Only the designated approver decides: the service owner, or a member of the offering's group."""
        user = self.env.user
        for request in self.sudo():
            if request.approver_user_id:
                allowed = request.approver_user_id == user
            elif request.approver_group_id:
                allowed = user in request.approver_group_id.all_user_ids
            else:
                allowed = False
            if not allowed:
                raise AccessError(
                    self.env._(
                        "%(request)s is approved by %(approver)s, not by you.",
                        request=request.display_name,
                        approver=request.approver_user_id.name
                        or request.approver_group_id.full_name
                        or self.env._("nobody (the offering names no approver)"),
                    )
                )

    # ------------------------------------------------------------------ actions
    def action_submit(self):
        """Send the request: to its approver when the offering requires approval, else straight to fulfilment."""
        to_approve = self.filtered("requires_approval")
        nobody = to_approve.filtered(lambda r: not r.approver_user_id and not r.approver_group_id)
        if nobody:
            raise UserError(
                self.env._(
                    "%(request)s needs an approval but its offering names no approver: give the service an owner "
                    "with a user, or the offering an approver group.",
                    request=nobody[0].display_name,
                )
            )
        to_approve._svcms_transition("submit")
        (self - to_approve)._svcms_transition("accept")
        return True

    def action_approve(self):
        self._svcms_transition("approve")
        self._svcms_assign_team()
        return True

    def action_reject(self):
        missing = self.filtered(lambda r: not (r.rejection_reason or "").strip())
        if missing:
            raise UserError(
                self.env._("Give the reason for rejecting %(request)s first.", request=missing[0].display_name)
            )
        self._svcms_transition("reject")
        return True

    def action_start(self):
        unassigned = self.filtered(lambda request: not request.user_id)
        self._svcms_transition("start")
        # whoever starts an unassigned request takes it
        unassigned.write({"user_id": self.env.uid})
        return True

    def action_done(self):
        open_tasks = self.filtered(lambda r: r.task_ids.filtered(lambda task: not task.done))
        if open_tasks:
            raise UserError(
                self.env._(
                    "%(request)s still has open tasks: %(tasks)s. Finish them before completing the request.",
                    request=open_tasks[0].display_name,
                    tasks=", ".join(open_tasks[0].task_ids.filtered(lambda task: not task.done).mapped("name")),
                )
            )
        self._svcms_transition("done")
        self._svcms_sla_event("resolution")
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_reset(self):
        return self._svcms_transition(
            "reset",
            {
                "approved_by_id": False,
                "approved_date": False,
                "rejected_by_id": False,
                "rejected_date": False,
                "started_date": False,
                "done_date": False,
            },
        )

    # ------------------------------------------------------------------ portal
    @api.model
    def _svcms_portal_request(self, offering, answers, description=""):
        """File and submit a request of ``offering`` for the portal user (``offering`` must be visible to them)."""
        partner = self.env.user.partner_id
        visible = (
            self.env["svcms.service.offering"]
            .sudo()
            .search([("id", "=", offering.id), *self.env["svcms.service.offering"]._svcms_portal_domain(partner)])
        )
        if not visible:
            raise UserError(self.env._("This service request is not available to you."))
        request = self._svcms_portal_create(
            {
                "offering_id": visible.id,
                "subject": visible.name,
                "answers": answers,
                "description": description,
                "company_id": visible.company_id.id,
                # created as superuser: the creator field is filled here
                "requested_by_id": self.env.uid,
            }
        )
        request.sudo().action_submit()
        return request

    def _message_post_after_hook(self, message, msg_vals):
        # a public reply from an agent is the first response the requester gets
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            self
            and message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id.user_ids.filtered(lambda user: not user.share)
        ):
            self._svcms_sla_event("first_response")
        return result
