from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    svcms_service_id = fields.Many2one(
        "svcms.service",
        string="IT Service",
        compute="_compute_svcms_service_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        help="The IT service whose budget this cost counts against (by default the single service of the bill's "
        "supplier contract).",
    )

    @api.depends("move_id.svcms_contract_id", "display_type")
    def _compute_svcms_service_id(self):
        for line in self:
            services = line.move_id.svcms_contract_id.service_ids
            if line.display_type == "product" and len(services) == 1:
                line.svcms_service_id = services
            elif not line.svcms_service_id or line.display_type != "product":
                line.svcms_service_id = False
