from datetime import date

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

JAN = (date(2025, 1, 1), date(2025, 1, 31))


class SvcmsKpiCommon(TransactionCase):
    """Two companies, a management system in each, objectives, and KPIs used as 'live' records:
    the KPI definitions of these tests count and aggregate svcms.kpi rows marked unit='live'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "其他公司"})
        cls.manager = new_test_user(cls.env, login="kpi_manager", groups="svcms_base.group_svcms_manager")
        cls.owner = new_test_user(cls.env, login="kpi_owner", groups="svcms_base.group_svcms_user")
        cls.other_user = new_test_user(cls.env, login="kpi_other", groups="svcms_base.group_svcms_user")
        cls.employee = new_test_user(cls.env, login="kpi_employee", groups="base.group_user")
        cls.system = cls.env["svcms.management.system"].create({"name": "KPI test system", "code": "KT"})
        cls.system_data = cls.env["svcms.management.system"].create({"name": "Live data", "code": "KTD"})
        cls.system_b = cls.env["svcms.management.system"].create(
            {"name": "Other company system", "code": "KTB", "company_id": cls.other_company.id}
        )
        cls.objective = cls.env["svcms.objective"].create(
            {"name": "顾客满意度不低于90%", "management_system_id": cls.system.id, "owner_id": cls.owner.id}
        )
        cls.Definition = cls.env["svcms.kpi.definition"]
        model_id = cls.env["ir.model"]._get_id("svcms.kpi")
        base = {"model_id": model_id, "date_field": "date_start", "denominator_domain": "[('unit', '=', 'live')]"}
        lower = "[('direction', '=', 'lower')]"
        cls.def_ratio = cls.Definition.create(
            {**base, "name": "Share lower", "code": "t_ratio", "measure": "ratio", "numerator_domain": lower}
        )
        cls.def_count = cls.Definition.create({**base, "name": "Count", "code": "t_count", "measure": "count"})
        cls.def_sum = cls.Definition.create(
            {**base, "name": "Sum", "code": "t_sum", "measure": "sum", "value_field": "target"}
        )
        cls.def_avg = cls.Definition.create(
            {**base, "name": "Avg", "code": "t_avg", "measure": "avg", "value_field": "target"}
        )

    @classmethod
    def _live(cls, day, target, direction="higher", system=None):
        return cls.env["svcms.kpi"].create(
            {
                "name": "live",
                "unit": "live",
                "management_system_id": (system or cls.system_data).id,
                "date_start": day,
                "target": target,
                "direction": direction,
            }
        )

    @classmethod
    def _computed(cls, definition, **vals):
        return cls.env["svcms.kpi"].create(
            {
                "name": f"Computed {definition.name}",
                "objective_id": cls.objective.id,
                "source": "computed",
                "definition_id": definition.id,
                "target": 50,
                **vals,
            }
        )

    def _manual(self, **vals):
        return self.env["svcms.kpi"].create(
            {"name": "顾客满意度", "objective_id": self.objective.id, "target": 90, "unit": "%", **vals}
        )


@tagged("post_install", "-at_install")
class TestKpiEvaluation(SvcmsKpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # January 2025 in the company: targets 10, 20, 30, 40; one of them "lower is better".
        cls._live(date(2025, 1, 1), 10, "lower")
        cls._live(date(2025, 1, 15), 20)
        cls._live(date(2025, 1, 20), 40)
        cls._live(date(2025, 1, 31), 30)
        # Outside the period or the company: never counted for January.
        cls._live(date(2024, 12, 31), 1000, "lower")
        cls._live(date(2025, 2, 1), 1000, "lower")
        cls._live(date(2025, 1, 10), 1000, "lower", system=cls.system_b)

    def test_ratio_count_sum_avg_over_a_period(self):
        company = self.company
        ratio = self.def_ratio._evaluate(date(2025, 1, 1), date(2025, 2, 1), company)
        self.assertEqual(ratio, {"value": 25.0, "numerator": 1, "denominator": 4})
        self.assertEqual(self.def_count._evaluate(date(2025, 1, 1), date(2025, 2, 1), company)["value"], 4.0)
        self.assertEqual(self.def_sum._evaluate(date(2025, 1, 1), date(2025, 2, 1), company)["value"], 100.0)
        self.assertEqual(self.def_avg._evaluate(date(2025, 1, 1), date(2025, 2, 1), company)["value"], 25.0)

    def test_company_isolation(self):
        result = self.def_count._evaluate(date(2025, 1, 1), date(2025, 2, 1), self.other_company)
        self.assertEqual(result["value"], 1.0)
        self.assertEqual(self.def_sum._evaluate(date(2025, 1, 1), date(2025, 2, 1), self.other_company)["value"], 1000)

    def test_empty_denominator_has_no_value(self):
        ratio = self.def_ratio._evaluate(date(2025, 3, 1), date(2025, 4, 1), self.company)
        self.assertEqual(ratio, {"value": None, "numerator": 0, "denominator": 0})
        self.assertIsNone(self.def_avg._evaluate(date(2025, 3, 1), date(2025, 4, 1), self.company)["value"])
        self.assertEqual(self.def_count._evaluate(date(2025, 3, 1), date(2025, 4, 1), self.company)["value"], 0.0)
        self.assertEqual(self.def_sum._evaluate(date(2025, 3, 1), date(2025, 4, 1), self.company)["value"], 0.0)

    def test_several_periods_in_one_batch(self):
        jan, feb, q1 = (
            (date(2025, 1, 1), date(2025, 2, 1)),
            (date(2025, 2, 1), date(2025, 3, 1)),
            (date(2025, 1, 1), date(2025, 4, 1)),
        )
        self.def_count.mapped("model_name"), self.env.user.mapped("tz")  # warm the cache
        # and the measuring user's access rights and record rules (computed once, then cached)
        self.def_count._evaluate(date(2024, 1, 1), date(2024, 2, 1), self.company)
        with self.assertQueryCount(1):
            results = self.def_count._evaluate_batch([(*jan, self.company), (*feb, self.company), (*q1, self.company)])
        self.assertEqual(results[(self.def_count.id, *jan, self.company.id)]["value"], 4)
        self.assertEqual(results[(self.def_count.id, *feb, self.company.id)]["value"], 1)
        self.assertEqual(results[(self.def_count.id, *q1, self.company.id)]["value"], 5)
        # Periods that do not start on the first of a month are bucketed per day.
        mid = self.def_count._evaluate(date(2025, 1, 10), date(2025, 1, 21), self.company)
        self.assertEqual(mid["value"], 2)

    def test_datetime_date_field(self):
        definition = self.Definition.create(
            {
                "name": "Created today",
                "code": "t_created",
                "model_id": self.env["ir.model"]._get_id("svcms.kpi"),
                "measure": "count",
                "date_field": "create_date",
                "denominator_domain": "[('unit', '=', 'live-dt')]",
            }
        )
        for _i in range(3):
            self.env["svcms.kpi"].create({"name": "dt", "unit": "live-dt", "management_system_id": self.system.id})
        self.env.flush_all()
        today = fields.Date.context_today(definition)
        result = definition._evaluate(today, today + relativedelta(days=1), self.company)
        self.assertEqual(result["value"], 3)
        self.assertEqual(definition._evaluate(today - relativedelta(days=1), today, self.company)["value"], 0)

    def test_invalid_definitions_are_refused(self):
        model_id = self.env["ir.model"]._get_id("svcms.kpi")
        with self.assertRaises(ValidationError):
            self.Definition.create(
                {"name": "Bad", "code": "bad1", "model_id": model_id, "measure": "count", "date_field": "name"}
            )
        with self.assertRaises(ValidationError):
            self.Definition.create(
                {"name": "Bad", "code": "bad2", "model_id": model_id, "measure": "sum", "date_field": "date_start"}
            )
        bad_domain = "[('no_such_field', '=', 1)]"
        with self.assertRaises(ValidationError):
            self.Definition.create(
                {
                    "name": "Bad",
                    "code": "bad3",
                    "model_id": model_id,
                    "measure": "count",
                    "date_field": "date_start",
                    "denominator_domain": bad_domain,
                }
            )

    def test_all_kpis_of_a_system_cost_the_same_queries_for_10_or_100_records(self):
        kpis = (
            self._computed(self.def_ratio)
            | self._computed(self.def_count)
            | self._computed(self.def_sum)
            | self._computed(self.def_avg)
            | self._computed(self.def_count, name="Second KPI on the count definition")
        )
        system_kpis = self.env["svcms.kpi"].search([("management_system_id", "=", self.system.id)])
        self.assertLessEqual(kpis, system_kpis)
        # ratio: denominator + numerator; count, sum, avg: one each; plus reading the KPIs and definitions
        system_kpis._evaluate_period(date(2025, 5, 1), date(2025, 5, 31))  # warm the measuring user's rights
        for total in (10, 100):
            count = self.env["svcms.kpi"].search_count([("unit", "=", "live"), ("date_start", ">=", "2025-06-01")])
            for day in range(total - count):
                self._live(date(2025, 6, 1) + relativedelta(days=day % 30), day, "lower" if day % 2 else "higher")
            self.env.invalidate_all()
            with self.assertQueryCount(7):
                results = system_kpis._evaluate_period(date(2025, 6, 1), date(2025, 6, 30))
            self.assertEqual(results[kpis[1].id]["value"], total)
            self.assertEqual(results[kpis[4].id]["value"], total)
            self.assertEqual(results[kpis[0].id]["value"], 50.0)


@tagged("post_install", "-at_install")
class TestKpiMeasurement(SvcmsKpiCommon):
    def test_period_is_aligned_and_unique(self):
        kpi = self._manual(frequency="quarterly")
        measurement = self.env["svcms.kpi.measurement"].create({"kpi_id": kpi.id, "period_start": "2025-05-10"})
        self.assertEqual((measurement.period_start, measurement.period_end), (date(2025, 4, 1), date(2025, 6, 30)))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["svcms.kpi.measurement"].create({"kpi_id": kpi.id, "period_start": "2025-06-30", "value": 1})

    def test_on_target_higher_is_better(self):
        kpi = self._manual(target=90, direction="higher")
        Measurement = self.env["svcms.kpi.measurement"]
        at_target = Measurement.create({"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 90})
        below = Measurement.create({"kpi_id": kpi.id, "period_start": "2025-02-01", "value": 89.9})
        self.assertTrue(at_target.on_target)
        self.assertFalse(below.on_target)
        self.assertEqual((kpi.last_value, kpi.status, kpi.trend), (89.9, "off_target", "worsening"))

    def test_on_target_lower_is_better(self):
        kpi = self._manual(name="重大事件数", target=2, unit="起", direction="lower", frequency="quarterly")
        Measurement = self.env["svcms.kpi.measurement"]
        three = Measurement.create({"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 3})
        two = Measurement.create({"kpi_id": kpi.id, "period_start": "2025-04-01", "value": 2})
        self.assertFalse(three.on_target)
        self.assertTrue(two.on_target)
        self.assertEqual((kpi.status, kpi.trend), ("on_target", "improving"))

    def test_history_keeps_the_target_of_its_time(self):
        kpi = self._manual(target=90)
        measurement = self.env["svcms.kpi.measurement"].create(
            {"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 92}
        )
        kpi.target = 95
        self.assertEqual(measurement.target, 90)
        self.assertTrue(measurement.on_target)

    def test_objective_status_and_trend(self):
        objective = self.objective
        self.assertEqual((objective.status, objective.trend), ("no_data", False))
        satisfaction = self._manual(target=90)
        incidents = self._manual(name="重大事件数", target=2, direction="lower")
        Measurement = self.env["svcms.kpi.measurement"]
        Measurement.create(
            [
                {"kpi_id": satisfaction.id, "period_start": "2025-01-01", "value": 80},
                {"kpi_id": satisfaction.id, "period_start": "2025-02-01", "value": 95},
                {"kpi_id": incidents.id, "period_start": "2025-01-01", "value": 1},
                {"kpi_id": incidents.id, "period_start": "2025-02-01", "value": 3},
            ]
        )
        # one KPI improving and on target, the other worsening and off target
        self.assertEqual((objective.status, objective.trend), ("off_target", "stable"))
        Measurement.create({"kpi_id": incidents.id, "period_start": "2025-03-01", "value": 1})
        self.assertEqual((objective.status, objective.trend), ("on_target", "improving"))
        Measurement.create({"kpi_id": satisfaction.id, "period_start": "2025-03-01", "value": 70})
        self.assertEqual(objective.status, "off_target")

    def test_frequency_is_fixed_once_measured(self):
        kpi = self._manual()
        self.env["svcms.kpi.measurement"].create({"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 1})
        with self.assertRaises(UserError):
            kpi.frequency = "yearly"

    def test_computed_kpi_needs_a_definition(self):
        with self.assertRaises(ValidationError):
            self._manual(source="computed")

    def test_next_measurement_date(self):
        kpi = self._manual(date_start="2025-02-14")
        self.assertEqual((kpi.next_period_start, kpi.next_measurement_date), (date(2025, 2, 1), date(2025, 3, 1)))
        self.env["svcms.kpi.measurement"].create({"kpi_id": kpi.id, "period_start": "2025-02-01", "value": 91})
        self.assertEqual((kpi.next_period_start, kpi.next_measurement_date), (date(2025, 3, 1), date(2025, 4, 1)))

    def test_manager_sets_up_an_objective_through_the_forms(self):
        env = self.env(user=self.manager)
        form = Form(env["svcms.objective"])
        form.name = "一次修复率不低于95%"
        form.management_system_id = self.system
        objective = form.save()
        self.assertEqual((objective.owner_id, objective.company_id), (self.manager, self.company))
        form = Form(env["svcms.kpi"])
        form.name = "一次修复率"
        form.objective_id = objective
        form.target = 95
        form.source = "computed"
        form.definition_id = self.def_ratio
        kpi = form.save()
        self.assertEqual((kpi.management_system_id, kpi.owner_id), (self.system, self.manager))
        self.assertEqual(objective.kpi_ids, kpi)
        self.assertEqual(objective.status, "no_data")

    def test_record_measurement_through_the_form(self):
        kpi = self._manual(owner_id=self.owner.id)
        action = kpi.with_user(self.owner).action_record_measurement()
        form = Form(self.env["svcms.kpi.measurement"].with_user(self.owner).with_context(**action["context"]))
        form.value = 93.5
        measurement = form.save()
        self.assertEqual(measurement.period_start, kpi.next_period_start - relativedelta(months=1))
        self.assertEqual(kpi.last_value, 93.5)


@tagged("post_install", "-at_install")
class TestKpiSecurity(SvcmsKpiCommon):
    def test_users_read_managers_configure(self):
        objective = self.objective.with_user(self.other_user)
        self.assertEqual(objective.name, "顾客满意度不低于90%")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["svcms.objective"].with_user(self.other_user).create(
                {"name": "X", "management_system_id": self.system.id}
            )
        kpi = self._manual()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            kpi.with_user(self.owner).target = 50
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.def_count.with_user(self.owner).name = "Changed"
        self.env["svcms.objective"].with_user(self.manager).create(
            {"name": "Y", "management_system_id": self.system.id}
        )

    def test_plain_employee_cannot_read(self):
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.objective.with_user(self.employee).read(["name"])

    def test_owner_records_only_their_kpis(self):
        kpi = self._manual(owner_id=self.owner.id)
        Measurement = self.env["svcms.kpi.measurement"]
        mine = Measurement.with_user(self.owner).create({"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 91})
        self.assertEqual(mine.measured_by_id, self.owner)
        mine.with_user(self.owner).note = "调查样本 200 份"
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            Measurement.with_user(self.other_user).create({"kpi_id": kpi.id, "period_start": "2025-02-01", "value": 1})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            mine.with_user(self.other_user).value = 10
        with self.assertRaises(UserError):
            mine.with_user(self.owner).target = 80
        with self.assertRaises(UserError):
            Measurement.with_user(self.owner).create(
                {"kpi_id": kpi.id, "period_start": "2025-03-01", "value": 85, "target": 80}
            )
        # everybody in the system reads the history
        self.assertEqual(mine.with_user(self.other_user).value, 91)
        Measurement.with_user(self.manager).create({"kpi_id": kpi.id, "period_start": "2025-02-01", "value": 92})

    def test_nobody_types_computed_values(self):
        kpi = self._computed(self.def_count, owner_id=self.owner.id)
        with self.assertRaises(UserError):
            self.env["svcms.kpi.measurement"].with_user(self.manager).create(
                {"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 3}
            )
        kpi.date_start = date.today() - relativedelta(months=2)
        kpi.with_user(self.owner).action_measure_now()
        measurement = kpi.measurement_ids[:1]
        self.assertTrue(measurement)
        with self.assertRaises(UserError):
            measurement.with_user(self.manager).value = 99
        measurement.with_user(self.owner).note = "Explained"
        with self.assertRaises(AccessError):
            kpi.with_user(self.other_user).action_measure_now()

    def test_other_company_is_invisible(self):
        kpi_b = self.env["svcms.kpi"].create({"name": "B", "management_system_id": self.system_b.id})
        self.assertEqual(kpi_b.company_id, self.other_company)
        objective_b = self.env["svcms.objective"].create({"name": "B", "management_system_id": self.system_b.id})
        self.env["svcms.kpi.measurement"].create({"kpi_id": kpi_b.id, "period_start": "2025-01-01", "value": 1})
        for model, domain in (
            ("svcms.kpi", [("id", "=", kpi_b.id)]),
            ("svcms.objective", [("id", "=", objective_b.id)]),
            ("svcms.kpi.measurement", [("kpi_id", "=", kpi_b.id)]),
        ):
            self.assertFalse(self.env[model].with_user(self.manager).search(domain), model)


@tagged("post_install", "-at_install")
class TestKpiCron(SvcmsKpiCommon):
    def _run_cron(self):
        with self.enter_registry_test_mode():
            self.env.ref("svcms_base.ir_cron_kpi_measurements").method_direct_trigger()

    def test_cron_records_due_measurements_in_batches_and_is_idempotent(self):
        self.env["ir.config_parameter"].sudo().set_param("svcms_base.kpi_cron_batch_size", 2)
        start = fields.Date.context_today(self.objective) - relativedelta(months=3)
        kpis = self.env["svcms.kpi"]
        for definition in (self.def_ratio, self.def_count, self.def_sum, self.def_avg, self.def_count):
            kpis |= self._computed(definition, date_start=start)
        self._live(start.replace(day=1), 40)
        cron = self.env.ref("svcms_base.ir_cron_kpi_measurements")
        progress_before = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])

        self._run_cron()

        measurements = self.env["svcms.kpi.measurement"].search([("kpi_id", "in", kpis.ids)])
        self.assertEqual(len(measurements), 5 * 3, "three completed months for each of the five KPIs")
        runs = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)]) - progress_before
        self.assertGreaterEqual(len(runs.filtered("done")), 3, "five KPIs in batches of two")
        self.assertLessEqual(max(runs.mapped("done")), 2)
        first_month = measurements.filtered(lambda m: m.period_start == start.replace(day=1))
        count_values = first_month.filtered(lambda m: m.kpi_id.definition_id == self.def_count).mapped("value")
        self.assertEqual(count_values, [1.0, 1.0])
        empty_ratio = measurements.filtered(
            lambda m: m.kpi_id.definition_id == self.def_ratio and m.period_start != start.replace(day=1)
        )
        self.assertFalse(any(empty_ratio.mapped("has_value")), "no denominator, no value")
        self.assertTrue(all(kpis.mapped(lambda kpi: kpi.next_measurement_date > fields.Date.today())))

        self._run_cron()
        self.assertEqual(self.env["svcms.kpi.measurement"].search_count([("kpi_id", "in", kpis.ids)]), 15)

    def test_cron_reminds_the_owner_once_per_missing_period(self):
        today = fields.Date.context_today(self.objective)
        kpi = self._manual(owner_id=self.owner.id, date_start=today - relativedelta(months=2))
        activity_type = self.env.ref("svcms_base.mail_activity_type_kpi_measurement")

        def reminders():
            return self.env["mail.activity"].search(
                [("res_model", "=", "svcms.kpi"), ("res_id", "=", kpi.id), ("activity_type_id", "=", activity_type.id)]
            )

        self._run_cron()
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().user_id, self.owner)
        self.assertEqual(reminders().date_deadline, kpi.next_measurement_date)
        self._run_cron()
        self.assertEqual(len(reminders()), 1, "reminded once")

        self.env["svcms.kpi.measurement"].with_user(self.owner).create(
            {"kpi_id": kpi.id, "period_start": kpi.next_period_start, "value": 95}
        )
        self.assertFalse(reminders(), "the measurement answers the reminder")
        self._run_cron()
        self.assertEqual(len(reminders()), 1, "the next missing month is reminded")
