import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.cron_failure_mixin import CRON_FAILURE_FIELDS
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import ValidationError
from odoo.fields import Domain

MANAGER_GROUP = "svcms_itsm.group_itsm_manager"


class SvcmsContinuityPlan(models.Model):
    """A service continuity plan (ISO/IEC 20000-1 8.7.2): when it is invoked, how fast the services come back
    (RTO) and how much data may be lost (RPO), the procedures and whom to call, and how often it is tested.

    A plan must be tested again after every change with a major impact on its services: a done change
    ending after the plan's last test shows on the plan, and a daily scheduled action reminds the plan's
    owner once per change, and once when the planned test interval is due.
    """

    _name = "svcms.continuity.plan"
    _description = "Service Continuity Plan"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "svcms.workflow.mixin",
        "svcms.evidence.mixin",
        "svcms.cron.failure.mixin",
    ]
    _order = "name, id"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.7.2",)}
    _svcms_evidence_date_field = None
    _svcms_evidence_domain = [("state", "=", "active")]

    _svcms_transitions = {
        "approve": Transition(("draft",), "active", "approved_by_id", "approved_date", MANAGER_GROUP),
        "retire": Transition(("active",), "retired", group=MANAGER_GROUP),
        "reset": Transition(("retired",), "draft", group=MANAGER_GROUP),
    }
    # what the reminders already covered: written by the scheduled action only
    _svcms_workflow_fields = ("reminded_change_ids", "interval_reminded_date")
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("draft", "active")
    _svcms_writable_when_locked = CRON_FAILURE_FIELDS
    _svcms_deletable_states = ("draft",)

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    owner_id = fields.Many2one(
        "res.users", string="Plan Owner", default=lambda self: self.env.user, tracking=True, check_company=True
    )
    service_ids = fields.Many2many("svcms.service", string="Services", check_company=True)
    invocation_criteria = fields.Html(help="When the plan is invoked: which outage, for how long, decided by whom.")
    rto_hours = fields.Float(
        string="RTO (hours)", tracking=True, help="Recovery time objective: the services are back within this time."
    )
    rpo_hours = fields.Float(
        string="RPO (hours)", tracking=True, help="Recovery point objective: at most this much data may be lost."
    )
    procedures = fields.Html(help="Recovery procedures, step by step, and where the backups and spare systems are.")
    contact_employee_ids = fields.Many2many("hr.employee", string="Contacts (Employees)", check_company=True)
    contact_partner_ids = fields.Many2many("res.partner", string="Contacts (External)")
    test_interval_months = fields.Integer(string="Test Interval (months)", default=12, tracking=True)
    test_ids = fields.One2many("svcms.continuity.test", "plan_id", string="Tests")
    last_test_date = fields.Date(compute="_compute_last_test_date", store=True, string="Last Test")
    next_test_date = fields.Date(
        compute="_compute_next_test_date",
        store=True,
        readonly=False,
        tracking=True,
        string="Next Test",
        help="The last test plus the test interval; may be brought forward.",
    )
    test_required_change_ids = fields.Many2many(
        "svcms.change",
        compute="_compute_test_required",
        search="_search_test_required",
        string="Changes Requiring a Test",
        compute_sudo=True,
    )
    test_required_note = fields.Char(compute="_compute_test_required", string="Test Required", compute_sudo=True)
    reminded_change_ids = fields.Many2many(
        "svcms.change",
        "svcms_continuity_plan_reminded_change_rel",
        "plan_id",
        "change_id",
        string="Changes Reminded",
        readonly=True,
        copy=False,
    )
    interval_reminded_date = fields.Date(string="Interval Reminder For", readonly=True, copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("retired", "Retired")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_retire = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    @api.constrains("rto_hours", "rpo_hours", "test_interval_months")
    def _check_objectives(self):
        for plan in self:
            if plan.rto_hours < 0 or plan.rpo_hours < 0:
                raise ValidationError(
                    self.env._(
                        "The RTO and RPO of continuity plan %(plan)s are durations in hours: they cannot be "
                        "negative.",
                        plan=plan.display_name,
                    )
                )
            if plan.test_interval_months < 1:
                raise ValidationError(
                    self.env._(
                        "Continuity plan %(plan)s must be tested at least every so many months: the test interval "
                        "must be 1 month or more.",
                        plan=plan.display_name,
                    )
                )

    @api.depends("test_ids.state", "test_ids.test_date")
    def _compute_last_test_date(self):
        tests = (
            self.env["svcms.continuity.test"]
            .sudo()
            ._read_group([("plan_id", "in", self.ids), ("state", "=", "done")], ["plan_id"], ["test_date:max"])
        )
        last = {plan.id: date for plan, date in tests}
        for plan in self:
            plan.last_test_date = last.get(plan.id, False)

    @api.depends("last_test_date", "test_interval_months")
    def _compute_next_test_date(self):
        for plan in self:
            if plan.last_test_date:
                plan.next_test_date = plan.last_test_date + relativedelta(months=plan.test_interval_months or 12)
            elif not plan.next_test_date:
                plan.next_test_date = False

    # ------------------------------------------------------------------ test required after a major change

    @api.private
    def _svcms_changes_requiring_test(self):
        """``{plan id: changes}``: done changes with a major impact on the plan's services that ended after
        the plan's last test (any, for a plan never tested). One search over the changes for all of ``self``."""
        plans = self.filtered("service_ids")
        if not plans:
            return {}
        domain = (
            Domain("is_major_impact", "=", True)
            & Domain("state", "=", "done")
            & Domain("actual_end", "!=", False)
            & Domain("service_ids", "in", plans.service_ids.ids)
        )
        if all(plans.mapped("last_test_date")):
            oldest = min(plans.mapped("last_test_date"))
            domain &= Domain("actual_end", ">=", datetime.datetime.combine(oldest, datetime.time.min))
        changes = self.env["svcms.change"].sudo().search_fetch(domain, ["name", "actual_end", "service_ids"])
        result = {}
        for plan in plans:
            found = changes.filtered(
                lambda change, plan=plan: change.service_ids & plan.service_ids
                and (not plan.last_test_date or change.actual_end.date() > plan.last_test_date)
            )
            if found:
                result[plan.id] = found
        return result

    @api.depends("service_ids", "last_test_date")
    def _compute_test_required(self):
        required = self._svcms_changes_requiring_test()
        for plan in self:
            changes = required.get(plan.id, self.env["svcms.change"])
            plan.test_required_change_ids = changes
            plan.test_required_note = (
                self.env._("Test required after change %(changes)s", changes=", ".join(changes.mapped("name")))
                if changes
                else False
            )

    def _search_test_required(self, operator, value):
        """Plans with (``!= False``) or without (``= False``) changes requiring a test."""
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        if not values or any(v not in (False, None) for v in values):
            return NotImplemented
        plans = self.sudo().search([("state", "=", "active")])
        ids = list(plans._svcms_changes_requiring_test())
        if operator in ("!=", "not in"):
            return [("id", "in", ids)]
        if operator in ("=", "in"):
            return [("id", "not in", ids)]
        return NotImplemented

    # ------------------------------------------------------------------ reminders

    @api.model
    def _cron_schedule_test_reminders(self):
        """Remind the owners of active plans: once per major change done since the last test, and once when
        the planned test interval is due. A plan the reminder failed on is marked and skipped for today."""
        plans = self.search(Domain("state", "=", "active") & self._svcms_cron_retry_domain())
        required = plans._svcms_changes_requiring_test()
        today = fields.Date.context_today(self)
        due = plans.filtered(
            lambda plan: (required.get(plan.id, self.env["svcms.change"]) - plan.reminded_change_ids)
            or (
                plan.next_test_date
                and plan.next_test_date <= today
                and plan.interval_reminded_date != plan.next_test_date
            )
        )
        due._svcms_cron_process(lambda batch: batch._svcms_schedule_test_reminders(required))
        return True

    def _svcms_interval_due(self, today):
        """The planned test date has come and its reminder was not sent yet."""
        self.ensure_one()
        return bool(
            self.next_test_date and self.next_test_date <= today and self.interval_reminded_date != self.next_test_date
        )

    def _svcms_schedule_test_reminders(self, required):
        activity_type = self.env.ref("svcms_itsm.mail_activity_type_continuity_test")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        activities = []
        for plan in self:
            owner = plan.owner_id or plan.create_uid
            # in the owner's language: the scheduled action has none
            addressed = plan._svcms_for_user(owner)
            new_changes = required.get(plan.id, self.env["svcms.change"]) - plan.reminded_change_ids
            values = {}
            if new_changes:
                activities.append(
                    {
                        "activity_type_id": activity_type.id,
                        "res_model_id": model_id,
                        "res_id": plan.id,
                        "user_id": owner.id,
                        "date_deadline": today,
                        "summary": addressed.env._(
                            "Test required after change %(changes)s", changes=", ".join(new_changes.mapped("name"))
                        ),
                        "automated": True,
                    }
                )
                values["reminded_change_ids"] = [fields.Command.link(change.id) for change in new_changes]
            if plan._svcms_interval_due(today):
                activities.append(
                    {
                        "activity_type_id": activity_type.id,
                        "res_model_id": model_id,
                        "res_id": plan.id,
                        "user_id": owner.id,
                        "date_deadline": plan.next_test_date,
                        "summary": addressed.env._(
                            "Continuity test due: %(plan)s (every %(months)s months)",
                            plan=plan.name,
                            months=plan.test_interval_months,
                        ),
                        "automated": True,
                    }
                )
                values["interval_reminded_date"] = plan.next_test_date
            if values:
                plan._svcms_write_workflow(values)
        self.env["mail.activity"].sudo().create(activities)

    # ------------------------------------------------------------------ workflow

    def action_approve(self):
        return self._svcms_transition("approve")

    def action_retire(self):
        return self._svcms_transition("retire")

    def action_reset(self):
        return self._svcms_transition("reset")
