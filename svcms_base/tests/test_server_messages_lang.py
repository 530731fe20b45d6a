"""Notes posted by user buttons and activities created by the server are in their reader's language.

The acting user writes English; the company (readers of the chatter notes) and the addressees of the
activities read Chinese: each text comes out in Chinese through the recipient-language helpers of
``svcms.lang.mixin``.
"""

import re

from dateutil.relativedelta import relativedelta

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import DocumentCommon, SvcmsTrainingCase

CJK = re.compile(r"[\u4e00-\u9fff]")
SH = "Asia/Shanghai"


class ChineseReadersMixin:
    @classmethod
    def _chinese_readers(cls):
        cls.zh = cls.env["res.lang"].with_context(active_test=False).search([("code", "=", "zh_CN")])
        cls.env.company.partner_id.write({"lang": "zh_CN", "tz": SH})

    def assertChinese(self, text, english):
        self.assertTrue(self.zh.active, "zh_CN is loaded")
        self.assertRegex(text or "", CJK, f"not Chinese: {text!r}")
        self.assertNotIn(english, text or "", f"English left in: {text!r}")

    def assertNoted(self, record, chinese, english):
        """One of ``record``'s notes says ``chinese``; none says ``english``."""
        self.assertTrue(self.zh.active, "zh_CN is loaded")
        record.env.invalidate_all()
        bodies = " ".join(str(body) for body in record.sudo().message_ids.mapped("body"))
        self.assertIn(chinese, bodies)
        self.assertNotIn(english, bodies)


@tagged("post_install", "-at_install")
class TestDocumentMessagesInReadersLanguage(ChineseReadersMixin, DocumentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._chinese_readers()
        # the users acting read English; the readers of the notes and activities read Chinese
        (cls.author | cls.reviewer | cls.approver | cls.manager).write({"lang": "en_US"})
        (cls.employee_user | cls.other_employee_user).write({"lang": "zh_CN", "tz": SH})

    def test_obsolete_note_in_company_language(self):
        document = self._approve(self._create_document())
        document.with_user(self.approver).action_obsolete()
        self.assertNoted(document, "已收回：标记为作废", "withdrawn: marked obsolete")

    def test_superseded_and_new_revision_notes_in_company_language(self):
        first = self._approve(self._create_document())
        second = self._new_revision(first)
        self.assertNoted(second, "已根据版本", "New revision prepared")
        self._approve(second)
        self.assertEqual(first.state, "superseded")
        self.assertNoted(first, "已被版本", "superseded by revision")

    def test_read_activity_in_reader_language(self):
        document = self._approve(self._create_document(reader_employee_ids=[Command.set(self.reader.ids)]))
        activity = document.activity_ids.filtered(lambda a: a.user_id == self.employee_user)
        self.assertEqual(len(activity), 1)
        self.assertChinese(activity.summary, "Read and confirm")
        self.assertIn("阅读并确认", activity.summary)

    def test_withdrawn_copy_activity_note_in_holder_language(self):
        document = self._approve(self._create_document())
        copy = self.env["svcms.document.copy"].create(
            {"document_id": document.id, "holder_employee_id": self.reader.id}
        )
        self.assertEqual(copy.holder_user_id, self.employee_user)
        document.with_user(self.approver).action_obsolete()
        self.assertEqual(copy.state, "withdrawn")
        activity = copy.activity_ids.filtered(lambda a: a.user_id == self.employee_user)
        self.assertChinese(activity.summary, "Return withdrawn controlled copy")
        self.assertIn("交回已收回的受控副本", activity.summary)
        self.assertNoted(document, "已收回受控副本", "Controlled copies withdrawn")


@tagged("post_install", "-at_install")
class TestRenewalActivityInReadersLanguage(ChineseReadersMixin, SvcmsTrainingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._chinese_readers()
        cls.manager_user.write({"lang": "zh_CN", "tz": SH})

    def test_renewal_activity_in_responsible_language(self):
        certificate = self._certificate(self.zhang, self.today + relativedelta(days=10))
        # a scheduled action: no language in its context
        self.env(context={})["hr.employee.skill"]._svcms_schedule_renewal_activities(batch_size=50)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "hr.employee"),
                ("res_id", "=", self.zhang.id),
                ("activity_type_id", "=", self.env.ref("svcms_base.mail_activity_type_certification_renewal").id),
            ]
        )
        self.assertEqual(activity.user_id, self.manager_user)
        self.assertChinese(activity.summary, "Renew ")
        self.assertIn("换证", activity.summary)
        self.assertIn(self.permit.name, activity.summary)
        self.assertTrue(certificate.svcms_renewal_notified)

    def test_risk_review_activity_addressed_to_owner(self):
        owner = new_test_user(self.env, login="t_risk_owner_zh", groups="svcms_base.group_svcms_user", lang="zh_CN")
        risk = self.env["svcms.risk"].create(
            {"name": "供应商断供", "owner_id": owner.id, "review_date": self.today - relativedelta(days=1)}
        )
        self.env(context={})["svcms.risk"].browse(risk.id)._schedule_review_activity()
        activity = risk.activity_ids
        self.assertEqual(activity.user_id, owner)
        self.assertIn("供应商断供", activity.summary)
