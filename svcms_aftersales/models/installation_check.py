from odoo import fields, models


class SvcmsInstallationCheck(models.Model):
    """One item of the installation and commissioning checklist (安装调试检查项) of a request."""

    _name = "svcms.installation.check"
    _description = "Installation Check"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one("svcms.service.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    is_done = fields.Boolean(string="Done")
    note = fields.Char()
