import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import ValidationError
from odoo.fields import Domain

MANAGER_GROUP = "svcms_audit.group_audit_manager"


class SvcmsAuditProgramme(models.Model):
    """The audit programme of a management system for one year (GB/T 19011 clause 5)."""

    _name = "svcms.audit.programme"
    _description = "Audit Programme"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin"]
    _order = "year desc, id desc"
    _check_company_auto = True

    _svcms_transitions = {
        "approve": Transition(("draft",), "approved", "approved_by_id", "approved_date", MANAGER_GROUP),
        "complete": Transition(("approved",), "done", None, None, MANAGER_GROUP),
        "reset": Transition(("approved",), "draft", None, None, MANAGER_GROUP),
    }
    _svcms_frozen_fields = (
        "name",
        "management_system_id",
        "year",
        "cycle_months",
        "objectives",
        "risks",
        "criteria",
        "resources",
        "clause_ids",
        "process_ids",
        "department_ids",
    )
    _svcms_deletable_states = ("draft",)

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    management_system_id = fields.Many2one("svcms.management.system", required=True, index=True, check_company=True)
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, index=True)
    audit_ids = fields.One2many("svcms.audit", "programme_id", string="Audits")
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("done", "Completed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    cycle_months = fields.Integer(
        string="Cycle (Months)",
        required=True,
        default=12,
        tracking=True,
        help="Every clause and process of the scope must be audited within this many months up to the end of "
        "the programme's year (12 for a yearly cycle, 36 for a certification cycle).",
    )
    objectives = fields.Html(help="What the audit programme is to achieve (GB/T 19011 5.2).")
    risks = fields.Html(string="Risks and Opportunities", help="Risks to achieving the programme's objectives.")
    criteria = fields.Text(
        string="Audit Criteria", help="Standards, procedures and requirements the audits compare against."
    )
    resources = fields.Html(help="Auditors, time, budget and tools the programme needs.")
    clause_ids = fields.Many2many(
        "svcms.clause", "svcms_audit_programme_clause_rel", "programme_id", "clause_id", string="Clauses in Scope"
    )
    process_ids = fields.Many2many(
        "svcms.process",
        "svcms_audit_programme_process_rel",
        "programme_id",
        "process_id",
        string="Processes in Scope",
        check_company=True,
    )
    department_ids = fields.Many2many(
        "hr.department",
        "svcms_audit_programme_department_rel",
        "programme_id",
        "department_id",
        string="Departments in Scope",
        check_company=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    planned_audit_count = fields.Integer(string="Planned Audits", compute="_compute_completion")
    approved_audit_count = fields.Integer(string="Completed Audits", compute="_compute_completion")
    completion_rate = fields.Float(string="Completion (%)", compute="_compute_completion", digits=(5, 1))
    coverage_warning = fields.Text(
        compute="_compute_coverage",
        help="Clauses and processes of the scope that no audit of the programme or of its cycle covers.",
    )
    has_coverage_gap = fields.Boolean(string="Scope Not Covered", compute="_compute_coverage")
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_complete = fields.Boolean(compute="_compute_svcms_can")
    can_reset = fields.Boolean(compute="_compute_svcms_can")

    _year_check = models.Constraint("CHECK(year > 1900 AND year < 3000)", "The year of a programme must be a year.")

    @api.constrains("cycle_months")
    def _check_cycle_months(self):
        for programme in self:
            if not 1 <= programme.cycle_months <= 60:
                raise ValidationError(
                    self.env._(
                        "The cycle of an audit programme lasts from 1 to 60 months (%(name)s).", name=programme.name
                    )
                )

    def _cycle_bounds(self):
        """First and last day of the programme's cycle: ``cycle_months`` up to the end of its year."""
        self.ensure_one()
        end = datetime.date(self.year, 12, 31)
        start = end + relativedelta(days=1) - relativedelta(months=self.cycle_months)
        return start, end

    @api.depends("audit_ids.state")
    def _compute_completion(self):
        counts = {
            (programme.id, state): count
            for programme, state, count in self.env["svcms.audit"]._read_group(
                [("programme_id", "in", self.ids)], ["programme_id", "state"], ["__count"]
            )
        }
        for programme in self:
            planned = sum(
                count for (pid, state), count in counts.items() if pid == programme.id and state != "cancelled"
            )
            approved = counts.get((programme.id, "approved"), 0)
            programme.planned_audit_count = planned
            programme.approved_audit_count = approved
            programme.completion_rate = 100.0 * approved / planned if planned else 0.0

    def _covering_audits(self):
        """Audits (not cancelled) of the programme, or of its system whose start lies within its cycle."""
        self.ensure_one()
        return self._covering_audits_by_programme()[self.id]

    def _covering_audits_by_programme(self):
        """{programme id: its covering audits (see ``_covering_audits``)}, in one search for all of ``self``."""
        bounds = {programme.id: programme._cycle_bounds() for programme in self}
        domain = Domain("programme_id", "in", self.ids)
        for programme in self:
            start, end = bounds[programme.id]
            domain |= (
                Domain("management_system_id", "=", programme.management_system_id.id)
                & Domain("date_start", ">=", start)
                & Domain("date_start", "<=", end)
            )
        audits = self.env["svcms.audit"].sudo().search(Domain("state", "!=", "cancelled") & domain)
        return {
            programme.id: audits.filtered(
                lambda audit, programme=programme: audit.programme_id.id == programme.id
                or (
                    audit.management_system_id.id == programme.management_system_id.id
                    and bounds[programme.id][0] <= audit.date_start <= bounds[programme.id][1]
                )
            )
            for programme in self
        }

    @api.depends(
        "clause_ids",
        "process_ids",
        "cycle_months",
        "year",
        "audit_ids.clause_ids",
        "audit_ids.process_ids",
        "audit_ids.state",
    )
    def _compute_coverage(self):
        Clause = self.env["svcms.clause"]
        checked = self.filtered(lambda programme: programme.id and (programme.clause_ids or programme.process_ids))
        (self - checked).coverage_warning = False
        (self - checked).has_coverage_gap = False
        audits_by_programme = checked._covering_audits_by_programme()
        # an audited clause covers its (active) sub-clauses: one search for the audited clauses of all programmes
        audited = self.env["svcms.audit"].union(*audits_by_programme.values()).clause_ids
        below = Clause.search([("id", "child_of", audited.ids)]) if audited else Clause
        for programme in checked:
            audits = audits_by_programme[programme.id]
            covered = below.filtered(
                lambda clause, roots=audits.clause_ids: any(
                    clause.parent_path.startswith(root.parent_path) for root in roots
                )
            )
            clauses = programme.clause_ids - covered
            processes = programme.process_ids - audits.process_ids
            messages = []
            if clauses:
                messages.append(
                    self.env._(
                        "Clauses not audited within the cycle: %(clauses)s",
                        clauses=", ".join(clauses.sorted(lambda c: (c.sequence, c.code)).mapped("display_name")),
                    )
                )
            if processes:
                messages.append(
                    self.env._(
                        "Processes not audited within the cycle: %(processes)s",
                        processes=", ".join(processes.mapped("display_name")),
                    )
                )
            programme.coverage_warning = "\n".join(messages) or False
            programme.has_coverage_gap = bool(messages)

    def action_approve(self):
        return self._svcms_transition("approve")

    def action_complete(self):
        return self._svcms_transition("complete")

    def action_reset(self):
        return self._svcms_transition("reset")

    def action_view_audits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_audit.action_svcms_audit")
        action["domain"] = [("programme_id", "=", self.id)]
        action["context"] = {
            "default_programme_id": self.id,
            "default_management_system_id": self.management_system_id.id,
        }
        return action
