from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    svcms_service_contact = fields.Boolean(
        string="Designated service contact",
        groups="svcms_aftersales.group_aftersales_user",
        help="On the portal, this contact sees every service request and complaint of their company, not only "
        "their own.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if any(vals.get("svcms_service_contact") for vals in vals_list):
            # the portal record rules read the flag: their cached domains are stale now
            self.env.registry.clear_cache()
        return partners

    def write(self, vals):
        result = super().write(vals)
        if "svcms_service_contact" in vals:
            self.env.registry.clear_cache()
        return result
