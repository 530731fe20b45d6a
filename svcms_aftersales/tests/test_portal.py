import xmlrpc.client

from odoo.addons.svcms_base.tests.test_intake import (
    ALIAS_DOMAIN,
    BIG_PAYLOAD,
    EXE_BYTES,
    PDF_BYTES,
    RAW_MAIL,
    png_bytes,
)
from odoo.exceptions import AccessError, UserError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

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
            files=[
                ("photos", ("leak.png", png_bytes(), "image/png")),
                ("photos", ("quote.pdf", PDF_BYTES, "text/plain")),
            ],
        )
        created = self.Request.search([], limit=1, order="id desc")
        self.assertEqual(created.partner_id, self.portal_a.partner_id)
        self.assertEqual((created.channel, created.lot_id, created.product_id), ("portal", self.lot_a, self.product))
        self.assertEqual(
            sorted(created.photo_ids.mapped(lambda a: (a.name, a.mimetype, a.res_id))),
            [("leak.png", "image/png", created.id), ("quote.pdf", "application/pdf", created.id)],
        )
        self.assertTrue(response.url.endswith(f"/my/service-requests/{created.id}"))

    def test_portal_create_checks(self):
        Request = self.Request.with_user(self.portal_a)
        count = self.Request.search_count([])
        with self.assertRaises(UserError):
            Request._portal_create(self.lot_a.id, "return", "x")
        with self.assertRaises(UserError):
            Request._portal_create(self.lot_a.id, "repair_report", "  ")
        with self.assertRaises(UserError):
            Request._portal_create(self.lot_b.id, "repair_report", "someone else's serial")
        with self.assertRaises(UserError):
            Request._portal_create(self.lot_a.id, "repair_report", "x", [(f"p{i}.png", png_bytes()) for i in range(6)])
        self.assertEqual(self.Request.search_count([]), count)
        # the customer is always the portal user, never someone passed in
        created = Request._portal_create(self.lot_a.id, "repair_report", "显示屏不亮")
        self.assertEqual((created.partner_id, created.channel), (self.portal_a.partner_id, "portal"))
        self.assertEqual(created.team_id, self.env.ref("svcms_aftersales.team_service_hotline"))
        self.assertTrue(created.name.startswith("SR/"), created.name)

    def test_refused_photos_create_nothing(self):
        self.authenticate("portal_a", "portal_a")
        for files, message in (
            ([("photos", (f"p{i}.png", png_bytes(), "image/png")) for i in range(6)], "at most 5 files"),
            ([("photos", ("big.png", png_bytes() + BIG_PAYLOAD, "image/png"))], "larger than 10 MB"),
            ([("photos", ("tool.exe", EXE_BYTES, "image/png"))], "tool.exe"),
        ):
            count = self.Request.search_count([])
            attachments = self.env["ir.attachment"].search_count([("res_model", "=", "svcms.service.request")])
            response = self.url_open(
                "/my/service-requests/new",
                data={
                    "lot_id": self.lot_a.id,
                    "request_type": "repair_onsite",
                    "description": "照片被拒-描述保留",
                    "csrf_token": Request.csrf_token(self),
                },
                files=files,
                timeout=60,
            )
            self.assertIn("o_svcms_error", response.text)
            self.assertIn(message, response.text)
            self.assertIn("照片被拒-描述保留", response.text, "the typed description is kept")
            self.assertEqual(self.Request.search_count([]), count, "no request was created")
            self.assertEqual(
                self.env["ir.attachment"].search_count([("res_model", "=", "svcms.service.request")]), attachments
            )

    def test_portal_user_cannot_create_by_rpc(self):
        count = self.Request.search_count([])
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.portal_a.id,
                "portal_a",
                "svcms.service.request",
                "create",
                [[{"partner_id": self.portal_a.partner_id.id, "lot_id": self.lot_a.id}]],
            )
        # the refusal names service requests, not the sequence of their references
        self.assertIn("svcms.service.request", caught.exception.faultString)
        self.assertNotIn("ir.sequence", caught.exception.faultString)
        self.assertEqual(self.Request.search_count([]), count)

    def test_hotline_team_alias(self):
        team = self.env.ref("svcms_aftersales.team_service_hotline")
        self.assertEqual(team.name, "售后服务热线")
        self.assertEqual(
            (team.alias_name, team.alias_id), ("service", self.env.ref("svcms_aftersales.mail_alias_service_request"))
        )
        self.assertEqual(team.alias_id.alias_model_id.model, "svcms.service.request")
        self.env.company.alias_domain_id = team.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": ALIAS_DOMAIN}
        )
        raw = RAW_MAIL.format(
            sender="portal.a@example.cn",
            sender_full="门户顾客甲 <Portal.A@example.cn>",
            to=f"service@{ALIAS_DOMAIN}",
            subject="空调不制冷",
            message_id="hotline-1",
            body="空调不制冷，请派人上门。",
        )
        self.portal_a.partner_id.email = "portal.a@example.cn"
        request = self.Request.browse(self.env["mail.thread"].message_process(False, raw))
        self.assertEqual(request.team_id, team)
        self.assertEqual(request.partner_id, self.portal_a.partner_id, "found by the exact address")
        self.assertEqual(request.channel, "email")
        self.assertIn("不制冷", str(request.description))
        self.assertTrue(request.name.startswith("SR/"), "the reference is a number, not the mail subject")

    def test_team_alias_follows_its_model(self):
        team = self.env["svcms.team"].create(
            {"name": "临时组", "res_model": "svcms.complaint", "alias_name": "temp-team"}
        )
        self.assertEqual(team.alias_id.alias_model_id.model, "svcms.complaint")
        team.res_model = "svcms.service.request"
        self.assertEqual(team.alias_id.alias_model_id.model, "svcms.service.request")
        self.assertIn(f"'team_id': {team.id}", team.alias_defaults)
        self.Request.create({"partner_id": self.portal_a.partner_id.id, "team_id": team.id})
        with self.assertRaises(UserError):
            team.res_model = "svcms.complaint"

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
