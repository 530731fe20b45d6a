import io
import xmlrpc.client

from PIL import Image

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import Request
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PDF_BYTES

ALIAS_DOMAIN = "svcms-intake.example.com"

RAW_MAIL = """Return-Path: <{sender}>
From: {sender_full}
To: {to}
Subject: {subject}
Message-ID: <{message_id}@mail.example.cn>
Date: Tue, 10 Mar 2026 10:00:00 +0800
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200
# 11 MB of photo-like bytes (a run of zeros without line breaks is refused earlier, by werkzeug, with a 413)
BIG_PAYLOAD = bytes(range(256)) * (11 * 4096)
ZIP_BYTES = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 100


class IntakeMailCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
        cls.env.company.alias_domain_id = cls.alias_domain
        cls.Complaint = cls.env["svcms.complaint"]

    def _mail(self, to, sender_full, subject="空调维修后仍然漏水", body="维修后第二天又开始漏水。", message_id=None):
        sender = sender_full.split("<")[-1].rstrip(">") if "<" in sender_full else sender_full
        raw = RAW_MAIL.format(
            sender=sender,
            sender_full=sender_full,
            to=to,
            subject=subject,
            body=body,
            message_id=message_id or f"{subject}-{sender}",
        )
        thread_id = self.env["mail.thread"].message_process(False, raw)
        return thread_id


@tagged("post_install", "-at_install")
class TestIntake(IntakeMailCase):
    """Teams own the e-mail aliases; the sender is matched on the exact address; the reference comes last."""

    def test_data_team_owns_the_complaints_alias(self):
        team = self.env.ref("svcms_base.team_complaints")
        self.assertEqual(team.name, "客户投诉组")
        self.assertEqual(team.alias_id, self.env.ref("svcms_base.mail_alias_complaint"))
        self.assertEqual(team.alias_name, "complaints")
        self.assertEqual(team.alias_id.alias_model_id.model, "svcms.complaint")
        self.assertEqual(
            (team.alias_id.alias_parent_model_id.model, team.alias_id.alias_parent_thread_id), ("svcms.team", team.id)
        )
        self.assertIn(f"'team_id': {team.id}", team.alias_defaults)
        # mail to complaints@ becomes a complaint of that team
        team.alias_domain_id = self.alias_domain
        complaint = self.Complaint.browse(self._mail(f"complaints@{ALIAS_DOMAIN}", "王先生 <wang@example.cn>"))
        self.assertEqual(complaint.team_id, team)
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.subject, "空调维修后仍然漏水")
        self.assertIn("第二天又开始漏水", str(complaint.description))
        self.assertTrue(complaint.name.startswith("TS/"), complaint.name)

    def test_team_alias_creates_record_with_team(self):
        manager = new_test_user(self.env, login="intake_manager", groups="svcms_base.group_svcms_manager")
        team = (
            self.env["svcms.team"]
            .with_user(manager)
            .create({"name": "大客户投诉组", "res_model": "svcms.complaint", "alias_name": "vip-complaints"})
        )
        self.assertEqual(team.alias_id.alias_model_id.model, "svcms.complaint")
        self.assertEqual(team.alias_domain_id, self.alias_domain, "the alias takes the company's domain")
        self.assertEqual(team.alias_email, f"vip-complaints@{ALIAS_DOMAIN}")
        default_team = self.env.ref("svcms_base.team_complaints")
        complaint = self.Complaint.browse(
            self._mail(team.alias_email, "李女士 <li@example.cn>", subject="安装师傅迟到")
        )
        self.assertEqual(complaint.team_id, team)
        self.assertNotEqual(complaint.team_id, default_team)
        self.assertEqual(complaint.company_id, team.company_id)
        self.assertEqual(complaint.partner_id.email, "li@example.cn")
        mail = complaint.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(mail.subject, "安装师傅迟到", "the mail itself is kept on the record")

    def test_phone_records_get_the_company_team(self):
        partner = self.env["res.partner"].create({"name": "周先生"})
        complaint = self.Complaint.create({"subject": "电话投诉", "partner_id": partner.id, "description": "<p>x</p>"})
        self.assertEqual(complaint.team_id, self.env.ref("svcms_base.team_complaints"))
        # another company's record gets that company's team, never one of another company
        other = self.env["res.company"].create({"name": "美澜(越南)有限公司"})
        values = {"subject": "越南投诉", "partner_id": partner.id, "description": "<p>x</p>", "company_id": other.id}
        self.assertFalse(self.Complaint.create(dict(values)).team_id)
        team = self.env["svcms.team"].create(
            {"name": "越南投诉组", "res_model": "svcms.complaint", "company_id": other.id}
        )
        self.assertEqual(self.Complaint.create(dict(values)).team_id, team)
        # a team chosen in the context (the team's "Received" button) is kept
        chosen = self.env["svcms.team"].create(
            {"name": "二线投诉组", "res_model": "svcms.complaint", "company_id": other.id}
        )
        self.assertEqual(self.Complaint.with_context(default_team_id=chosen.id).create(dict(values)).team_id, chosen)
        self.assertEqual(team.resource_calendar_id, other.resource_calendar_id, "the working hours of its company")

    def test_exact_address_never_a_pattern(self):
        john = self.env["res.partner"].create({"name": "John", "email": "john@acme.com"})
        self.env.ref("svcms_base.team_complaints").alias_domain_id = self.alias_domain
        partners_before = self.env["res.partner"].search_count([])
        # "_" is a wildcard for ilike: _ohn@acme.com must not be filed under john@acme.com
        complaint = self.Complaint.browse(self._mail(f"complaints@{ALIAS_DOMAIN}", "Ohn <_ohn@acme.com>"))
        self.assertNotEqual(complaint.partner_id, john)
        self.assertEqual(complaint.partner_id.email_normalized, "_ohn@acme.com")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 1)
        # the same address, written differently, is the same customer
        again = self.Complaint.browse(
            self._mail(f"complaints@{ALIAS_DOMAIN}", "John Smith <JOHN@Acme.com>", subject="第二封邮件")
        )
        self.assertEqual(again.partner_id, john)
        # calling the helper directly (no gateway author) follows the same rule
        self.assertEqual(self.Complaint._svcms_intake_partner("x <john@acme.com>"), john)
        self.assertNotEqual(self.Complaint._svcms_intake_partner("%@acme.com"), john)
        # an author found by someone else is kept only if it is the sender
        self.assertNotEqual(self.Complaint._svcms_intake_partner("_ohn@acme.com", author_id=john.id), john)

    def test_unknown_sender_becomes_a_contact(self):
        self.env.ref("svcms_base.team_complaints").alias_domain_id = self.alias_domain
        self.assertFalse(self.env["res.partner"].search([("email_normalized", "=", "new.customer@example.cn")]))
        complaint = self.Complaint.browse(
            self._mail(f"complaints@{ALIAS_DOMAIN}", "赵女士 <New.Customer@example.cn>", subject="退货无人处理")
        )
        partner = complaint.partner_id
        self.assertEqual((partner.name, partner.email), ("赵女士", "new.customer@example.cn"))
        self.assertEqual(complaint.message_ids.filtered(lambda m: m.message_type == "email").author_id, partner)
        # the next mail from her finds the same contact
        second = self.Complaint.browse(
            self._mail(f"complaints@{ALIAS_DOMAIN}", "new.customer@example.cn", subject="再次催促")
        )
        self.assertEqual(second.partner_id, partner)
        with self.assertRaises(UserError):
            self.Complaint.message_new({"subject": "无发件人", "body": "<p>x</p>", "email_from": "not an address"})

    def test_team_receives_intake_models_only(self):
        models = dict(self.env["svcms.team"]._selection_res_model())
        self.assertIn("svcms.complaint", models)
        self.assertNotIn("svcms.intake.mixin", models)
        self.assertTrue(all(issubclass(type(self.env[name]), type(self.env["svcms.intake.mixin"])) for name in models))
        with self.assertRaises(ValidationError):
            self.env["svcms.team"].create({"name": "错误", "res_model": "res.partner"})

    def test_access_checked_before_the_reference_is_drawn(self):
        portal = new_test_user(self.env, login="intake_portal", groups="base.group_portal")
        sequence = self.env["ir.sequence"].search([("code", "=", "svcms.complaint")])
        next_number = sequence.number_next_actual
        with self.assertRaisesRegex(AccessError, r"svcms\.complaint") as caught, mute_logger("odoo.models"):
            self.Complaint.with_user(portal).create(
                {"subject": "门户直接创建", "partner_id": portal.partner_id.id, "description": "<p>x</p>"}
            )
        self.assertNotIn("ir.sequence", str(caught.exception))
        sequence.invalidate_recordset()
        self.assertEqual(sequence.number_next_actual, next_number, "no number is used up by a refused user")
        with self.assertRaisesRegex(AccessError, r"svcms\.complaint"):
            self.Complaint.with_user(portal).message_new({"subject": "x", "email_from": "a@example.cn"})


@tagged("post_install", "-at_install")
class TestIntakePortal(HttpCase):
    """Portal uploads are checked at the server; a refusal keeps the form and creates nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = new_test_user(cls.env, login="intake_alice", groups="base.group_portal", name="陈女士")
        cls.bob = new_test_user(cls.env, login="intake_bob", groups="base.group_portal", name="刘先生")
        cls.Complaint = cls.env["svcms.complaint"]

    def _post(self, subject, files, **extra):
        self.authenticate("intake_alice", "intake_alice")
        data = {
            "subject": subject,
            "description": "师傅收费没有价目表。",
            "phone": "13900000000",
            "csrf_token": Request.csrf_token(self),
            **extra,
        }
        return self.url_open(
            "/my/complaints/new", data=data, files=[("attachments", upload) for upload in files], timeout=60
        )

    def _assert_refused(self, subject, files, message):
        complaints = self.Complaint.search_count([])
        attachments = self.env["ir.attachment"].search_count([("res_model", "=", "svcms.complaint")])
        response = self._post(subject, files)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_svcms_error", response.text)
        self.assertIn(message, response.text)
        self.assertIn(f'value="{subject}"', response.text, "the typed subject is kept")
        self.assertIn("师傅收费没有价目表。", response.text, "the typed description is kept")
        self.assertFalse(self.Complaint.search([("subject", "=", subject)]))
        self.assertEqual(self.Complaint.search_count([]), complaints, "no complaint was created")
        self.assertEqual(
            self.env["ir.attachment"].search_count([("res_model", "=", "svcms.complaint")]),
            attachments,
            "no attachment was created",
        )

    def test_six_files_refused(self):
        photos = [(f"photo{i}.png", png_bytes(), "image/png") for i in range(6)]
        self._assert_refused("六张照片-拒收", photos, "at most 5 files")

    def test_file_over_10_mb_refused(self):
        big = png_bytes() + BIG_PAYLOAD
        self._assert_refused("大文件-拒收", [("big.png", big, "image/png")], "larger than 10 MB")

    def test_executable_and_archive_refused(self):
        self._assert_refused("程序-拒收", [("setup.exe", EXE_BYTES, "application/octet-stream")], "setup.exe")
        self._assert_refused("压缩包-拒收", [("photos.zip", ZIP_BYTES, "application/zip")], "photos.zip")
        # the type comes from the content, not from the name or the browser's word for it
        self._assert_refused("伪装图片-拒收", [("photo.jpg", EXE_BYTES, "image/jpeg")], "photo.jpg")
        self._assert_refused(
            "伪装文件名-拒收", [("photo.png", png_bytes(), "image/png"), ("x.exe", png_bytes(), "image/png")], "x.exe"
        )

    def test_image_and_pdf_accepted(self):
        response = self._post(
            "图片和发票-接收",
            [("leak.png", png_bytes(), "image/png"), ("invoice.pdf", PDF_BYTES, "application/pdf")],
            # a posted customer is ignored: the portal user's own partner files the complaint
            partner_id=str(self.bob.partner_id.id),
        )
        complaint = self.Complaint.search([("subject", "=", "图片和发票-接收")])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.partner_id, self.alice.partner_id)
        self.assertEqual(complaint.channel, "portal")
        self.assertTrue(response.url.endswith(f"/my/complaints/{complaint.id}?message=created"), response.url)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "svcms.complaint"), ("res_id", "=", complaint.id)], order="name"
        )
        self.assertEqual(
            [(a.name, a.mimetype) for a in attachments],
            [("invoice.pdf", "application/pdf"), ("leak.png", "image/png")],
        )

    def test_helper_forces_the_portal_partner(self):
        complaint = self.Complaint.with_user(self.alice)._svcms_portal_create(
            {"subject": "助手", "description": "<p>x</p>", "partner_id": self.bob.partner_id.id}, []
        )
        self.assertEqual(complaint.partner_id, self.alice.partner_id)
        self.assertEqual(complaint.with_user(self.alice).read(["subject"])[0]["subject"], "助手")
        with self.assertRaises(UserError):
            self.Complaint.with_user(self.alice)._svcms_portal_create(
                {"subject": "助手-拒收", "description": "<p>x</p>"}, [("a.zip", ZIP_BYTES)]
            )
        self.assertFalse(self.Complaint.search([("subject", "=", "助手-拒收")]))

    def test_portal_user_cannot_create_by_rpc(self):
        count = self.Complaint.search_count([])
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.alice.id,
                "intake_alice",
                "svcms.complaint",
                "create",
                [[{"subject": "RPC", "partner_id": self.alice.partner_id.id, "description": "<p>x</p>"}]],
            )
        self.assertIn("svcms.complaint", caught.exception.faultString)
        self.assertNotIn("ir.sequence", caught.exception.faultString)
        self.assertEqual(self.Complaint.search_count([]), count)
