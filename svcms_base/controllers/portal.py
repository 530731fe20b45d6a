from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import plaintext2html


class ComplaintPortal(CustomerPortal):
    """Customers file and follow their own complaints; record rules decide what "their own" is."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["svcms.complaint"]
            values["complaint_count"] = Complaint.search_count([]) if Complaint.has_access("read") else 0
        return values

    def _complaint_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("In Progress"),
                "domain": [("state", "in", ("new", "acknowledged", "investigating", "waiting", "reopened"))],
            },
            "resolved": {"label": request.env._("To Confirm"), "domain": [("state", "=", "resolved")]},
            "closed": {"label": request.env._("Closed"), "domain": [("state", "in", ("closed", "cancelled"))]},
        }

    def _complaint_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_received desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_my_complaints(self, page=1, sortby="date", filterby="all", **kw):
        Complaint = request.env["svcms.complaint"]
        if not Complaint.has_access("read"):
            return request.redirect("/my")
        filters, sortings = self._complaint_filters(), self._complaint_sortings()
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "date"
        # the record rules restrict the search to the customer's own complaints
        domain = Domain(filters[filterby]["domain"])
        count = Complaint.search_count(domain)
        pager = portal_pager(
            url="/my/complaints",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        complaints = Complaint.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_complaints_history"] = complaints.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "complaints": complaints,
                "page_name": "complaint",
                "default_url": "/my/complaints",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("svcms_base.portal_my_complaints", values)

    @http.route("/my/complaints/<int:complaint_id>", type="http", auth="public", website=True, readonly=True)
    def portal_my_complaint(self, complaint_id, access_token=None, message=None, **kw):
        try:
            complaint = self._document_check_access("svcms.complaint", complaint_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            complaint,
            access_token,
            {
                "complaint": complaint,
                "page_name": "complaint",
                "message": message,
                "promises": complaint.sla_line_ids.filtered(lambda line: line.state != "cancelled"),
            },
            "my_complaints_history",
            False,
        )
        return request.render("svcms_base.portal_complaint_page", values)

    @http.route("/my/complaints/new", type="http", auth="user", website=True, methods=["GET"], readonly=True)
    def portal_complaint_new(self, error=None, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "complaint_new",
                "categories": self._portal_categories(),
                "error": error,
                "form": kw,
            }
        )
        return request.render("svcms_base.portal_complaint_new", values)

    def _portal_categories(self):
        company = request.env.user.company_id
        return request.env["svcms.complaint.category"].sudo().search([("company_id", "in", [False, company.id])])

    @http.route("/my/complaints/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_complaint_submit(self, subject="", description="", category_id=None, phone="", **kw):
        subject, description = subject.strip(), description.strip()
        form = {"subject": subject, "description": description, "phone": phone, "category_id": category_id}
        if not subject or not description:
            return self.portal_complaint_new(
                error=request.env._("Please give a subject and describe what happened."), **form
            )
        category = self._portal_categories().filtered(lambda c: str(c.id) == str(category_id))[:1]
        partner = request.env.user.partner_id
        try:
            # the customer is the portal user's partner and the uploads are checked before anything is created
            complaint = request.env["svcms.complaint"]._svcms_portal_create(
                {
                    "subject": subject,
                    "description": plaintext2html(description),
                    "phone": phone or partner.phone,
                    "email_from": partner.email,
                    "category_id": category.id,
                },
                request.httprequest.files.getlist("attachments"),
            )
        except UserError as error:
            return self.portal_complaint_new(error=error.args[0], **form)
        return request.redirect(f"/my/complaints/{complaint.id}?message=created")

    @http.route("/my/complaints/<int:complaint_id>/confirm", type="http", auth="user", website=True, methods=["POST"])
    def portal_complaint_confirm(self, complaint_id, satisfaction=None, comment="", **kw):
        try:
            complaint = self._document_check_access("svcms.complaint", complaint_id)
            complaint._confirm_by_customer(satisfaction, comment.strip() or None)
        except (AccessError, MissingError):
            return request.redirect("/my")
        except UserError:
            return request.redirect(f"/my/complaints/{complaint_id}?message=rating")
        if comment.strip():
            complaint.with_user(request.env.user).message_post(
                body=plaintext2html(comment.strip()), message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        return request.redirect(f"/my/complaints/{complaint_id}?message=confirmed")

    @http.route("/my/complaints/<int:complaint_id>/reopen", type="http", auth="user", website=True, methods=["POST"])
    def portal_complaint_reopen(self, complaint_id, reason="", **kw):
        try:
            complaint = self._document_check_access("svcms.complaint", complaint_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not reason.strip() or complaint.state not in ("resolved", "closed"):
            return request.redirect(f"/my/complaints/{complaint_id}?message=reason")
        complaint.action_reopen()
        complaint.with_user(request.env.user).message_post(
            body=plaintext2html(reason.strip()), message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        return request.redirect(f"/my/complaints/{complaint_id}?message=reopened")
