from datetime import date, timedelta

from odoo.addons.svcms_base.models.risk import score_level
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestRiskRegister(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(cls.env, login="risk_owner", groups="svcms_base.group_svcms_user")
        cls.colleague = new_test_user(cls.env, login="risk_colleague", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="risk_manager", groups="svcms_base.group_svcms_manager")
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "Risk test system", "code": "RISKT", "standard": "iso20000"}
        )
        cls.Risk = cls.env["svcms.risk"]
        cls.review_type = cls.env.ref("svcms_base.mail_activity_type_risk_review")
        cls.treatment_type = cls.env.ref("svcms_base.mail_activity_type_risk_treatment")

    def _risk(self, likelihood=False, impact=False, **vals):
        return self.Risk.create(
            {
                "name": f"Risk {likelihood}x{impact}",
                "management_system_id": self.system.id,
                "owner_id": self.owner.id,
                "likelihood": likelihood and str(likelihood),
                "impact": impact and str(impact),
                **vals,
            }
        )

    def test_score_and_level_bands(self):
        expected = {
            (1, 1): (1, "low"),
            (2, 2): (4, "low"),
            (1, 4): (4, "low"),
            (1, 5): (5, "medium"),
            (3, 3): (9, "medium"),
            (2, 5): (10, "high"),
            (4, 4): (16, "high"),
            (4, 5): (20, "critical"),
            (5, 5): (25, "critical"),
        }
        for (likelihood, impact), (score, level) in expected.items():
            risk = self._risk(likelihood, impact)
            self.assertEqual((risk.score, risk.level), (score, level), f"{likelihood} x {impact}")
        # 17 cannot be reached on a 5 x 5 matrix but is where "critical" begins.
        self.assertEqual(score_level(17), "critical")
        self.assertEqual(score_level(16), "high")

    def test_unrated_risk_has_no_level_and_rating_updates_it(self):
        risk = self._risk()
        self.assertEqual((risk.score, risk.level), (0, False))
        risk.write({"likelihood": "3", "impact": "4"})
        self.assertEqual((risk.score, risk.level), (12, "high"))
        risk.impact = "1"
        self.assertEqual((risk.score, risk.level), (3, "low"))

    def test_residual_score_and_level(self):
        risk = self._risk(4, 5, treatment="mitigate")
        self.assertEqual((risk.residual_score, risk.residual_level), (0, False))
        risk.write({"residual_likelihood": "2", "residual_impact": "3"})
        self.assertEqual((risk.residual_score, risk.residual_level), (6, "medium"))
        self.assertEqual((risk.score, risk.level), (20, "critical"), "the inherent rating is kept")

    def test_reference_from_sequence(self):
        first, second = self._risk(1, 1), self._risk(1, 1)
        self.assertTrue(first.reference.startswith("RO"))
        self.assertNotEqual(first.reference, second.reference)
        self.assertIn(first.reference, first.display_name)

    def test_treatment_must_fit_the_type(self):
        with self.assertRaises(ValidationError):
            self._risk(2, 2, treatment="exploit")
        with self.assertRaises(ValidationError):
            self._risk(2, 2, risk_type="opportunity", treatment="avoid")
        self.assertEqual(self._risk(2, 2, risk_type="opportunity", treatment="exploit").treatment, "exploit")
        self.assertEqual(self._risk(2, 2, treatment="accept").treatment, "accept")

    def test_workflow_requires_rating_then_treatment_and_residual(self):
        risk = self._risk()
        with self.assertRaises(UserError):
            risk.action_assess()
        risk.write({"likelihood": "3", "impact": "3"})
        risk.action_assess()
        self.assertEqual(risk.state, "assessed")
        with self.assertRaises(UserError):
            risk.action_treat()
        risk.write({"treatment": "mitigate", "residual_likelihood": "1", "residual_impact": "3"})
        risk.action_treat()
        self.assertEqual(risk.state, "treated")
        risk.action_close()
        self.assertEqual(risk.state, "closed")

    def test_plan_treatment_action_schedules_a_treatment_activity(self):
        risk = self._risk(3, 4).with_user(self.owner)
        action = risk.action_plan_treatment()
        self.assertEqual(action["res_model"], "mail.activity.schedule")
        wizard_form = Form(self.env["mail.activity.schedule"].with_user(self.owner).with_context(**action["context"]))
        self.assertEqual(wizard_form.activity_type_id, self.treatment_type)
        wizard_form.summary = "Qualify a second supplier"
        wizard_form.save().action_schedule_activities()
        activity = risk.activity_ids
        self.assertEqual(activity.activity_type_id, self.treatment_type)
        self.assertEqual(activity.summary, "Qualify a second supplier")

    def test_heat_map_counts_by_likelihood_and_impact(self):
        for likelihood, impact in [(5, 4), (5, 4), (2, 3), (1, 1), (5, 5)]:
            self._risk(likelihood, impact)
        domain = [("management_system_id", "=", self.system.id)]
        cells = {
            (lk, im): count for lk, im, count in self.Risk._read_group(domain, ["likelihood", "impact"], ["__count"])
        }
        self.assertEqual(cells, {("5", "4"): 2, ("2", "3"): 1, ("1", "1"): 1, ("5", "5"): 1})
        levels = dict(self.Risk._read_group(domain, ["level"], ["__count"]))
        self.assertEqual(levels, {"critical": 3, "medium": 1, "low": 1})
        # The heat map menu opens the 5 x 5 client action (likelihood in rows, impact in columns).
        menu = self.env.ref("svcms_base.menu_svcms_risk_heat_map")
        self.assertEqual(menu.action, self.env.ref("svcms_base.svcms_risk_heat_map_client_action"))
        self.assertEqual(menu.action.tag, "svcms_risk_heat_map")

    def _run_review_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref("svcms_base.ir_cron_risk_review").method_direct_trigger()
        # The cron ran with its own environment: forget what this one cached.
        self.env.invalidate_all()

    def _review_activities(self, risk):
        return risk.activity_ids.filtered(lambda a: a.activity_type_id == self.review_type)

    def test_review_cron_schedules_one_activity_per_due_review(self):
        today = date.today()
        due = self._risk(3, 3, review_date=today - timedelta(days=1))
        future = self._risk(3, 3, review_date=today + timedelta(days=10))
        closed = self._risk(3, 3, review_date=today - timedelta(days=5), state="closed")
        self._run_review_cron()
        self.assertEqual(len(self._review_activities(due)), 1)
        self.assertEqual(self._review_activities(due).user_id, self.owner)
        self.assertFalse(self._review_activities(future))
        self.assertFalse(self._review_activities(closed))

        self._run_review_cron()
        self.assertEqual(len(self._review_activities(due)), 1, "a review is reminded once")

        # A new review date that comes due deserves a new reminder.
        self._review_activities(due).action_done()
        due.review_date = today
        self._run_review_cron()
        self.assertEqual(len(self._review_activities(due)), 1)
        self.assertTrue(due.review_activity_planned)

    def test_review_scheduling_query_count_does_not_grow_with_risks(self):
        yesterday = date.today() - timedelta(days=1)

        def count_queries(n):
            risks = self.Risk.create(
                [{"name": f"R{i}", "owner_id": self.env.user.id, "review_date": yesterday} for i in range(n)]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            risks._schedule_review_activity()
            self.env.flush_all()
            return self.cr.sql_log_count - start

        count_queries(1)  # warm the registry caches (activity type, model id)
        self.assertEqual(count_queries(5), count_queries(25))

    def test_user_edits_own_risk_only(self):
        risk = self._risk(2, 2)
        risk.with_user(self.owner).write({"likelihood": "4"})
        self.assertEqual(risk.score, 8)
        self.assertEqual(risk.with_user(self.colleague).name, risk.name, "colleagues read every risk")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            risk.with_user(self.colleague).write({"likelihood": "1"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            risk.with_user(self.owner).unlink()
        risk.with_user(self.manager).write({"likelihood": "1"})
        self.assertEqual(risk.score, 2)
        # A user may record a risk, and keeps the right to edit what they created.
        own = self.Risk.with_user(self.colleague).create({"name": "Colleague's risk", "owner_id": self.owner.id})
        own.write({"description": "Created by the colleague"})

    def test_other_company_risk_is_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other appliance maker"})
        foreign = self.Risk.create({"name": "Foreign risk", "company_id": other_company.id})
        self.assertFalse(self.Risk.with_user(self.manager).search([("id", "=", foreign.id)]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            foreign.with_user(self.manager).read(["name"])
