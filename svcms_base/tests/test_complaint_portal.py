from odoo.exceptions import AccessError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import PDF_BYTES


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    """Customers file and follow their own complaints through the portal, and see nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = new_test_user(cls.env, login="portal_alice", groups="base.group_portal", name="陈女士")
        cls.bob = new_test_user(cls.env, login="portal_bob", groups="base.group_portal", name="刘先生")
        Complaint = cls.env["svcms.complaint"]
        cls.alice_complaint = Complaint.create(
            {"subject": "空调安装漏水-ALICE", "partner_id": cls.alice.partner_id.id, "description": "<p>漏水</p>"}
        )
        cls.bob_complaint = Complaint.create(
            {"subject": "维修超时未上门-BOB", "partner_id": cls.bob.partner_id.id, "description": "<p>超时</p>"}
        )

    def test_portal_user_sees_only_their_complaints(self):
        self.authenticate("portal_alice", "portal_alice")
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("空调安装漏水-ALICE", listing.text)
        self.assertNotIn("维修超时未上门-BOB", listing.text)

        own = self.url_open(f"/my/complaints/{self.alice_complaint.id}")
        self.assertEqual(own.status_code, 200)
        self.assertIn(self.alice_complaint.name, own.text)

        foreign = self.url_open(f"/my/complaints/{self.bob_complaint.id}")
        self.assertNotIn("维修超时未上门-BOB", foreign.text, "another customer's complaint is not shown by URL")
        self.assertTrue(foreign.url.endswith("/my"), foreign.url)

    def test_portal_user_cannot_read_others_by_rpc(self):
        with self.assertRaises(AccessError):
            self.bob_complaint.with_user(self.alice).read(["subject"])
        with self.assertRaises(AccessError):
            self.alice_complaint.with_user(self.alice).write({"subject": "改写"})
        self.assertEqual(self.env["svcms.complaint"].with_user(self.alice).search([]).ids, self.alice_complaint.ids)
        self.authenticate("portal_alice", "portal_alice")
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/svcms.complaint/read",
                {
                    "model": "svcms.complaint",
                    "method": "read",
                    "args": [[self.bob_complaint.id], ["subject"]],
                    "kwargs": {},
                },
            )

    def test_portal_user_files_a_complaint(self):
        self.authenticate("portal_alice", "portal_alice")
        form = self.url_open("/my/complaints/new")
        self.assertEqual(form.status_code, 200)
        self.assertIn('name="description"', form.text)
        response = self.url_open(
            "/my/complaints/new",
            data={
                "subject": "配件价格不透明-门户",
                "description": "更换电机收费 600 元，没有出示价目表。",
                "phone": "13800000000",
                "csrf_token": Request.csrf_token(self),
            },
            files={"attachments": ("receipt.pdf", PDF_BYTES, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.env["svcms.complaint"].search([("subject", "=", "配件价格不透明-门户")])
        self.assertEqual(complaint.partner_id, self.alice.partner_id)
        self.assertEqual(complaint.channel, "portal")
        self.assertIn(self.alice.partner_id, complaint.message_partner_ids)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", complaint._name), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(attachments.mapped("name"), ["receipt.pdf"])
        self.assertEqual(attachments.mimetype, "application/pdf")
        self.assertIn(complaint.name, response.text)
