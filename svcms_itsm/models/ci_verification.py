from odoo import fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError
from odoo.fields import Domain

AGENT_GROUP = "svcms_itsm.group_itsm_user"


class SvcmsCiVerification(models.Model):
    """A verification campaign of the configuration items at planned intervals (ISO/IEC 20000-1 8.2.6):
    each CI in scope is checked against reality; differences are followed up."""

    _name = "svcms.ci.verification"
    _description = "CI Verification Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _order = "planned_date desc, id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.2.6",)}
    _svcms_evidence_date_field = "planned_date"
    _svcms_evidence_domain = [("state", "=", "closed")]

    _svcms_transitions = {
        "start": Transition(("draft",), "in_progress", "started_by_id", "started_date", AGENT_GROUP),
        "close": Transition(("in_progress",), "closed", "closed_by_id", "closed_date", AGENT_GROUP),
        "cancel": Transition(("draft", "in_progress"), "cancelled", group=AGENT_GROUP),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("draft", "in_progress")
    _svcms_field_editable_states = {
        "ci_type_ids": ("draft",),
        "location": ("draft",),
    }
    _svcms_deletable_states = ("draft", "cancelled")

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    ci_type_ids = fields.Many2many("svcms.ci.type", string="CI Types", help="Empty: every type.")
    location = fields.Char(help="Only the CIs whose location contains this text (e.g. the server room). Empty: all.")
    planned_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    responsible_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True, check_company=True)
    line_ids = fields.One2many("svcms.ci.verification.line", "verification_id", string="Lines")
    line_count = fields.Integer(compute="_compute_line_stats", string="CIs")
    verified_count = fields.Integer(compute="_compute_line_stats", string="Verified")
    difference_count = fields.Integer(compute="_compute_line_stats", string="Differences")
    state = fields.Selection(
        [("draft", "Planned"), ("in_progress", "In Progress"), ("closed", "Closed"), ("cancelled", "Cancelled")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    started_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    started_date = fields.Datetime(string="Started On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    can_start = fields.Boolean(compute="_compute_svcms_can")
    can_close = fields.Boolean(compute="_compute_svcms_can")
    can_cancel = fields.Boolean(compute="_compute_svcms_can")

    def _compute_line_stats(self):
        counts = {
            (verification.id, result): count
            for verification, result, count in self.env["svcms.ci.verification.line"]._read_group(
                [("verification_id", "in", self.ids)], ["verification_id", "result"], ["__count"]
            )
        }
        for campaign in self:
            by_result = {result: count for (cid, result), count in counts.items() if cid == campaign.id}
            campaign.line_count = sum(by_result.values())
            campaign.verified_count = campaign.line_count - by_result.get(False, 0)
            campaign.difference_count = by_result.get("differs", 0) + by_result.get("not_found", 0)

    def _svcms_scope_domain(self):
        self.ensure_one()
        domain = Domain("company_id", "=", self.company_id.id) & Domain("status", "!=", "retired")
        if self.ci_type_ids:
            domain &= Domain("type_id", "in", self.ci_type_ids.ids)
        if self.location:
            domain &= Domain("location", "ilike", self.location)
        return domain

    def action_generate_lines(self):
        """Add a line for every CI in scope that has none yet."""
        vals_list = []
        for campaign in self:
            cis = self.env["svcms.ci"].search(campaign._svcms_scope_domain())
            missing = cis - campaign.line_ids.ci_id
            vals_list += [{"verification_id": campaign.id, "ci_id": ci.id} for ci in missing]
        self.env["svcms.ci.verification.line"].create(vals_list)
        return True

    def action_start(self):
        self.action_generate_lines()
        for campaign in self:
            if not campaign.line_ids:
                raise UserError(
                    self.env._(
                        "No configuration item is in the scope of campaign %(campaign)s: widen its CI types or "
                        "location.",
                        campaign=campaign.display_name,
                    )
                )
        return self._svcms_transition("start")

    def action_close(self):
        for campaign in self:
            pending = campaign.line_ids.filtered(lambda line: not line.result)
            if pending:
                raise UserError(
                    self.env._(
                        "Campaign %(campaign)s cannot be closed: %(count)s configuration items are not verified yet "
                        "(%(cis)s).",
                        campaign=campaign.display_name,
                        count=len(pending),
                        cis=", ".join(pending[:5].ci_id.mapped("display_name")),
                    )
                )
            missing = campaign.line_ids.filtered(lambda line: line.result != "found" and not line.follow_up)
            if missing:
                raise UserError(
                    self.env._(
                        "Campaign %(campaign)s cannot be closed: give the follow-up action of each difference "
                        "(%(cis)s).",
                        campaign=campaign.display_name,
                        cis=", ".join(missing[:5].ci_id.mapped("display_name")),
                    )
                )
        self._svcms_transition("close")
        self.line_ids._svcms_schedule_follow_ups()
        return True

    def action_cancel(self):
        return self._svcms_transition("cancel")

    def action_open_differences(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Differences"),
            "res_model": "svcms.ci.verification.line",
            "view_mode": "list,form",
            "domain": [("verification_id", "=", self.id), ("result", "in", ("differs", "not_found"))],
        }
