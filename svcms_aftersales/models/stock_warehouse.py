from odoo import api, fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    svcms_return_location_id = fields.Many2one(
        "stock.location",
        string="Returns Inspection Location",
        check_company=True,
        help="Internal location where returned goods wait for inspection before being restocked, "
        "scrapped or repaired.",
    )

    def _svcms_get_return_location(self):
        """Return the inspection location, creating it on first use so every warehouse has one."""
        self.ensure_one()
        if not self.svcms_return_location_id:
            # Outside the stock location: returned goods are not sellable until inspected.
            self.sudo().svcms_return_location_id = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Returns Inspection"),
                        "usage": "internal",
                        "location_id": self.view_location_id.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self.svcms_return_location_id

    @api.model
    def _svcms_ensure_return_locations(self):
        for warehouse in self.sudo().search([]):
            warehouse._svcms_get_return_location()
        return True
