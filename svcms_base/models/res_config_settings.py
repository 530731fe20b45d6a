from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Separation of duties per workflow model (system parameter svcms_base.separation_of_duties.<model>).
    svcms_separation_document = fields.Boolean(
        string="Controlled Documents",
        help="Nobody reviews a document they wrote or submitted; nobody approves one they wrote, submitted or "
        "reviewed.",
    )
    svcms_separation_training_plan = fields.Boolean(
        string="Training Plans",
        help="Whoever prepared an annual training plan cannot approve it.",
    )
    svcms_separation_compliance_evaluation = fields.Boolean(
        string="Compliance Evaluations",
        help="Whoever evaluated or recorded a compliance evaluation cannot confirm it.",
    )

    @api.model
    def _svcms_separation_settings(self):
        """{settings field: workflow model} of the separation-of-duties switches (extend to add models)."""
        return {
            "svcms_separation_document": "svcms.document",
            "svcms_separation_training_plan": "svcms.training.plan",
            "svcms_separation_compliance_evaluation": "svcms.compliance.evaluation",
        }

    @api.model
    def get_values(self):
        values = super().get_values()
        for field_name, model_name in self._svcms_separation_settings().items():
            values[field_name] = self.env[model_name]._svcms_separation_enabled()
        return values

    def set_values(self):  # pylint: disable=missing-return; the parent returns None
        super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for field_name, model_name in self._svcms_separation_settings().items():
            # stored as 1/0 so that switching off a model that is on by default sticks
            if self[field_name] != self.env[model_name]._svcms_separation_enabled():
                params.set_param(f"svcms_base.separation_of_duties.{model_name}", "1" if self[field_name] else "0")
