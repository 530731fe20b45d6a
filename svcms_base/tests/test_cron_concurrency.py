"""Two cron workers on the same database never process a record twice (issue #11 §5).

Each test runs the same cron code in two threads with their own connections, started together after
both took their snapshot (``common.run_workers``), on committed data deleted afterwards. The
crons' searches are narrowed to the records of the test (the rest of the database is left alone).
"""

from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.fields import Domain
from odoo.tests import TransactionCase, tagged

from .common import committed_env, run_workers

RECORDS = 12


@tagged("post_install", "-at_install")
class TestCronConcurrency(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["svcms.risk"])
        with committed_env(cls.registry) as env:
            admin = env.ref("base.user_admin")
            system = env["svcms.management.system"].create({"name": "并发测试体系", "code": "CRONCC"})
            risks = env["svcms.risk"].create(
                [
                    {
                        "name": f"并发测试风险 {index}",
                        "management_system_id": system.id,
                        "owner_id": admin.id,
                        "review_date": cls.today - relativedelta(days=1),
                    }
                    for index in range(RECORDS)
                ]
            )
            kpis = env["svcms.kpi"].create(
                [
                    {
                        "name": f"并发测试指标 {index}",
                        "management_system_id": system.id,
                        "source": "computed",
                        "definition_id": env.ref("svcms_base.kpi_def_document_registered").id,
                        "date_start": cls.today - relativedelta(months=3),
                        "target": 1,
                    }
                    for index in range(RECORDS)
                ]
            )
            cls.due_periods = {kpi.id: len(kpi._due_periods(cls.today)) for kpi in kpis}
            cls.system_id, cls.risk_ids, cls.kpi_ids, cls.admin_id = system.id, risks.ids, kpis.ids, admin.id
        cls.addClassCleanup(cls._delete_committed)

    @classmethod
    def _delete_committed(cls):
        with committed_env(cls.registry) as env:
            cr = env.cr
            for model, ids in (("svcms.risk", cls.risk_ids), ("svcms.kpi", cls.kpi_ids)):
                cr.execute("DELETE FROM mail_activity WHERE res_model = %s AND res_id IN %s", [model, tuple(ids)])
                cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id IN %s", [model, tuple(ids)])
                cr.execute("DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s", [model, tuple(ids)])
            cr.execute("DELETE FROM svcms_kpi_measurement WHERE kpi_id IN %s", [tuple(cls.kpi_ids)])
            cr.execute("DELETE FROM svcms_kpi WHERE id IN %s", [tuple(cls.kpi_ids)])
            cr.execute("DELETE FROM svcms_risk WHERE id IN %s", [tuple(cls.risk_ids)])
            cr.execute("DELETE FROM svcms_management_system WHERE id = %s", [cls.system_id])

    def _committed(self, query, params):
        with committed_env(self.registry) as env:
            env.cr.execute(query, params)
            return env.cr.fetchall()

    def _activities_per_record(self, model, ids, xmlid):
        activity_type = self.env.ref(xmlid)
        rows = self._committed(
            "SELECT res_id, count(*) FROM mail_activity WHERE res_model = %s AND res_id IN %s "
            "AND activity_type_id = %s GROUP BY res_id",
            [model, tuple(ids), activity_type.id],
        )
        return dict(rows)

    def test_shared_batch_mechanism_schedules_each_reminder_once(self):
        """``_svcms_cron_process`` + ``_svcms_schedule_activities_once`` (the reminders of the crons): the
        processing only creates activities, it does not update the records: the take marks them."""
        risk_ids, admin_id = self.risk_ids, self.admin_id

        def remind(env):
            activity_type = env.ref("svcms_base.mail_activity_type_kpi_measurement")
            env["svcms.risk"].browse(risk_ids)._svcms_cron_process(
                lambda batch: batch._svcms_schedule_activities_once(
                    activity_type, lambda risk: {"user_id": admin_id, "summary": "并发提醒"}
                )
            )

        retries = run_workers(self.registry, remind)
        counts = self._activities_per_record("svcms.risk", risk_ids, "svcms_base.mail_activity_type_kpi_measurement")
        self.assertEqual(counts, dict.fromkeys(risk_ids, 1), "one reminder per record, whatever the workers")
        self.assertEqual(retries, [0, 0], "the second worker skips the taken records instead of failing")

    def test_risk_review_cron_in_two_workers(self):
        Risk = self.registry["svcms.risk"]
        original = Risk._review_due_domain
        risk_ids = self.risk_ids

        def narrowed(self):
            return original(self) & Domain("id", "in", risk_ids)

        with patch.object(Risk, "_review_due_domain", narrowed):
            retries = run_workers(self.registry, lambda env: env["svcms.risk"]._cron_schedule_reviews())
        counts = self._activities_per_record("svcms.risk", risk_ids, "svcms_base.mail_activity_type_risk_review")
        self.assertEqual(counts, dict.fromkeys(risk_ids, 1))
        self.assertEqual(retries, [0, 0])
        failed = self._committed(
            "SELECT count(*) FROM svcms_risk WHERE id IN %s AND svcms_cron_failed_at IS NOT NULL", [tuple(risk_ids)]
        )
        self.assertEqual(failed, [(0,)], "no risk is recorded as failed by the worker that lost the race")

    def test_kpi_measurement_cron_in_two_workers(self):
        Kpi = self.registry["svcms.kpi"]
        original = Kpi._due_domain
        kpi_ids = self.kpi_ids

        def narrowed(self, today):
            return original(self, today) & Domain("id", "in", kpi_ids)

        self.assertTrue(all(self.due_periods.values()), "every KPI has periods to measure")
        with patch.object(Kpi, "_due_domain", narrowed):
            retries = run_workers(self.registry, lambda env: env["svcms.kpi"]._cron_record_measurements())
        rows = self._committed(
            "SELECT kpi_id, count(*), count(DISTINCT period_start) FROM svcms_kpi_measurement "
            "WHERE kpi_id IN %s GROUP BY kpi_id",
            [tuple(kpi_ids)],
        )
        self.assertEqual(
            {kpi_id: (total, periods) for kpi_id, total, periods in rows},
            {kpi_id: (periods, periods) for kpi_id, periods in self.due_periods.items()},
            "each KPI measured once per due period",
        )
        self.assertEqual(retries, [0, 0])
        failed = self._committed(
            "SELECT count(*) FROM svcms_kpi WHERE id IN %s AND svcms_cron_failure_count > 0", [tuple(kpi_ids)]
        )
        self.assertEqual(failed, [(0,)], "no KPI is recorded as failed by the worker that lost the race")
