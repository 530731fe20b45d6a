from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    svcms_request_ids = fields.One2many(
        "svcms.service.request",
        "sale_line_id",
        string="Service Requests",
        groups="svcms_aftersales.group_aftersales_technician",
    )
    svcms_warranty_start_date = fields.Date(
        string="Warranty Start",
        compute="_compute_svcms_warranty",
        help="First done delivery of the line to the customer, else the invoice date.",
    )
    svcms_warranty_end_date = fields.Date(string="Warranty End", compute="_compute_svcms_warranty")

    @api.depends("move_ids.state", "move_ids.date", "invoice_lines.move_id.invoice_date")
    def _compute_svcms_warranty(self):
        delivered = dict(
            self.env["stock.move"]
            .sudo()
            ._read_group(
                [
                    ("sale_line_id", "in", self.ids),
                    ("state", "=", "done"),
                    ("location_dest_id.usage", "=", "customer"),
                ],
                ["sale_line_id"],
                ["date:min"],
            )
        )
        policies = self.env["svcms.warranty.policy"].sudo()._policy_by_product(self.product_id)
        for line in self:
            start = delivered.get(line) and delivered[line].date()
            if not start:
                invoice_dates = (
                    line.sudo()
                    .invoice_lines.move_id.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
                    .mapped("invoice_date")
                )
                start = min(invoice_dates) if invoice_dates else False
            policy = policies.get(line.product_id.id)
            line.svcms_warranty_start_date = start
            line.svcms_warranty_end_date = policy._warranty_end(start) if policy and start else False
