"""Pages and downloads that never write are declared read-only, so that Odoo 19 serves them from a read replica.

Records taking customers' requests get their portal share token when they are created (``svcms.intake.mixin``),
not when a page first shows them. Odoo's HTTP tests simulate the replica: a read-only route gets a test cursor
in a READ ONLY transaction (the ``--dev=replica`` behaviour), and a route that writes anyway is retried on a
read/write cursor with a warning of ``odoo.http``. Every page below is opened with no such warning allowed.
"""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import AftersalesRequestsCase

# GET routes of svcms_base and svcms_aftersales and whether they may be served by a replica
READONLY = {
    "/my/products": True,
    "/my/service-requests": True,
    "/my/service-requests/<int:request_id>": True,
    "/my/service-requests/new": False,  # GET and POST: one route that creates
    "/recalls": True,
    "/spare-parts": True,
    "/my/complaints": True,
    "/my/complaints/<int:complaint_id>": True,
    "/svcms/raci/xlsx": True,
}


@tagged("post_install", "-at_install")
class TestReadonlyRoutes(AftersalesRequestsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, login="t_ro_portal", groups="base.group_portal", name="只读门户顾客")
        cls.lot = cls._lots(1, prefix="RO")
        cls._deliver(cls.lot, "2026-06-01", partner=cls.portal.partner_id)
        cls.service_request = cls.env["svcms.service.request"].create(
            {"partner_id": cls.portal.partner_id.id, "lot_id": cls.lot.id}
        )
        cls.complaint = cls.env["svcms.complaint"].create(
            {"partner_id": cls.portal.partner_id.id, "subject": "只读测试投诉", "description": "<p>测试</p>"}
        )
        cls.office = new_test_user(cls.env, login="t_ro_office", groups="base.group_user,svcms_base.group_svcms_user")

    def test_routes_declared_readonly(self):
        routing = {
            rule.rule: rule.endpoint.routing
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule in READONLY
        }
        self.assertEqual(set(routing), set(READONLY))
        for path, readonly in READONLY.items():
            self.assertIs(bool(routing[path]["readonly"]), readonly, path)

    def _open_without_write(self, url):
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def test_portal_pages_never_write(self):
        self.authenticate("t_ro_portal", "t_ro_portal")
        expected = {
            "/my/products": self.lot.name,
            "/my/service-requests": self.service_request.name,
            f"/my/service-requests/{self.service_request.id}": self.service_request.name,
            "/my/complaints": self.complaint.subject,
            f"/my/complaints/{self.complaint.id}": self.complaint.subject,
        }
        for url, text in expected.items():
            self.assertIn(text, self._open_without_write(url).text, url)

    def test_public_pages_never_write(self):
        self._open_without_write("/spare-parts")
        self._open_without_write("/recalls")

    def test_raci_download_never_writes(self):
        system = self.env["svcms.management.system"].create({"name": "RO SMS", "code": "ROSMS", "standard": "iso20000"})
        self.authenticate("t_ro_office", "t_ro_office")
        response = self._open_without_write(f"/svcms/raci/xlsx?system_id={system.id}")
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
