from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .nonconformity import MANAGER_GROUP, OWNER_GROUP

IMPROVEMENT_SOURCES = [
    ("sla", "Missed Service Level"),
    ("audit", "Audit Observation"),
    ("management_review", "Management Review Decision"),
    ("evaluation", "GB/T 27922 Evaluation"),
    ("complaint", "Complaint"),
    ("nonconformity", "Nonconformity"),
    ("suggestion", "Suggestion"),
    ("other", "Other"),
]

LEVELS = [("1", "Low"), ("2", "Medium"), ("3", "High")]
PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High")]


class SvcmsImprovement(models.Model):
    """An opportunity in the continual improvement register (ISO/IEC 20000-1 10.2; procedure No.31 持续改进).

    Proposed by anyone, evaluated (benefit and effort give the priority), approved or rejected by the
    audit/SMS manager, carried out through actions, closed with the benefit actually realised.
    """

    _name = "svcms.improvement"
    _description = "Improvement Opportunity"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "approve": Transition(("draft",), "approved", "approved_by_id", "approved_date", MANAGER_GROUP),
        "reject": Transition(("draft",), "rejected", "approved_by_id", "approved_date", MANAGER_GROUP),
        "start": Transition(("approved",), "in_progress", None, None, OWNER_GROUP),
        "done": Transition(("approved", "in_progress"), "done", "done_by_id", "done_date", OWNER_GROUP),
    }
    _svcms_creator_fields = ("proposed_by_id",)
    _svcms_frozen_fields = ("name", "description", "benefit", "effort", "source_type", "expected_benefit")
    _svcms_editable_states = ("draft",)
    _svcms_field_editable_states = {"realised_benefit": ("approved", "in_progress")}
    _svcms_deletable_states = ("draft",)

    name = fields.Char(string="Title", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, index="trigram", default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True, tracking=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    source_type = fields.Selection(IMPROVEMENT_SOURCES, string="Source", required=True, default="suggestion")
    source_ref = fields.Reference(selection="_selection_source_models", string="Source Record", copy=False)
    description = fields.Html()
    owner_id = fields.Many2one("res.users", tracking=True, index=True)
    state = fields.Selection(
        [
            ("draft", "Proposed"),
            ("approved", "Approved"),
            ("in_progress", "In Progress"),
            ("done", "Realised"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    action_ids = fields.One2many("svcms.capa.action", "improvement_id", string="Actions")

    proposed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    benefit = fields.Selection(LEVELS, string="Expected Benefit", default="2", required=True, tracking=True)
    effort = fields.Selection(LEVELS, default="2", required=True, tracking=True)
    priority = fields.Selection(
        PRIORITIES, compute="_compute_priority", store=True, index=True, help="From the benefit and the effort."
    )
    expected_benefit = fields.Text(string="Expected Benefit Details")
    realised_benefit = fields.Html()
    approved_by_id = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False, tracking=True)
    approved_date = fields.Date(string="Decided On", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", string="Closed By", readonly=True, copy=False)
    done_date = fields.Date(string="Realised On", readonly=True, copy=False, index=True)
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_reject = fields.Boolean(compute="_compute_svcms_can")
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_done = fields.Boolean(compute="_compute_svcms_can")

    def _selection_source_models(self):
        return [
            *self.env["svcms.nonconformity"]._selection_source_models(),
            ("svcms.nonconformity", self.env["svcms.nonconformity"]._description),
            ("svcms.evaluation.line", self.env["svcms.evaluation.line"]._description),
            ("svcms.sla.agreement", self.env["svcms.sla.agreement"]._description),
        ]

    @api.depends("benefit", "effort")
    def _compute_priority(self):
        for improvement in self:
            score = int(improvement.benefit or 2) - int(improvement.effort or 2)
            improvement.priority = "2" if score > 0 else "1" if score == 0 else "0"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = self.env["ir.sequence"].next_by_code("svcms.improvement") or "/"
        return super().create(vals_list)

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for improvement in self:
            reference = improvement.reference
            improvement.display_name = (
                f"{reference} {improvement.name}" if reference and reference != "/" else improvement.name
            )

    # ------------------------------------------------------------------ workflow
    def action_approve(self):
        missing = self.filtered(lambda i: not i.owner_id)
        if missing:
            raise UserError(
                self.env._("Set the owner of %(record)s before approving it.", record=missing[0].display_name)
            )
        return self._svcms_transition("approve")

    def action_reject(self):
        return self._svcms_transition("reject")

    def action_start(self):
        self._check_owner_or_manager()
        return self._svcms_transition("start")

    def action_done(self):
        self._check_owner_or_manager()
        for improvement in self:
            pending = improvement.action_ids.filtered(lambda a: a.state == "open")
            if pending:
                raise UserError(
                    self.env._(
                        "%(record)s still has open actions: %(actions)s.",
                        record=improvement.display_name,
                        actions=", ".join(pending.mapped("name")),
                    )
                )
            if not html2plaintext(improvement.realised_benefit or "").strip():
                raise UserError(
                    self.env._(
                        "Record the benefit realised by %(record)s before closing it.", record=improvement.display_name
                    )
                )
        return self._svcms_transition("done")

    def _check_owner_or_manager(self):
        if self.env.user.has_group(MANAGER_GROUP):
            return
        foreign = self.filtered(lambda i: i.owner_id != self.env.user)
        if foreign:
            raise UserError(
                self.env._("Only the owner of %(record)s or a manager can do this.", record=foreign[0].display_name)
            )
