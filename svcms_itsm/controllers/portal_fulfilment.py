from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import plaintext2html

OPEN_STATES = ("new", "approval", "approved", "in_progress")


class FulfilmentPortal(CustomerPortal):
    """IT service requests on the portal (/my/it-requests): the catalogue of the offerings of the services the
    customer's company subscribes to, the request form of an offering, and the customer's own requests.
    Record rules decide what the customer sees; filing goes through ``_svcms_portal_create``."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "it_request_count" in counters:
            Request = request.env["svcms.service.fulfilment"]
            values["it_request_count"] = Request.search_count([]) if Request.has_access("read") else 0
        return values

    def _it_request_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("In Progress"), "domain": [("state", "in", OPEN_STATES)]},
            "done": {"label": request.env._("Done"), "domain": [("state", "=", "done")]},
            "closed": {
                "label": request.env._("Rejected or Cancelled"),
                "domain": [("state", "in", ("rejected", "cancelled"))],
            },
        }

    def _portal_offerings(self):
        Offering = request.env["svcms.service.offering"]
        if not Offering.has_access("read"):
            return Offering
        # the domain follows the service (not readable by portal users); the record rule says the same
        domain = Offering._svcms_portal_domain(request.env.user.partner_id)
        return Offering.sudo().search(domain).sudo(False)

    @http.route(["/my/it-requests", "/my/it-requests/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_it_requests(self, page=1, filterby="all", **kw):
        Request = request.env["svcms.service.fulfilment"]
        if not Request.has_access("read"):
            return request.redirect("/my")
        filters = self._it_request_filters()
        filterby = filterby if filterby in filters else "all"
        domain = filters[filterby]["domain"]
        count = Request.search_count(domain)
        pager = portal_pager(
            url="/my/it-requests", url_args={"filterby": filterby}, total=count, page=page, step=self._items_per_page
        )
        requests = Request.search(domain, order="id desc", limit=self._items_per_page, offset=pager["offset"])
        request.session["my_it_requests_history"] = requests.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "it_requests": requests,
                "page_name": "it_request",
                "default_url": "/my/it-requests",
                "pager": pager,
                "searchbar_filters": filters,
                "filterby": filterby,
                "offerings": self._portal_offerings(),
            }
        )
        return request.render("svcms_itsm.portal_my_it_requests", values)

    @http.route("/my/it-requests/catalogue", type="http", auth="user", website=True)
    def portal_it_catalogue(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "it_catalogue", "offerings": self._portal_offerings()})
        return request.render("svcms_itsm.portal_it_catalogue", values)

    @http.route("/my/it-requests/<int:request_id>", type="http", auth="public", website=True)
    def portal_my_it_request(self, request_id, access_token=None, message=None, **kw):
        try:
            it_request = self._document_check_access("svcms.service.fulfilment", request_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values_by_name = it_request.sudo().answers or {}
        answers = [
            (prop, values_by_name.get(prop["name"])) for prop in it_request.sudo().offering_id._svcms_portal_fields()
        ]
        values = self._get_page_view_values(
            it_request,
            access_token,
            {
                "it_request": it_request,
                "page_name": "it_request",
                "message": message,
                "answers": answers,
                "offering_name": it_request.sudo().offering_id.name,
                "promises": it_request.sla_line_ids.filtered(lambda line: line.state != "cancelled"),
            },
            "my_it_requests_history",
            False,
        )
        return request.render("svcms_itsm.portal_it_request_page", values)

    def _portal_offering(self, offering_id):
        return self._portal_offerings().filtered(lambda offering: offering.id == offering_id)

    @http.route("/my/it-requests/new/<int:offering_id>", type="http", auth="user", website=True, methods=["GET"])
    def portal_it_request_new(self, offering_id, error=None, form=None, **kw):
        offering = self._portal_offering(offering_id)
        if not offering:
            return request.redirect("/my/it-requests/catalogue")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "it_request_new",
                "offering": offering,
                "form_fields": offering._svcms_portal_fields(),
                "error": error,
                "form": form or {},
            }
        )
        return request.render("svcms_itsm.portal_it_request_new", values)

    @http.route("/my/it-requests/new/<int:offering_id>", type="http", auth="user", website=True, methods=["POST"])
    def portal_it_request_submit(self, offering_id, description="", **kw):
        offering = self._portal_offering(offering_id)
        if not offering:
            return request.redirect("/my/it-requests/catalogue")
        form = {**kw, "description": description}
        try:
            answers = offering._svcms_parse_answers(kw)
            it_request = request.env["svcms.service.fulfilment"]._svcms_portal_request(
                offering, answers, plaintext2html(description.strip()) if description.strip() else False
            )
        except UserError as error:
            return self.portal_it_request_new(offering_id, error=error.args[0], form=form)
        return request.redirect(f"/my/it-requests/{it_request.id}?message=created")
