from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    svcms_return_visit_delay = fields.Integer(
        string="Return Visit Delay (days)",
        default=3,
        help="Days after a service request is closed when the return visit (回访) is planned.",
    )
    svcms_return_visit_missed_after = fields.Integer(
        string="Return Visit Missed After (days)",
        default=7,
        help="A planned return visit still not done this many days after its date is marked missed.",
    )
    svcms_service_hotline = fields.Char(
        string="Service Hotline",
        help="Phone number of the service hotline (服务热线) given to customers on the portal.",
    )
    svcms_refund_approval_limit = fields.Monetary(
        string="Refund Approval Limit",
        currency_field="currency_id",
        default=5000.0,
        help="Refunds above this amount must be approved by an after-sales manager.",
    )

    @api.constrains("svcms_refund_approval_limit")
    def _check_svcms_refund_approval_limit(self):
        for company in self:
            if company.currency_id.compare_amounts(company.svcms_refund_approval_limit, 0.0) < 0:
                raise ValidationError(self.env._("The refund approval limit of %s cannot be negative.", company.name))
