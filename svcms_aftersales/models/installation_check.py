from odoo import fields, models


class SvcmsInstallationCheck(models.Model):
    """One item of the installation and commissioning checklist (安装调试检查项) of a request.

    The customer accepts the installation on the completed checklist: it changes only while the request
    is open.
    """

    _name = "svcms.installation.check"
    _description = "Installation Check"
    _inherit = ["svcms.workflow.line.mixin"]
    # a finished request's checklist is its record: it changes again only if the request is reopened
    _svcms_parent_field = "request_id"
    _svcms_parent_lines_field = "installation_check_ids"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one("svcms.service.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    is_done = fields.Boolean(string="Done")
    note = fields.Char()
