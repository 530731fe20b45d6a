from odoo import http
from odoo.http import request


class SvcmsRecallPortal(http.Controller):
    @http.route("/recalls", type="http", auth="public", website=True, readonly=True)
    def recalls(self, **kwargs):
        # Searched with the visitor's rights (portal and public see published notices only), shown with sudo
        # because anonymous visitors may not read products.
        disclosures = request.env["svcms.defect.disclosure"].search([("published", "=", True)])
        return request.render("svcms_aftersales.portal_recalls", {"disclosures": disclosures.sudo()})
