from odoo import fields, models


class SvcmsSlaTestJob(models.Model):
    """A consumer whose status is a many2one stage (``_svcms_sla_stage_code_field``)."""

    _name = "svcms.sla.test.job"
    _description = "SLA Test Job"
    _inherit = ["svcms.sla.mixin"]

    _svcms_sla_state_field = "stage_id"
    _svcms_sla_stage_code_field = "code"

    name = fields.Char(required=True)
    stage_id = fields.Many2one("svcms.sla.test.stage", required=True)
    partner_id = fields.Many2one("res.partner")
    user_id = fields.Many2one("res.users")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
