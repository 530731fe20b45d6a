from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SvcmsServiceRequestPart(models.Model):
    """A spare part used on a service request (on-site report).

    The parts of a finished request are part of what the customer signed: they change only while the
    request is open.
    """

    _name = "svcms.service.request.part"
    _description = "Service Request Part"
    _inherit = ["svcms.workflow.line.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"gbt27922": ("2.4.3",)}
    _svcms_evidence_date_field = "request_id.request_date"
    _svcms_evidence_domain = [("request_id.state", "in", ("done", "closed"))]
    _svcms_parent_field = "request_id"
    _svcms_parent_lines_field = "part_line_ids"
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
    _price_unit_positive = models.Constraint("CHECK(price_unit >= 0)", "The unit price of a part cannot be negative.")

    @api.depends("quantity", "price_unit", "free_of_charge")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = 0.0 if line.free_of_charge else line.quantity * line.price_unit

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.price_unit = self.product_id.lst_price
            self.free_of_charge = self.request_id.under_warranty

    # ------------------------------------------------------------------ checks
    def _check_amounts(self, values_list):
        for values in values_list:
            if "quantity" in values and (values["quantity"] or 0.0) <= 0:
                raise ValidationError(self.env._("The quantity of a part used must be positive."))
            if (values.get("price_unit") or 0.0) < 0:
                raise ValidationError(self.env._("The unit price of a part cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        # a clear message before the database constraint refuses the row
        self._check_amounts(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_amounts([vals])
        return super().write(vals)
