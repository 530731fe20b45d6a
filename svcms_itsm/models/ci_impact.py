from odoo import api, fields, models


class SvcmsCiImpact(models.TransientModel):
    """One line of an impact analysis: a CI, service or customer an outage reaches, at a depth."""

    _name = "svcms.ci.impact"
    _description = "Configuration Item Impact"
    _order = "kind, depth, id"

    source_ci_ids = fields.Many2many("svcms.ci", string="Analysed CIs")
    kind = fields.Selection(
        [("ci", "Configuration Item"), ("service", "Service"), ("customer", "Customer")],
        compute="_compute_kind",
        store=True,
    )
    depth = fields.Integer()
    ci_id = fields.Many2one("svcms.ci", string="Configuration Item", ondelete="cascade")
    ci_type_id = fields.Many2one(related="ci_id.type_id")
    ci_status = fields.Selection(related="ci_id.status", string="CI Status")
    service_id = fields.Many2one("svcms.service", ondelete="cascade")
    service_criticality = fields.Selection(related="service_id.criticality")
    customer_id = fields.Many2one("res.partner", ondelete="cascade")

    @api.depends("ci_id", "service_id", "customer_id")
    def _compute_kind(self):
        for line in self:
            line.kind = "ci" if line.ci_id else "service" if line.service_id else "customer"
