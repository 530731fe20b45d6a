from odoo import fields, models
from odoo.addons.svcms_base.tools import related_counts


class StockPicking(models.Model):
    _inherit = "stock.picking"

    svcms_return_order_id = fields.Many2one(
        "svcms.return.order", string="Return Order", index="btree_not_null", copy=False, readonly=True
    )
    svcms_return_order_ids = fields.One2many("svcms.return.order", "picking_id", string="Return Orders")
    svcms_return_order_count = fields.Integer(compute="_compute_svcms_return_order_count", string="Return Orders Count")

    def _compute_svcms_return_order_count(self):
        counts = related_counts(self, "svcms.return.order", "picking_id", sudo=True)
        for picking in self:
            picking.svcms_return_order_count = counts.get(picking.id, 0)

    def _action_done(self):
        res = super()._action_done()
        # Whoever validates a return receipt in Inventory may have no rights on return orders.
        self.sudo().svcms_return_order_id.filtered(lambda order: order.return_picking_id in self)._on_return_received()
        self._svcms_create_installations()
        return res

    def _svcms_create_installations(self):
        """Deliveries to customers of products that need installation get their installation requests."""
        deliveries = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing" and p.location_dest_id.usage == "customer"
        )
        move_lines = deliveries.move_line_ids.filtered(
            lambda line: line.product_id.installation_required and line.quantity > 0
        )
        if move_lines:
            self.env["svcms.service.request"]._svcms_create_installations(move_lines)

    def action_svcms_create_return_order(self):
        """Start a return order from a done delivery to a customer."""
        self.ensure_one()
        product = self.move_ids.product_id
        lot = self.move_line_ids.lot_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Order"),
            "res_model": "svcms.return.order",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_picking_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_product_id": product.id if len(product) == 1 else False,
                "default_lot_id": lot.id if len(lot) == 1 else False,
                "default_company_id": self.company_id.id,
            },
        }

    def action_svcms_view_return_orders(self):
        self.ensure_one()
        orders = self.svcms_return_order_ids | self.svcms_return_order_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Orders"),
            "res_model": "svcms.return.order",
            "view_mode": "list,form",
            "domain": [("id", "in", orders.ids)],
        }
