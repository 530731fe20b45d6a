import datetime

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ItsmCase


@tagged("post_install", "-at_install")
class TestRecurringIncidents(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("svcms_itsm.recurring_incident_threshold", "3")
        params.set_param("svcms_itsm.recurring_incident_window_days", "30")
        cls.category = cls.env["svcms.incident.category"].create({"name": "测试网络类"})
        cls.cis = cls.env["svcms.ci"].create(
            [
                {"name": f"测试交换机 {i}", "identifier": f"T-SW-{i}", "type_id": cls.ci_type.id, "status": "active"}
                for i in range(5)
            ]
        )
        # start from a clean slate: incidents of other fixtures (demo) are linked to a problem already
        cls.env["svcms.problem"].create({"subject": "占位"})

    def _incidents(self, count, ci=None, days_ago=1, **values):
        reported = fields.Datetime.now() - datetime.timedelta(days=days_ago)
        base = {"subject": "网络中断", "date_reported": reported, **values}
        if ci:
            base["ci_ids"] = [(6, 0, ci.ids)]
        return self.env["svcms.incident"].create([dict(base) for _i in range(count)])

    def _detect(self):
        return self.env["svcms.problem"]._svcms_detect_recurring_incidents()

    def _clear_others(self):
        """Link whatever open incidents other fixtures left, so that only this test's groups count."""
        self.env["svcms.incident"].search([("problem_id", "=", False)]).write(
            {"problem_id": self.env["svcms.problem"].search([], limit=1).id}
        )

    def test_threshold_per_ci(self):
        self._clear_others()
        ci = self.cis[0]
        first = self._incidents(2, ci)
        self.assertFalse(self._detect())
        third = self._incidents(1, ci)
        problems = self._detect()
        self.assertEqual(len(problems), 1)
        self.assertEqual(problems.state, "new")
        self.assertTrue(problems.detected)
        self.assertEqual(problems.ci_ids, ci)
        self.assertEqual(problems.incident_ids, first | third)
        self.assertIn("3", problems.detection_note)
        self.assertIn(problems.detection_note, problems.message_ids.mapped("body")[0])

    def test_window(self):
        self._clear_others()
        ci = self.cis[1]
        self._incidents(2, ci, days_ago=40)
        self._incidents(2, ci, days_ago=5)
        self.assertFalse(self._detect())
        self.env["ir.config_parameter"].sudo().set_param("svcms_itsm.recurring_incident_window_days", "60")
        problems = self._detect()
        self.assertEqual(len(problems.incident_ids), 4)

    def test_no_duplicate_proposal(self):
        self._clear_others()
        ci = self.cis[2]
        self._incidents(3, ci)
        first = self._detect()
        self.assertEqual(len(first), 1)
        self.assertFalse(self._detect(), "linked incidents are not counted again")
        # new incidents on the same CI: the open problem covers them
        self._incidents(3, ci)
        self.assertFalse(self._detect())
        # once that problem is cancelled, a new proposal may come
        first.with_user(self.user_manager).action_cancel()
        self.assertEqual(len(self._detect()), 1)

    def test_category_and_no_double_count(self):
        self._clear_others()
        ci = self.cis[3]
        # 3 on one CI in the category, 2 more in the category without a CI
        on_ci = self._incidents(3, ci, category_id=self.category.id)
        loose = self._incidents(2, category_id=self.category.id)
        problems = self._detect()
        self.assertEqual(len(problems), 1, "the CI group took its 3 incidents; 2 left in the category")
        self.assertEqual(problems.incident_ids, on_ci)
        self._incidents(1, category_id=self.category.id)
        by_category = self._detect()
        self.assertEqual(by_category.category_id, self.category)
        self.assertEqual(len(by_category.incident_ids), 3)
        self.assertTrue(loose <= by_category.incident_ids)

    def test_queries_independent_of_size(self):
        self._clear_others()
        # warm-up (caches of parameters, sequences, mail)
        self._incidents(3, self.cis[0])
        self._detect()
        self._incidents(3, self.cis[1])
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        small = self._detect()
        small_count = self.env.cr.sql_log_count - before
        self.assertEqual(len(small.incident_ids), 3)
        self._incidents(40, self.cis[2])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(small_count):
            large = self._detect()
        self.assertEqual(len(large.incident_ids), 40)

    def test_settings_validated(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.svcms_recurring_incident_threshold, 3)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"svcms_recurring_incident_threshold": 1})
        settings.write({"svcms_recurring_incident_threshold": 5, "svcms_recurring_incident_window_days": 14})
        settings.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("svcms_itsm.recurring_incident_threshold"), "5")
        self.assertEqual(params.get_param("svcms_itsm.recurring_incident_window_days"), "14")
