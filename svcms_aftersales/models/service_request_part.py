from odoo import api, fields, models


class SvcmsServiceRequestPart(models.Model):
    """A spare part used on a service request (on-site report)."""

    _name = "svcms.service.request.part"
    _description = "Service Request Part"
    _order = "request_id, sequence, id"
    _check_company_auto = True

    request_id = fields.Many2one("svcms.service.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", string="Part", required=True, check_company=True)
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    free_of_charge = fields.Boolean(
        string="Free of Charge", help="Covered by the warranty: the customer is not charged for this part."
    )
    price_subtotal = fields.Float(string="Amount", compute="_compute_price_subtotal", digits="Product Price")

    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The quantity of a part used must be positive.")

    @api.depends("quantity", "price_unit", "free_of_charge")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = 0.0 if line.free_of_charge else line.quantity * line.price_unit

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.price_unit = self.product_id.lst_price
            self.free_of_charge = self.request_id.under_warranty
