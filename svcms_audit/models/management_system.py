from odoo import api, fields, models

from .audit import DUE_MONTHS
from .evaluation import LEVELS

# how long before the due date the people in charge are reminded
REMIND_DAYS = 30


class SvcmsManagementSystem(models.Model):
    """What the audit addon adds to a management system: its last GB/T 27922 evaluation and the reminders of
    evaluations and management reviews due (processed by crons that record their failures on the system)."""

    _name = "svcms.management.system"
    _inherit = ["svcms.management.system", "svcms.cron.failure.mixin", "svcms.lang.mixin"]

    evaluation_ids = fields.One2many("svcms.evaluation", "management_system_id", string="GB/T 27922 Evaluations")
    last_evaluation_level = fields.Selection(
        LEVELS,
        string="Evaluation Level",
        compute="_compute_last_evaluation",
        store=True,
        help="Level reached by the last approved GB/T 27922 evaluation.",
    )
    last_evaluation_date = fields.Date(
        string="Last Evaluation",
        compute="_compute_last_evaluation",
        store=True,
        help="Date of the last approved GB/T 27922 evaluation.",
    )
    last_evaluation_score = fields.Float(
        string="Evaluation Score", digits=(5, 1), compute="_compute_last_evaluation", store=True
    )

    @api.depends("evaluation_ids.state", "evaluation_ids.evaluation_date", "evaluation_ids.level")
    def _compute_last_evaluation(self):
        # every reader of the management system sees its level, whoever may read the evaluations
        evaluations = (
            self.env["svcms.evaluation"]
            .sudo()
            .search_fetch(
                [("management_system_id", "in", self.ids), ("state", "=", "approved")],
                ["management_system_id", "evaluation_date", "level", "score"],
                order="evaluation_date desc, id desc",
            )
        )
        last = {}
        for evaluation in evaluations:
            last.setdefault(evaluation.management_system_id.id, evaluation)
        for system in self:
            evaluation = last.get(system.id)
            system.last_evaluation_level = evaluation.level if evaluation else False
            system.last_evaluation_date = evaluation.evaluation_date if evaluation else False
            system.last_evaluation_score = evaluation.score if evaluation else 0.0

    def action_view_evaluations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_audit.action_svcms_evaluation")
        action["domain"] = [("management_system_id", "=", self.id)]
        action["context"] = {"default_management_system_id": self.id}
        return action

    def _svcms_remind_evaluations_due(self):
        """GB/T 27922: an activity for the management representative when a supervisory evaluation (yearly) or a
        re-evaluation (every three years) falls due within a month and none is planned."""
        Audit = self.env["svcms.audit"].sudo()
        due_dates = Audit._svcms_evaluation_due_dates(self)
        horizon = fields.Date.add(fields.Date.context_today(self), days=REMIND_DAYS)
        planned = {
            (system.id, audit_type)
            for system, audit_type in Audit._read_group(
                [
                    ("management_system_id", "in", self.ids),
                    ("audit_type", "in", list(DUE_MONTHS)),
                    ("state", "in", ("draft", "in_progress", "reported")),
                ],
                ["management_system_id", "audit_type"],
            )
        }
        activity_xmlids = {
            "supervisory": "svcms_audit.mail_activity_supervisory_due",
            "re_evaluation": "svcms_audit.mail_activity_re_evaluation_due",
        }
        for system in self:
            user = system.representative_id.user_id or system.create_uid
            for audit_type, activity_xmlid in activity_xmlids.items():
                activity_type = self.env.ref(activity_xmlid)
                due = due_dates[system.id, audit_type]
                if due > horizon or (system.id, audit_type) in planned:
                    continue
                if system.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t):
                    continue
                addressed = system._svcms_for_user(user)
                labels = dict(Audit._fields["audit_type"]._description_selection(addressed.env))
                addressed.activity_schedule(
                    activity_xmlid,
                    date_deadline=max(due, fields.Date.context_today(self)),
                    user_id=user.id,
                    summary=addressed.env._(
                        "%(type)s of %(system)s due on %(date)s",
                        type=labels[audit_type],
                        system=system.display_name,
                        date=fields.Date.to_string(due),
                    ),
                )

    def _svcms_schedule_review_reminder(self):
        activity_xmlid = "svcms_audit.mail_activity_type_management_review_due"
        for system in self:
            user = system.representative_id.user_id
            addressed = system._svcms_for_user(user)
            addressed.activity_schedule(
                activity_xmlid,
                user_id=user.id,
                note=addressed.env._(
                    "No approved management review of %(system)s in the last twelve months: plan one.",
                    system=system.display_name,
                ),
            )
