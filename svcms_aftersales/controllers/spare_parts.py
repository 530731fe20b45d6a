from odoo import http
from odoo.http import request


class SvcmsSparePartsPortal(http.Controller):
    @http.route("/spare-parts", type="http", auth="public", website=True, sitemap=True, readonly=True)
    def spare_parts(self, **kwargs):
        """The public spare parts price list (配件价格公示) required by the 三包 rules."""
        # Only published parts, prices and what they fit are shown: nothing private leaves through sudo.
        parts = (
            request.env["product.template"]
            .sudo()
            .search(
                [("svcms_is_spare_part", "=", True), ("svcms_part_published", "=", True), ("sale_ok", "=", True)],
                order="name",
            )
        )
        return request.render("svcms_aftersales.portal_spare_parts", {"parts": parts})
