from odoo import http
from odoo.addons.portal.controllers import portal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request


class ServiceRequestPortal(portal.CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_request_count" in counters:
            Request = request.env["svcms.service.request"]
            values["service_request_count"] = Request.search_count([]) if Request.has_access("read") else 0
        if "svcms_product_count" in counters:
            values["svcms_product_count"] = len(
                request.env["svcms.service.request"]._portal_delivered_lots(request.env.user.partner_id)
            )
        return values

    def _svcms_hotline(self):
        """The service hotline of the portal user's company (company settings), for the empty states."""
        return request.env.user.company_id.sudo().svcms_service_hotline or ""

    @http.route(["/my/products"], type="http", auth="user", website=True, readonly=True)
    def portal_my_products(self, **kw):
        """The customer's delivered serials with their 三包 status, open requests and recall alerts."""
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "products": request.env["svcms.service.request"]._portal_products(request.env.user.partner_id),
                "page_name": "svcms_product",
                "hotline": self._svcms_hotline(),
            }
        )
        return request.render("svcms_aftersales.portal_my_products", values)

    @http.route(
        ["/my/service-requests", "/my/service-requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_service_requests(self, page=1, serial=None, **kw):
        Request = request.env["svcms.service.request"]
        values = self._prepare_portal_layout_values()
        # record rules keep a portal customer to their own requests (a designated service contact: the company's)
        domain = []
        url_args = {}
        if serial and str(serial).isdigit():
            domain, url_args = [("lot_id", "=", int(serial))], {"serial": serial}
        count = Request.search_count(domain)
        pager = portal_pager(
            url="/my/service-requests", url_args=url_args, total=count, page=page, step=self._items_per_page
        )
        requests_ = Request.search(domain, limit=self._items_per_page, offset=pager["offset"])
        request.session["my_service_requests_history"] = requests_.ids[:100]
        values.update(
            {
                "service_requests": requests_,
                "page_name": "service_request",
                "pager": pager,
                "hotline": self._svcms_hotline(),
            }
        )
        return request.render("svcms_aftersales.portal_my_service_requests", values)

    @http.route(["/my/service-requests/<int:request_id>"], type="http", auth="public", website=True, readonly=True)
    def portal_my_service_request(self, request_id, access_token=None, report_type=None, download=False, **kw):
        try:
            request_sudo = self._document_check_access("svcms.service.request", request_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=request_sudo,
                report_type=report_type,
                report_ref="svcms_aftersales.action_report_service_request",
                download=download,
            )
        values = self._get_page_view_values(
            request_sudo,
            access_token,
            {"service_request": request_sudo, "page_name": "service_request"},
            "my_service_requests_history",
            False,
        )
        return request.render("svcms_aftersales.portal_my_service_request", values)

    @http.route(["/my/service-requests/new"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_new_service_request(self, **post):
        partner = request.env.user.partner_id
        Request = request.env["svcms.service.request"]
        error = None
        if request.httprequest.method == "POST":
            try:
                # the customer is the portal user's partner; the photos are checked before anything is created
                service_request = Request._portal_create(
                    int(post.get("lot_id") or 0),
                    post.get("request_type"),
                    post.get("description"),
                    request.httprequest.files.getlist("photos"),
                )
            except (UserError, ValueError) as e:
                error = str(e.args[0]) if e.args else str(e)
            else:
                return request.redirect(f"/my/service-requests/{service_request.id}")
        values = self._prepare_portal_layout_values()
        types = dict(Request._fields["request_type"]._description_selection(request.env))
        values.update(
            {
                "page_name": "service_request_new",
                "lots": Request._portal_delivered_lots(partner),
                "request_types": [(code, types[code]) for code in Request.PORTAL_TYPES],
                "error": error,
                "post": post,
                "hotline": self._svcms_hotline(),
            }
        )
        return request.render("svcms_aftersales.portal_new_service_request", values)
