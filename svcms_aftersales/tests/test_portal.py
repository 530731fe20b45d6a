from odoo.exceptions import AccessError, UserError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SIGNATURE


@tagged("post_install", "-at_install")
class TestServiceRequestPortal(HttpCase):
    """Portal customers see only their own requests and file new ones for their own delivered serials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["svcms.service.request"]
        cls.product = cls.env["product.product"].create(
            {"name": "Portal AC", "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        cls.portal_a = new_test_user(cls.env, login="portal_a", groups="base.group_portal", name="门户顾客甲")
        cls.portal_b = new_test_user(cls.env, login="portal_b", groups="base.group_portal", name="门户顾客乙")
        cls.lot_a, cls.lot_b = cls.env["stock.lot"].create(
            [
                {"name": "TOUR-SERIAL-0001", "product_id": cls.product.id},
                {"name": "OTHER-SERIAL-0002", "product_id": cls.product.id},
            ]
        )
        cls.env["svcms.aftersales.demo.story"]._deliver_serials(
            [
                (cls.portal_a.partner_id.id, 60, cls.lot_a.ids, False),
                (cls.portal_b.partner_id.id, 60, cls.lot_b.ids, False),
            ]
        )
        cls.request_a = cls.Request.create({"partner_id": cls.portal_a.partner_id.id, "lot_id": cls.lot_a.id})
        cls.request_b = cls.Request.create({"partner_id": cls.portal_b.partner_id.id, "lot_id": cls.lot_b.id})

    def test_record_rules_isolate_customers(self):
        Request = self.Request.with_user(self.portal_a)
        self.assertEqual(Request.search([("id", "in", (self.request_a | self.request_b).ids)]), self.request_a)
        with self.assertRaises(AccessError):
            self.request_b.with_user(self.portal_a).read(["name"])
        with self.assertRaises(AccessError):
            Request.create({"partner_id": self.portal_a.partner_id.id})
        with self.assertRaises(AccessError):
            self.request_a.with_user(self.portal_a).write({"state": "closed"})

    def test_list_and_detail_urls_isolate_customers(self):
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/service-requests").text
        self.assertIn(self.request_a.name, page)
        self.assertNotIn(self.request_b.name, page)
        detail = self.url_open(f"/my/service-requests/{self.request_a.id}")
        self.assertIn("TOUR-SERIAL-0001", detail.text)
        foreign = self.url_open(f"/my/service-requests/{self.request_b.id}")
        self.assertNotIn("OTHER-SERIAL-0002", foreign.text)
        self.assertTrue(foreign.url.endswith("/my"), foreign.url)

    def test_new_request_offers_only_own_serials(self):
        self.authenticate("portal_a", "portal_a")
        form = self.url_open("/my/service-requests/new").text
        self.assertIn("TOUR-SERIAL-0001", form)
        self.assertNotIn("OTHER-SERIAL-0002", form)
        count = self.Request.search_count([])
        response = self.url_open(
            "/my/service-requests/new",
            data={
                "lot_id": self.lot_b.id,
                "request_type": "repair_report",
                "description": "not mine",
                "csrf_token": Request.csrf_token(self),
            },
        )
        self.assertIn("o_svcms_error", response.text)
        self.assertEqual(self.Request.search_count([]), count, "no request for someone else's serial")
        response = self.url_open(
            "/my/service-requests/new",
            data={
                "lot_id": self.lot_a.id,
                "request_type": "repair_onsite",
                "description": "外机漏水",
                "csrf_token": Request.csrf_token(self),
            },
            files={"photos": ("leak.png", b"\x89PNG fake", "image/png")},
        )
        created = self.Request.search([], limit=1, order="id desc")
        self.assertEqual(created.partner_id, self.portal_a.partner_id)
        self.assertEqual((created.channel, created.lot_id, created.product_id), ("portal", self.lot_a, self.product))
        self.assertEqual(created.photo_ids.mapped("name"), ["leak.png"])
        self.assertTrue(response.url.endswith(f"/my/service-requests/{created.id}"))

    def test_portal_create_checks(self):
        partner = self.portal_a.partner_id
        with self.assertRaises(UserError):
            self.Request._portal_create(partner, self.lot_a.id, "return", "x")
        with self.assertRaises(UserError):
            self.Request._portal_create(partner, self.lot_a.id, "repair_report", "  ")

    def test_portal_repair_tour_then_back_office_closure(self):
        self.start_tour("/my/service-requests", "svcms_portal_repair_tour", login="portal_a")
        request = self.Request.search(
            [("partner_id", "=", self.portal_a.partner_id.id), ("channel", "=", "portal")], limit=1, order="id desc"
        )
        self.assertEqual(request.lot_id, self.lot_a)
        self.assertEqual(request.entitlement, "free_repair")
        # back office: an after-sales user assigns, the technician works, the customer signs, the user closes
        back_office = new_test_user(self.env, login="bo_user", groups="svcms_aftersales.group_aftersales_user")
        technician = self.env.ref("svcms_aftersales.technician_zhang_wei")
        request = request.with_user(back_office)
        request.write({"technician_id": technician.id})
        request.action_assign()
        request.action_start()
        request.write({"resolution": "<p>疏通排水管</p>"})
        request.action_customer_sign(SIGNATURE, "门户顾客甲")
        request.action_done()
        request.action_close()
        self.assertEqual(request.state, "closed")
        self.authenticate("portal_a", "portal_a")
        self.assertIn("Closed", self.url_open(f"/my/service-requests/{request.id}").text)
