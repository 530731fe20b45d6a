from odoo import api, fields, models
from odoo.addons.svcms_base.models.workflow_mixin import Transition
from odoo.exceptions import UserError

MANAGER_GROUP = "svcms_itsm.group_itsm_manager"


class SvcmsRelease(models.Model):
    """A release grouping changes deployed together (ISO/IEC 20000-1 8.5.3).

    planned → built → deploying → deployed → verified, or rolled back with its reason on record. Each
    deployment to an environment is a line; the release is verified only after a successful production
    deployment was verified. A published release shows in the release schedule every internal user reads.
    """

    _name = "svcms.release"
    _description = "Release"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _order = "planned_date desc, id desc"
    _check_company_auto = True

    _svcms_evidence_clauses = {"iso20000": ("8.5.3",)}
    _svcms_evidence_date_field = "planned_date"
    _svcms_evidence_domain = [("state", "!=", "planned")]

    _svcms_transitions = {
        "build": Transition(("planned",), "built", "built_by_id", "built_date", MANAGER_GROUP),
        "deploy": Transition(("built",), "deploying", group=MANAGER_GROUP),
        "mark_deployed": Transition(("deploying",), "deployed", "deployed_by_id", "deployed_date", MANAGER_GROUP),
        "verify": Transition(("deployed",), "verified", "verified_by_id", "verified_date", MANAGER_GROUP),
        "rollback": Transition(
            ("deploying", "deployed"), "rolled_back", "rolled_back_by_id", "rolled_back_date", MANAGER_GROUP
        ),
    }
    _svcms_frozen_fields = "__all__"
    _svcms_editable_states = ("planned", "built", "deploying", "deployed")
    _svcms_writable_when_locked = ("published", "description")
    _svcms_deletable_states = ("planned",)

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    planned_date = fields.Date(tracking=True)
    change_ids = fields.One2many("svcms.change", "release_id", string="Changes")
    release_type = fields.Selection(
        [("major", "Major"), ("minor", "Minor"), ("emergency", "Emergency")],
        string="Type",
        required=True,
        default="minor",
        tracking=True,
    )
    manager_id = fields.Many2one(
        "res.users", string="Release Manager", default=lambda self: self.env.user, tracking=True, check_company=True
    )
    published = fields.Boolean(
        tracking=True, help="Shown with its planned date in the release schedule every internal user can read."
    )
    description = fields.Html(help="What the release brings and whom it concerns.")
    service_ids = fields.Many2many(
        "svcms.service", compute="_compute_service_ids", string="Services", help="Services of the grouped changes."
    )
    deployment_ids = fields.One2many("svcms.release.deployment", "release_id", string="Deployments")
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("built", "Built"),
            ("deploying", "Deploying"),
            ("deployed", "Deployed"),
            ("verified", "Verified"),
            ("rolled_back", "Rolled Back"),
        ],
        required=True,
        default="planned",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    built_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    built_date = fields.Datetime(string="Built On", readonly=True, copy=False)
    deployed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    deployed_date = fields.Datetime(string="Deployed On", readonly=True, copy=False)
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    verified_date = fields.Datetime(string="Verified On", readonly=True, copy=False)
    rolled_back_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    rolled_back_date = fields.Datetime(string="Rolled Back On", readonly=True, copy=False)
    rollback_reason = fields.Text(copy=False, tracking=True, help="Why the release was rolled back.")
    can_build = fields.Boolean(compute="_compute_svcms_can")
    can_deploy = fields.Boolean(compute="_compute_svcms_can")
    can_mark_deployed = fields.Boolean(compute="_compute_svcms_can")
    can_verify = fields.Boolean(compute="_compute_svcms_can")
    can_rollback = fields.Boolean(compute="_compute_svcms_can")

    @api.depends("change_ids.service_ids")
    def _compute_service_ids(self):
        for release in self:
            release.service_ids = release.change_ids.service_ids

    def _svcms_production(self, results=("successful",)):
        self.ensure_one()
        return self.deployment_ids.filtered(lambda d: d.environment == "production" and d.result in results)

    def action_build(self):
        return self._svcms_transition("build")

    def action_deploy(self):
        return self._svcms_transition("deploy")

    def action_mark_deployed(self):
        for release in self:
            if not release._svcms_production():
                raise UserError(
                    self.env._(
                        "Release %(release)s has no successful deployment to production yet.",
                        release=release.display_name,
                    )
                )
        return self._svcms_transition("mark_deployed")

    def action_verify(self):
        for release in self:
            verified = release._svcms_production().filtered(lambda d: (d.verification_note or "").strip())
            if not verified:
                raise UserError(
                    self.env._(
                        "Release %(release)s cannot be marked verified: record the verification of its production "
                        "deployment first (what was checked and the outcome).",
                        release=release.display_name,
                    )
                )
        return self._svcms_transition("verify")

    def action_rollback(self):
        """Roll the release back: the reason, written on the release first, stays on record."""
        for release in self:
            if not (release.rollback_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Write the reason of the rollback of %(release)s in “Rollback Reason” first: it stays on "
                        "the release.",
                        release=release.display_name,
                    )
                )
        return self._svcms_transition("rollback")
