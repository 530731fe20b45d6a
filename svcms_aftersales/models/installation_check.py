from odoo import api, fields, models
from odoo.exceptions import UserError

from .service_request import OPEN_STATES


class SvcmsInstallationCheck(models.Model):
    """One item of the installation and commissioning checklist (安装调试检查项) of a request.

    The customer accepts the installation on the completed checklist: it changes only while the request
    is open.
    """

    _name = "svcms.installation.check"
    _description = "Installation Check"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one("svcms.service.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    is_done = fields.Boolean(string="Done")
    note = fields.Char()

    def _check_request_open(self, requests):
        if self.env.su:
            return
        finished = requests.sudo().filtered(lambda request: request.state not in OPEN_STATES)
        if finished:
            raise UserError(
                self.env._(
                    "%(name)s is finished: its installation checklist can no longer change.",
                    name=finished[0].display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_request_open(
            self.env["svcms.service.request"].browse({v["request_id"] for v in vals_list if v.get("request_id")})
        )
        return super().create(vals_list)

    def write(self, vals):
        self._check_request_open(self.request_id)
        if vals.get("request_id"):
            self._check_request_open(self.env["svcms.service.request"].browse(vals["request_id"]))
        return super().write(vals)

    def unlink(self):
        self._check_request_open(self.request_id)
        return super().unlink()
