import io
import shutil
import subprocess
import tempfile
import unicodedata

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from .common import AuditFixtures


# Fixtures of the audit tests (kept in each test module: shared fixtures live only in common.py).
@tagged("post_install", "-at_install")
class TestAuditProgramme(AuditFixtures):
    def _programme(self, **values):
        return (
            self.env["svcms.audit.programme"]
            .with_user(self.user_manager)
            .create(
                {"name": "Test programme", "management_system_id": self.system.id, "year": self.today.year, **values}
            )
        )

    def test_coverage_warning(self):
        clause_832 = self.clause("iso20000", "8.3.2")
        clause_83 = self.clause("iso20000", "8.3")
        clause_92 = self.clause("iso20000", "9.2")
        programme = self._programme(
            clause_ids=[(6, 0, (clause_832 | clause_92).ids)], process_ids=[(6, 0, self.process.ids)]
        )
        self.assertTrue(programme.has_coverage_gap)
        self.assertIn(clause_832.display_name, programme.coverage_warning)
        # an audit of 8.3 covers its sub-clause 8.3.2
        self._audit(programme_id=programme.id, clause_ids=[(6, 0, clause_83.ids)])
        programme.invalidate_recordset()
        self.assertNotIn(clause_832.display_name, programme.coverage_warning)
        self.assertIn(clause_92.display_name, programme.coverage_warning)
        self.assertIn(self.process.display_name, programme.coverage_warning)
        # a cancelled audit covers nothing
        cancelled = self._audit(programme_id=programme.id, clause_ids=[(6, 0, clause_92.ids)])
        cancelled.with_user(self.user_lead).action_cancel()
        programme.invalidate_recordset()
        self.assertIn(clause_92.display_name, programme.coverage_warning)
        # an audit of the same system within a 36-month cycle covers too, outside the programme
        self._audit(
            clause_ids=[(6, 0, clause_92.ids)],
            process_ids=[(6, 0, self.process.ids)],
            date_start=self.today - relativedelta(years=2),
            date_end=self.today - relativedelta(years=2),
        )
        programme.invalidate_recordset()
        self.assertTrue(programme.has_coverage_gap, "outside a 12-month cycle")
        programme.cycle_months = 36
        self.assertFalse(programme.has_coverage_gap)
        self.assertFalse(programme.coverage_warning)

    def test_approval_by_the_audit_manager_and_freeze(self):
        programme = self._programme()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            programme.with_user(self.user_lead).action_approve()
        self.assertEqual(programme.state, "draft")
        programme.with_user(self.user_manager).action_approve()
        self.assertEqual(programme.state, "approved")
        self.assertEqual(programme.approved_by_id, self.user_manager)
        with self.assertRaises(UserError):
            programme.with_user(self.user_manager).write({"cycle_months": 36})
        with self.assertRaises(UserError):
            programme.with_user(self.user_manager).write({"state": "draft"})
        with self.assertRaises(UserError):
            programme.with_user(self.user_manager).unlink()
        self.assertEqual(programme.cycle_months, 12)

    def test_completion(self):
        programme = self._programme()
        audits = self._audit(programme_id=programme.id) | self._audit(programme_id=programme.id)
        cancelled = self._audit(programme_id=programme.id)
        cancelled.with_user(self.user_lead).action_cancel()
        done = audits[0]
        done.with_user(self.user_lead).action_start()
        done.with_user(self.user_lead).action_submit()
        done.with_user(self.user_lead).action_approve()
        programme.invalidate_recordset()
        self.assertEqual(programme.planned_audit_count, 2)
        self.assertEqual(programme.approved_audit_count, 1)
        self.assertEqual(programme.completion_rate, 50.0)
        definition = self.env.ref("svcms_audit.kpi_def_audit_programme_completion")
        self.assertIn("svcms.audit", self.env["svcms.kpi.definition"]._svcms_kpi_models())
        self.assertEqual(definition.model_name, "svcms.audit")


