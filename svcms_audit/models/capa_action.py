from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.cron_failure_mixin import CRON_FAILURE_FIELDS
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from .nonconformity import AUDITOR_GROUP, DEFAULT_VERIFICATION_DELAY, MANAGER_GROUP, OWNER_GROUP

OVERDUE_ACTIVITY = "svcms_audit.mail_activity_capa_overdue"
VERIFY_ACTIVITY = "svcms_audit.mail_activity_capa_verify"


class SvcmsCapaAction(models.Model):
    """A correction, corrective or preventive action of a nonconformity (or of an improvement).

    Its owner (or a manager) marks it done; its effectiveness is verified, by someone who owns none of
    the actions of the nonconformity, on the planned date (done + the nonconformity's delay). Verified
    ineffective, it stays as history and the nonconformity opens again for new actions.
    """

    _name = "svcms.capa.action"
    _description = "Corrective / Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.cron.failure.mixin"]
    _order = "deadline, id"
    _check_company_auto = True

    _svcms_transitions = {
        "done": Transition(("open",), "done", "done_by_id", "done_date", OWNER_GROUP, done=(OVERDUE_ACTIVITY,)),
        "verify_effective": Transition(
            ("done",),
            "effective",
            "verified_by_id",
            "verified_date",
            AUDITOR_GROUP,
            ("owner_id",),
            done=(VERIFY_ACTIVITY,),
        ),
        "verify_ineffective": Transition(
            ("done",),
            "ineffective",
            "verified_by_id",
            "verified_date",
            AUDITOR_GROUP,
            ("owner_id",),
            done=(VERIFY_ACTIVITY,),
        ),
        "cancel": Transition(("open",), "cancelled", None, None, AUDITOR_GROUP, done=(OVERDUE_ACTIVITY,)),
    }
    # nobody verifies their own action
    _svcms_separation_default = True
    _svcms_fixed_fields = ("nonconformity_id", "improvement_id")
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("open",)
    _svcms_writable_when_locked = ("verification_note", "verifier_id", *CRON_FAILURE_FIELDS)
    _svcms_deletable_states = ("open",)

    name = fields.Char(string="Action", required=True, tracking=True)
    nonconformity_id = fields.Many2one("svcms.nonconformity", index=True, ondelete="cascade", check_company=True)
    improvement_id = fields.Many2one("svcms.improvement", index=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    action_type = fields.Selection(
        [("correction", "Correction"), ("corrective", "Corrective Action"), ("preventive", "Preventive Action")],
        string="Type",
        required=True,
        default="corrective",
    )
    owner_id = fields.Many2one("res.users", required=True, index=True, tracking=True)
    deadline = fields.Date(required=True, tracking=True, index=True, default=lambda self: self._default_deadline())
    done_date = fields.Date(string="Done On", readonly=True, copy=False)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("done", "Done"),
            ("effective", "Verified Effective"),
            ("ineffective", "Verified Ineffective"),
            ("cancelled", "Cancelled"),
        ],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    description = fields.Text(string="What Will Be Done")
    done_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    verifier_id = fields.Many2one(
        "res.users",
        tracking=True,
        help="Who verifies the effectiveness (not an owner of the actions). Empty: whoever raised the nonconformity.",
    )
    verification_planned_date = fields.Date(
        string="Verification Planned On", compute="_compute_verification_planned_date", store=True, index=True
    )
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    verified_date = fields.Date(string="Verified On", readonly=True, copy=False, index=True)
    verification_note = fields.Text(string="Verification Evidence")
    effective_first_time = fields.Boolean(
        string="Effective at First Verification", compute="_compute_effective_first_time", store=True
    )
    overdue = fields.Boolean(compute="_compute_overdue", search="_search_overdue")
    can_done = fields.Boolean(compute="_compute_svcms_can")
    can_verify_effective = fields.Boolean(compute="_compute_svcms_can")
    can_verify_ineffective = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    @api.model
    def _default_deadline(self):
        return fields.Date.context_today(self) + timedelta(days=30)

    @api.constrains("nonconformity_id", "improvement_id")
    def _check_parent(self):
        for action in self:
            if not action.nonconformity_id and not action.improvement_id:
                raise ValidationError(
                    self.env._("Action “%(action)s” belongs to no nonconformity or improvement.", action=action.name)
                )

    @api.constrains("verifier_id", "owner_id")
    def _check_verifier(self):
        for action in self:
            if action.verifier_id and action.verifier_id == action.owner_id:
                raise ValidationError(
                    self.env._(
                        "Action “%(action)s”: its owner cannot verify its effectiveness; choose another verifier.",
                        action=action.name,
                    )
                )

    # ------------------------------------------------------------------ computes
    @api.depends("done_date", "nonconformity_id.verification_delay_days")
    def _compute_verification_planned_date(self):
        for action in self:
            delay = action.nonconformity_id.verification_delay_days if action.nonconformity_id else None
            if delay is None:
                delay = DEFAULT_VERIFICATION_DELAY
            action.verification_planned_date = action.done_date and action.done_date + timedelta(days=delay)

    @api.depends("state")
    def _compute_effective_first_time(self):
        # an action is verified once: effective or ineffective, never both
        for action in self:
            action.effective_first_time = action.state == "effective"

    @api.depends("state", "deadline")
    @api.depends_context("uid")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.overdue = action.state == "open" and bool(action.deadline) and action.deadline < today

    def _search_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue actions."))
        domain = Domain("state", "=", "open") & Domain("deadline", "<", fields.Date.context_today(self))
        return domain if (operator == "=") == value else ~domain

    # ------------------------------------------------------------------ create
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                parent = self.env["svcms.nonconformity"].browse(vals.get("nonconformity_id") or ())
                parent = parent or self.env["svcms.improvement"].browse(vals.get("improvement_id") or ())
                if parent and parent.state in ("closed", "cancelled", "done", "rejected"):
                    raise UserError(
                        self.env._(
                            "%(record)s is %(state)s: no action can be added to it.",
                            record=parent.display_name,
                            state=parent._svcms_state_label(parent.state),
                        )
                    )
        actions = super().create(vals_list)
        actions.nonconformity_id._svcms_action_added()
        return actions

    # ------------------------------------------------------------------ guard extension
    def _svcms_check_transition(self, action):  # pylint: disable=missing-return; the parent returns None
        super()._svcms_check_transition(action)
        if action == "done" and not self.env.user.has_group(MANAGER_GROUP):
            foreign = self.filtered(lambda a: a.owner_id != self.env.user)
            if foreign:
                raise AccessError(
                    self.env._(
                        "Only the owner of “%(action)s” (%(owner)s) or a manager can mark it done.",
                        action=foreign[0].name,
                        owner=foreign[0].owner_id.name,
                    )
                )
        if action.startswith("verify_") and self._svcms_separation_enabled():
            for record in self.sudo():
                owners = record.nonconformity_id.action_ids.owner_id | record.owner_id
                if self.env.user in owners:
                    raise UserError(
                        self.env._(
                            "Separation of duties: you own an action of %(record)s and cannot verify the "
                            "effectiveness of its actions. Someone else must do it.",
                            record=(record.nonconformity_id or record).display_name,
                        )
                    )

    # ------------------------------------------------------------------ workflow
    def action_done(self):
        self._svcms_transition("done")
        for action in self.sudo():
            verifier = action.verifier_id or action.nonconformity_id.create_uid or action.improvement_id.owner_id
            if not verifier or verifier == action.owner_id or not action.nonconformity_id:
                continue
            addressed = action._svcms_for_user(verifier)
            addressed.activity_schedule(
                VERIFY_ACTIVITY,
                user_id=verifier.id,
                date_deadline=action.verification_planned_date,
                summary=addressed._svcms_activity_summary(VERIFY_ACTIVITY),
            )
        self.nonconformity_id._svcms_sync_state()
        return True

    def action_verify_effective(self):
        self._check_verification_note()
        self._svcms_transition("verify_effective")
        self.nonconformity_id._svcms_sync_state()
        return True

    def action_verify_ineffective(self):
        self._check_verification_note()
        self._svcms_transition("verify_ineffective")
        for action in self:
            action.nonconformity_id._svcms_reopen_for_new_actions(action)
        return True

    def action_cancel(self):
        self._svcms_transition("cancel")
        self.nonconformity_id._svcms_sync_state()
        return True

    def _check_verification_note(self):
        missing = self.filtered(lambda a: not (a.verification_note or "").strip())
        if missing:
            raise UserError(
                self.env._("Record the evidence of the verification of “%(action)s” first.", action=missing[0].name)
            )

    # ------------------------------------------------------------------ overdue reminders
    @api.model
    def _cron_remind_overdue(self, limit=1000):
        """Daily: an activity for the owner of every overdue open action that has none yet (no duplicates)."""
        activity_type = self.env.ref(OVERDUE_ACTIVITY, raise_if_not_found=False)
        if not activity_type:
            return True
        domain = (
            Domain("state", "=", "open")
            & Domain("deadline", "<", fields.Date.context_today(self))
            & Domain("activity_ids", "not any", [("activity_type_id", "=", activity_type.id)])
            & self._svcms_cron_retry_domain()
        )
        actions = self.search(domain, limit=limit)
        actions._svcms_cron_process(lambda records: records._svcms_schedule_overdue(activity_type))
        return True

    def _svcms_schedule_overdue(self, activity_type):
        self._svcms_schedule_activities_once(
            activity_type,
            lambda action: {
                "user_id": action.owner_id.id,
                "summary": action._svcms_for_user(action.owner_id)._svcms_activity_summary(OVERDUE_ACTIVITY),
            },
        )
