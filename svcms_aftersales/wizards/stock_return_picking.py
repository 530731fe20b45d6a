from odoo import models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values(self):
        vals = super()._prepare_picking_default_values()
        # Returns processed by the warehouse go to inspection first, never straight back to stock.
        location_id = self.env.context.get("svcms_return_location_id")
        if location_id:
            vals["location_dest_id"] = location_id
        return vals
