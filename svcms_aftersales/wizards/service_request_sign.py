from odoo import fields, models


class SvcmsServiceRequestSign(models.TransientModel):
    """The customer signs the on-site report on the technician's device (签字确认)."""

    _name = "svcms.service.request.sign"
    _description = "Customer Signature of a Service Request"

    request_id = fields.Many2one("svcms.service.request", string="Service Request", required=True, ondelete="cascade")
    signed_by = fields.Char(string="Customer Name", required=True)
    signature = fields.Binary(string="Customer Signature", required=True)

    def action_sign(self):
        self.ensure_one()
        self.request_id.action_customer_sign(self.signature, self.signed_by)
        return {"type": "ir.actions.act_window_close"}
