from odoo import api, fields, models


class SvcmsServiceRequest(models.Model):
    """Customer relationship around a request: its return visit and the complaints about it."""

    _inherit = "svcms.service.request"

    return_visit_ids = fields.One2many(
        "svcms.return.visit", "request_id", string="Return Visits", groups="svcms_aftersales.group_aftersales_user"
    )
    complaint_ids = fields.One2many(
        "svcms.complaint", "service_request_id", string="Complaints", groups="svcms_aftersales.group_aftersales_user"
    )
    complaint_count = fields.Integer(
        compute="_compute_complaint_count", groups="svcms_aftersales.group_aftersales_user"
    )
    return_visit_count = fields.Integer(
        compute="_compute_return_visit_count", groups="svcms_aftersales.group_aftersales_user"
    )

    def _compute_complaint_count(self):
        counts = dict(
            self.env["svcms.complaint"]._read_group(
                [("service_request_id", "in", self.ids)], ["service_request_id"], ["__count"]
            )
        )
        for request in self:
            request.complaint_count = counts.get(request, 0)

    def _compute_return_visit_count(self):
        counts = dict(
            self.env["svcms.return.visit"]._read_group([("request_id", "in", self.ids)], ["request_id"], ["__count"])
        )
        for request in self:
            request.return_visit_count = counts.get(request, 0)

    def write(self, vals):
        # The return visit is planned when the request closes (回访 N days later, company setting).
        closing = self.filtered(lambda r: r.state != "closed") if vals.get("state") == "closed" else self.browse()
        result = super().write(vals)
        if closing:
            self.env["svcms.return.visit"]._plan_for_requests(closing)
        return result

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        closed = requests.filtered(lambda r: r.state == "closed")
        if closed:
            self.env["svcms.return.visit"]._plan_for_requests(closed)
        return requests

    def action_view_complaints(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complaints"),
            "res_model": "svcms.complaint",
            "view_mode": "list,form",
            "domain": [("service_request_id", "=", self.id)],
            "context": {"default_service_request_id": self.id, "default_partner_id": self.partner_id.id},
        }

    def action_view_return_visits(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return Visits"),
            "res_model": "svcms.return.visit",
            "view_mode": "list,form",
            "domain": [("request_id", "=", self.id)],
            "context": {"default_request_id": self.id, "default_partner_id": self.partner_id.id},
        }