@tagged("post_install", "-at_install")
class TestAuditReminders(AuditFixtures):
    def _activities(self, record, xmlid):
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    def test_evaluations_due_and_audits_not_started(self):
        self.gbt_system.representative_id = self.emp_manager
        supervisory = "svcms_audit.mail_activity_supervisory_due"
        re_evaluation = "svcms_audit.mail_activity_re_evaluation_due"
        # a re-evaluation that ended a year before "in 20 days": supervisory due within the month's notice,
        # re-evaluation in about 26 months (whatever the length of this month and the next)
        evaluation_end = self.today + relativedelta(days=20) - relativedelta(months=12)
        evaluation = self._audit(
            audit_type="re_evaluation",
            management_system_id=self.gbt_system.id,
            date_start=evaluation_end - relativedelta(days=5),
            date_end=evaluation_end,
        )
        evaluation.with_user(self.user_lead).action_start()
        evaluation.with_user(self.user_lead).action_submit()
        evaluation.with_user(self.user_lead).action_approve()
        programme = self.env["svcms.audit.programme"].create(
            {"name": "P", "management_system_id": self.system.id, "year": self.today.year}
        )
        late = self._audit(
            programme_id=programme.id,
            date_start=self.today - relativedelta(days=1),
            date_end=self.today,
        )
        future = self._audit(programme_id=programme.id)
        iso_system_activities = self.system.activity_ids
        self.env["svcms.audit"]._cron_audit_reminders()
        self.assertEqual(len(self._activities(self.gbt_system, supervisory)), 1)
        self.assertEqual(self._activities(self.gbt_system, supervisory).user_id, self.user_manager)
        self.assertFalse(self._activities(self.gbt_system, re_evaluation))
        self.assertEqual(self.system.activity_ids, iso_system_activities, "reminders only for GB/T 27922 systems")
        activity = self._activities(late, "svcms_audit.mail_activity_audit_not_started")
        self.assertEqual(activity.user_id, self.user_lead)
        self.assertFalse(future.activity_ids)
        # the next run does not repeat them
        self.env["svcms.audit"]._cron_audit_reminders()
        self.assertEqual(len(self._activities(self.gbt_system, supervisory)), 1)
        self.assertEqual(len(self._activities(late, "svcms_audit.mail_activity_audit_not_started")), 1)

    def test_never_evaluated_system_is_due_unless_planned(self):
        self._audit(audit_type="supervisory", management_system_id=self.gbt_system.id)
        self.env["svcms.audit"]._cron_audit_reminders()
        self.assertFalse(self._activities(self.gbt_system, "svcms_audit.mail_activity_supervisory_due"), "planned")
        self.assertTrue(self._activities(self.gbt_system, "svcms_audit.mail_activity_re_evaluation_due"))


def compact(text):
    return "".join(unicodedata.normalize("NFKC", text).split())


@tagged("post_install", "-at_install")
class TestAuditReport(AuditFixtures, HttpCase):
    def test_audit_report_pdf(self):
        report = self.env["ir.actions.report"]
        self.assertEqual(report.get_wkhtmltopdf_state(), "ok", "wkhtmltopdf is needed to print")
        self.assertTrue(shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed")
        clause = self.clause("iso20000", "8.3.2")
        audit = self._audit(name="二〇二六年第一次内部审核", clause_ids=[(6, 0, clause.ids)])
        audit.with_user(self.user_lead).action_start()
        audit.with_user(self.user_lead).action_generate_checklist()
        audit.line_ids.with_user(self.user_lead).write({"result": "minor", "notes": "两单投诉超时未响应"})
        audit.with_user(self.user_lead).write({"conclusion": "<p>管理体系运行基本有效</p>"})
        audit.with_user(self.user_lead).action_submit()
        audit.with_user(self.user_lead).action_approve()
        pdf, report_format = (
            report.with_user(self.user_lead)
            .with_context(force_report_rendering=True, lang="en_US")
            ._render_qweb_pdf("svcms_audit.action_report_audit", audit.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(pdf), strict=False).pages), 1)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
            pdf_file.write(pdf)
            pdf_file.flush()
            text = compact(
                subprocess.run(
                    ["pdftotext", "-enc", "UTF-8", pdf_file.name, "-"], capture_output=True, text=True, check=True
                ).stdout
            )
        for expected in (
            "AuditReport",
            audit.reference,
            "二〇二六年第一次内部审核",
            "LeadAuditor",
            "Auditor",
            "TestService",
            "8.3.2",
            "MinorNonconformity",
            "两单投诉超时未响应",
            "管理体系运行基本有效",
            "ApprovedBy",
        ):
            self.assertIn(compact(expected), text)
