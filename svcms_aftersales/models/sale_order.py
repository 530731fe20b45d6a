from odoo import fields, models
from odoo.addons.svcms_base.tools import related_counts


class SaleOrder(models.Model):
    _inherit = "sale.order"

    svcms_request_ids = fields.One2many(
        "svcms.service.request",
        "sale_order_id",
        string="Service Requests",
        groups="svcms_aftersales.group_aftersales_technician",
    )
    svcms_return_order_ids = fields.One2many("svcms.return.order", "sale_order_id", string="Return Orders")
    svcms_return_order_count = fields.Integer(compute="_compute_svcms_return_order_count", string="Return Orders Count")

    def _compute_svcms_return_order_count(self):
        counts = related_counts(self, "svcms.return.order", "sale_order_id", sudo=True)
        for order in self:
            order.svcms_return_order_count = counts.get(order.id, 0)

    def action_svcms_view_return_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Orders"),
            "res_model": "svcms.return.order",
            "view_mode": "list,form",
            "domain": [("sale_order_id", "=", self.id)],
        }
