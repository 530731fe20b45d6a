from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsReleaseDeployment(models.Model):
    """The deployment of a release to one environment: when, by whom, the result and its verification."""

    _name = "svcms.release.deployment"
    _description = "Release Deployment"
    _inherit = ["svcms.workflow.line.mixin"]
    _order = "release_id, deployment_date, id"
    _check_company_auto = True

    _svcms_parent_field = "release_id"
    _svcms_parent_lines_field = "deployment_ids"

    release_id = fields.Many2one("svcms.release", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="release_id.company_id", store=True, index=True)
    environment = fields.Selection(
        [("test", "Test"), ("staging", "Staging"), ("production", "Production")], required=True, default="test"
    )
    deployment_date = fields.Datetime(string="Deployed On", required=True, default=fields.Datetime.now)
    deployed_by_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user, check_company=True)
    result = fields.Selection(
        [
            ("pending", "In Progress"),
            ("successful", "Successful"),
            ("failed", "Failed"),
            ("rolled_back", "Rolled Back"),
        ],
        required=True,
        default="pending",
    )
    verification_note = fields.Text(help="What was checked after the deployment, and the outcome.")
    rollback_reason = fields.Text()
    rollback_date = fields.Datetime(string="Rolled Back On")

    @api.constrains("result", "rollback_reason")
    def _check_rollback_reason(self):
        for deployment in self:
            if deployment.result == "rolled_back" and not (deployment.rollback_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "The rolled back deployment of %(release)s to %(environment)s needs the reason of its "
                        "rollback.",
                        release=deployment.release_id.display_name,
                        environment=dict(self._fields["environment"]._description_selection(self.env)).get(
                            deployment.environment
                        ),
                    )
                )

    @api.onchange("result")
    def _onchange_result(self):
        if self.result == "rolled_back" and not self.rollback_date:
            self.rollback_date = fields.Datetime.now()
