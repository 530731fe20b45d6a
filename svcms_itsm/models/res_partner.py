from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    svcms_itsm_contact = fields.Boolean(
        string="Designated IT Contact",
        help="A portal user whose contact is flagged sees every incident of their company on the portal, "
        "not only the incidents they reported.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "svcms_itsm_contact" in vals:
            # the portal record rules read the flag: cached rule domains must follow it
            self.env.registry.clear_cache()
        return result
