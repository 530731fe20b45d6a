"""Text the server writes (crons, engine hooks) is in the reader's language and time zone.

A scheduled action runs without a language: these tests act from such an environment and expect the
activity summaries of a zh_CN user, and the automated notes of a zh_CN company, in Chinese, with the
times in Asia/Shanghai.
"""

import re
from datetime import datetime, timedelta

import pytz

from odoo import Command, fields
from odoo.tests import freeze_time, tagged

from .common import AftersalesRequestsCase

SH = "Asia/Shanghai"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Terms written the same way in English and Chinese: codes, standards, file formats.
SAME_IN_BOTH = {"KPI", "SLA", "XLSX", "PDF", "CSV", "GB/T 27922-2011", "ISO/IEC 20000-1:2018"}
OUR_MODULES = ("svcms_base", "svcms_aftersales")
# models that exist only for the SLA engine's tests: nobody reads them
TEST_MODELS = ("svcms.sla.test.",)


def same_in_both(label):
    """Codes, standards, file formats and plain numbers (months 1-12) read the same in both languages."""
    return label in SAME_IN_BOTH or label.isdigit()


def utc(local_string, tz=SH):
    local = pytz.timezone(tz).localize(datetime.strptime(local_string, "%Y-%m-%d %H:%M"))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestChineseMessages(AftersalesRequestsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zh = cls.env["res.lang"].with_context(active_test=False).search([("code", "=", "zh_CN")])
        # the company writes its automated notes in Chinese (as in the demo data)
        cls.company.partner_id.write({"lang": "zh_CN", "tz": SH})
        cls.clerk = cls._user("zh_clerk", "svcms_aftersales.group_aftersales_user", lang="zh_CN", tz=SH)
        cls.boss = cls._user("zh_boss", "svcms_aftersales.group_aftersales_manager", lang="zh_CN", tz=SH)
        cls.tech_user = cls._user("zh_tech", "svcms_aftersales.group_aftersales_technician", lang="zh_CN", tz=SH)
        cls.technician = cls.env["svcms.technician"].create(
            {
                "name": "张师傅",
                "staff_type": "partner",
                "user_id": cls.tech_user.id,
                "authorisation_number": "AUTH-ZH-1",
                "authorisation_expiry": fields.Date.today() + timedelta(days=365),
            }
        )
        (cls.lot,) = cls._lots(1, "ZH")
        cls._deliver(cls.lot, fields.Datetime.now() - timedelta(days=400))
        # A cron: superuser, no language, no time zone in its context.
        cls.cron_env = cls.env(context={})

    def setUp(self):
        super().setUp()
        self.assertFalse(self.cron_env.lang, "the scheduled-action environment has no language")
        self.assertTrue(self.zh.active, "zh_CN is loaded")

    def _request(self, **values):
        return (
            self.cron_env["svcms.service.request"]
            .with_context(tracking_disable=False)
            .create(
                {
                    "partner_id": self.customer.id,
                    "request_type": "repair_onsite",
                    "lot_id": self.lot.id,
                    "product_id": self.product.id,
                    **values,
                }
            )
        )

    def assertChinese(self, text, english):
        self.assertRegex(text or "", CJK, f"not Chinese: {text!r}")
        self.assertNotIn(english, text or "", f"English left in: {text!r}")

    def _bodies(self, record):
        record.env.invalidate_all()
        return " ".join(str(body) for body in record.sudo().message_ids.mapped("body"))

    # ------------------------------------------------------------------ SLA engine

    def _sla_policy(self):
        self.env["svcms.sla.policy"].search([("res_model", "=", "svcms.service.request")]).active = False
        calendar = self.env["resource.calendar"].create(
            {
                "name": "7x24 测试",
                "tz": SH,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {"name": "全天", "dayofweek": str(day), "hour_from": 0, "hour_to": 24, "day_period": "morning"}
                    )
                    for day in range(7)
                ],
            }
        )
        # The service level counts in UTC: the summaries still show the reader's Shanghai time.
        return self.env["svcms.sla.policy"].create(
            {
                "name": "响应承诺",
                "res_model": "svcms.service.request",
                "calendar_id": calendar.id,
                "tz": "UTC",
                "domain": "[]",
                "notify_outside_working_hours": True,
                "target_ids": [
                    Command.create(
                        {
                            "name": "2 小时响应",
                            "metric": "first_response",
                            "duration": 2,
                            "stop_states": "assigned,in_progress,done,closed",
                            "cancel_states": "cancelled",
                            "warning_percent": 50,
                            "escalation_ids": [
                                Command.create(
                                    {
                                        "trigger": "after_breach",
                                        "delay": 0,
                                        "notify": "users",
                                        "user_ids": [self.boss.id],
                                    }
                                )
                            ],
                        }
                    )
                ],
            }
        )

    def test_sla_warning_and_escalation_in_recipients_language_and_time(self):
        self._sla_policy()
        with freeze_time(utc("2026-03-09 09:00")):
            request = self._request(user_id=self.clerk.id)
        line = request.sla_line_ids.filtered(lambda sla: sla.metric == "first_response")
        self.assertEqual(line.deadline, utc("2026-03-09 11:00"))
        Line = self.cron_env["svcms.sla.line"]
        activities = self.env["mail.activity"].with_context(lang="en_US")
        with freeze_time(utc("2026-03-09 10:05")):
            Line._cron_check_deadlines()
        warning = activities.search(
            [
                ("res_model", "=", request._name),
                ("res_id", "=", request.id),
                ("activity_type_id", "=", self.env.ref("svcms_base.mail_activity_type_sla_warning").id),
            ]
        )
        self.assertEqual(warning.user_id, self.clerk)
        self.assertChinese(warning.summary, "SLA warning")
        self.assertIn("2026-03-09 11:00", warning.summary, "the deadline in the reader's Asia/Shanghai time")
        self.assertNotIn("03:00", warning.summary)
        with freeze_time(utc("2026-03-09 11:30")):
            Line._cron_check_deadlines()
        escalation = activities.search(
            [
                ("res_model", "=", request._name),
                ("res_id", "=", request.id),
                ("activity_type_id", "=", self.env.ref("svcms_base.mail_activity_type_sla_escalation").id),
            ]
        )
        self.assertEqual(escalation.user_id, self.boss)
        self.assertChinese(escalation.summary, "SLA escalation")
        self.assertIn("2026-03-09 11:00", escalation.summary)
        bodies = self._bodies(request)
        self.assertNotIn("SLA warning", bodies)
        self.assertNotIn("SLA escalation", bodies)
        self.assertNotIn("notified:", bodies)
        self.assertIn("2026-03-09 11:00", bodies, "the note on the request in the company's time zone")

    # ------------------------------------------------------------------ service requests

    def test_request_created_assigned_and_repaired_in_chinese(self):
        request = self._request()
        creation = self._bodies(request)
        self.assertChinese(creation, "Service Request created")
        self.assertIn(self.env["ir.model"].with_context(lang="zh_CN")._get(request._name).name, creation)
        request.technician_id = self.technician
        request.action_assign()
        self.assertEqual(request.state, "assigned")
        assignment = request.sudo().message_ids.filtered(lambda m: self.tech_user.partner_id in m.partner_ids)
        self.assertTrue(assignment, "the technician is notified")
        self.assertChinese(str(assignment.body), "Assigned to")
        self.assertIn("张师傅", str(assignment.body))
        request.action_svcms_create_repair()
        repair = self.env["repair.order"].search([("svcms_request_id", "=", request.id)])
        self.assertTrue(repair)
        bodies = self._bodies(request)
        self.assertNotIn("Repair order", bodies)
        note = request.sudo().message_ids.filtered(lambda m: repair.name in str(m.body))
        self.assertTrue(note, "the repair order is noted on the request")
        self.assertChinese(str(note.body), "created")

    # ------------------------------------------------------------------ documents

    def test_document_review_activity_in_reviewers_language(self):
        author = self._user("zh_doc_author", "svcms_base.group_svcms_user")
        reviewer = self._user("zh_doc_reviewer", "svcms_base.group_svcms_user", lang="zh_CN", tz=SH)
        system = self.env["svcms.management.system"].create(
            {"name": "文件控制测试体系", "code": "ZHD", "standard": "iso20000"}
        )
        document = (
            self.cron_env["svcms.document"]
            .with_user(author)
            .create(
                {
                    "name": "文件控制程序",
                    "document_type_id": self.env.ref("svcms_base.document_type_procedure").id,
                    "management_system_id": system.id,
                    "body": "<p>文件经审核批准后使用。</p>",
                    "reviewer_ids": [Command.set(reviewer.ids)],
                }
            )
        )
        self.assertFalse(document.env.lang)
        document.action_submit()
        activity = document.sudo().activity_ids.filtered(lambda a: a.user_id == reviewer)
        self.assertTrue(activity, "the reviewer is asked to review")
        english = self.env.ref("svcms_base.mail_activity_document_review_request").with_context(lang="en_US").summary
        self.assertChinese(activity.summary, english)

    # ------------------------------------------------------------------ translations of our models

    def _our_records(self, model):
        return self.env[model].browse(
            self.env["ir.model.data"].search([("module", "in", OUR_MODULES), ("model", "=", model)]).mapped("res_id")
        )

    def test_every_description_and_selection_label_is_translated(self):
        """Flags every model description and selection label of our addons without a distinct zh_CN text."""
        untranslated = []
        models = self._our_records("ir.model")
        zh_models = models.with_context(lang="zh_CN")
        for model, zh_model in zip(models.with_context(lang="en_US"), zh_models, strict=True):
            if model.model.startswith(TEST_MODELS) or same_in_both(model.name):
                continue
            if model.name == zh_model.name:
                untranslated.append(f"model {model.model}: {model.name!r}")
        selections = self._our_records("ir.model.fields.selection")
        zh_selections = selections.with_context(lang="zh_CN")
        for selection, zh_selection in zip(selections.with_context(lang="en_US"), zh_selections, strict=True):
            if selection.field_id.model.startswith(TEST_MODELS) or same_in_both(selection.name):
                continue
            if selection.name == zh_selection.name:
                untranslated.append(
                    f"selection {selection.field_id.model}.{selection.field_id.name}={selection.value}: "
                    f"{selection.name!r}"
                )
        self.assertTrue(models and selections, "our models and selections are found")
        self.assertFalse(untranslated, "without a zh_CN translation:\n" + "\n".join(sorted(untranslated)))
