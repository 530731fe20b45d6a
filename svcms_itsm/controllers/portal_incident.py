from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import plaintext2html

OPEN_STATES = ("new", "assigned", "in_progress", "waiting")


class IncidentPortal(CustomerPortal):
    """Callers report IT incidents and follow them; record rules decide which incidents they see."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "incident_count" in counters:
            Incident = request.env["svcms.incident"]
            values["incident_count"] = Incident.search_count([]) if Incident.has_access("read") else 0
        return values

    def _incident_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("state", "in", OPEN_STATES)]},
            "resolved": {"label": request.env._("Resolved"), "domain": [("state", "in", ("resolved", "closed"))]},
        }

    def _incident_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_reported desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }

    @http.route(["/my/incidents", "/my/incidents/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_incidents(self, page=1, sortby="date", filterby="all", **kw):
        Incident = request.env["svcms.incident"]
        if not Incident.has_access("read"):
            return request.redirect("/my")
        filters, sortings = self._incident_filters(), self._incident_sortings()
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "date"
        # the record rules restrict the search to the caller's own incidents (or their company's)
        domain = Domain(filters[filterby]["domain"])
        count = Incident.search_count(domain)
        pager = portal_pager(
            url="/my/incidents",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        incidents = Incident.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_incidents_history"] = incidents.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "incidents": incidents,
                "page_name": "incident",
                "default_url": "/my/incidents",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("svcms_itsm.portal_my_incidents", values)

    @http.route("/my/incidents/<int:incident_id>", type="http", auth="public", website=True)
    def portal_my_incident(self, incident_id, access_token=None, message=None, **kw):
        try:
            incident = self._document_check_access("svcms.incident", incident_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            incident,
            access_token,
            {
                "incident": incident,
                "page_name": "incident",
                "message": message,
                # names only: portal users have no access to the catalogue itself
                "service_names": ", ".join(incident.sudo().service_ids.mapped("name")),
                "assignee_name": incident.sudo().user_id.name,
            },
            "my_incidents_history",
            False,
        )
        return request.render("svcms_itsm.portal_incident_page", values)

    def _portal_incident_services(self):
        """The live services the caller's company subscribes to."""
        partner = request.env.user.partner_id.commercial_partner_id
        return (
            request.env["svcms.service"]
            .sudo()
            .search([("customer_ids", "in", partner.ids), ("status", "=", "live")], order="sequence, code, id")
        )

    @http.route("/my/incidents/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_incident_new(self, error=None, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {"page_name": "incident_new", "services": self._portal_incident_services(), "error": error, "form": kw}
        )
        return request.render("svcms_itsm.portal_incident_new", values)

    @http.route("/my/incidents/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_incident_submit(self, subject="", description="", service_id=None, **kw):
        subject, description = subject.strip(), description.strip()
        form = {"subject": subject, "description": description, "service_id": service_id}
        if not subject or not description:
            return self.portal_incident_new(
                error=request.env._("Please give a subject and describe what does not work."), **form
            )
        services = self._portal_incident_services()
        service = services.filtered(lambda s: str(s.id) == str(service_id))[:1]
        if service_id and not service:
            return self.portal_incident_new(error=request.env._("Choose one of the services listed."), **form)
        try:
            # the caller is the portal user's partner and the uploads are checked before anything is created
            incident = request.env["svcms.incident"]._svcms_portal_create(
                {
                    "subject": subject,
                    "description": plaintext2html(description),
                    "service_ids": [(6, 0, service.ids)],
                    "company_id": service.company_id.id or request.env.user.company_id.id,
                },
                request.httprequest.files.getlist("attachments"),
            )
        except UserError as error:
            return self.portal_incident_new(error=error.args[0], **form)
        return request.redirect(f"/my/incidents/{incident.id}?message=created")
