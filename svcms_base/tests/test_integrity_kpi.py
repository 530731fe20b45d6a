"""Integrity of objectives, KPIs and their measurements (issues #8 and #9).

* least privilege: KPI definitions measure declared models only, as the technical measuring user;
* registered Python methods for figures no domain expresses, set-based;
* what owns measurements cannot be deleted; measurements are evidence;
* scheduled actions isolate a broken item, record its failure and go on;
* the RACI workbook never turns user text into a formula;
* public actions return something RPC can carry; superuser writes are for managers.
"""

import io
import xmlrpc.client
import zipfile
from datetime import date, datetime, timedelta
from unittest.mock import patch

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.svcms_base.models.kpi_definition import SvcmsKpiDefinition
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

CRON_LOGGER = "odoo.addons.svcms_base.models.cron_failure_mixin"
ACCESS_LOGGERS = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule", "odoo.http")


class IntegrityKpiCommon:
    """Users, a system, an objective, KPI definitions over svcms.kpi rows marked unit='live'."""

    @classmethod
    def _setup_kpis(cls):
        env = cls.env
        cls.company = env.company
        cls.manager = new_test_user(env, login="ik_manager", groups="svcms_base.group_svcms_manager")
        cls.owner = new_test_user(env, login="ik_owner", groups="svcms_base.group_svcms_user")
        cls.colleague = new_test_user(env, login="ik_colleague", groups="svcms_base.group_svcms_user")
        cls.system = env["svcms.management.system"].create({"name": "完整性测试体系", "code": "IK"})
        cls.objective = env["svcms.objective"].create(
            {"name": "投诉处理及时率不低于95%", "management_system_id": cls.system.id, "owner_id": cls.owner.id}
        )
        cls.Definition = env["svcms.kpi.definition"]
        cls.kpi_model_id = env["ir.model"]._get_id("svcms.kpi")
        base = {
            "model_id": cls.kpi_model_id,
            "date_field": "date_start",
            "denominator_domain": "[('unit', '=', 'live')]",
        }
        cls.def_count = cls.Definition.create({**base, "name": "IK count", "code": "ik_count", "measure": "count"})
        cls.def_sum = cls.Definition.create(
            {**base, "name": "IK sum", "code": "ik_sum", "measure": "sum", "value_field": "target"}
        )
        cls.def_broken = cls.Definition.create({**base, "name": "IK broken", "code": "ik_broken", "measure": "count"})
        cls.measurer = env.ref("svcms_base.user_kpi_measurer")

    @classmethod
    def _live(cls, day, target=1.0):
        return cls.env["svcms.kpi"].create(
            {"name": "live", "unit": "live", "management_system_id": cls.system.id, "date_start": day, "target": target}
        )

    @classmethod
    def _computed(cls, definition, **vals):
        return cls.env["svcms.kpi"].create(
            {
                "name": f"KPI {definition.name}",
                "objective_id": cls.objective.id,
                "source": "computed",
                "definition_id": definition.id,
                "owner_id": cls.owner.id,
                **vals,
            }
        )

    @classmethod
    def _manual(cls, **vals):
        return cls.env["svcms.kpi"].create(
            {"name": "顾客满意度", "objective_id": cls.objective.id, "target": 90, "owner_id": cls.owner.id, **vals}
        )

    def _break(self, definition):
        """A definition broken behind the ORM's back (e.g. a field renamed by an upgrade)."""
        self.env.cr.execute(
            "UPDATE svcms_kpi_definition SET date_field = 'no_such_field' WHERE id = %s", [definition.id]
        )
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestKpiLeastPrivilege(IntegrityKpiCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpis()

    def _definition_vals(self, model, **vals):
        return {
            "name": "Secrets",
            "code": f"ik_{model.replace('.', '_')}",
            "model_id": self.env["ir.model"]._get_id(model),
            "measure": "count",
            "date_field": "create_date",
            **vals,
        }

    def test_models_outside_the_allowlist_are_refused_at_create(self):
        Definition = self.Definition.with_user(self.manager)
        for model, domain in (
            ("ir.config_parameter", "[('key', '=like', 'database.secret%')]"),
            ("res.users", "[('login', '=like', 'a%')]"),
            ("res.partner", "[]"),
        ):
            with self.subTest(model=model), self.assertRaises(ValidationError) as caught:
                Definition.create(self._definition_vals(model, denominator_domain=domain))
            self.assertIn("cannot be measured", str(caught.exception))
            self.assertFalse(self.Definition.search_count([("code", "=", f"ik_{model.replace('.', '_')}")]))

    def test_models_outside_the_allowlist_are_refused_at_write(self):
        with self.assertRaises(ValidationError):
            self.def_count.with_user(self.manager).write(
                {"model_id": self.env["ir.model"]._get_id("res.users"), "date_field": "login_date"}
            )
        self.assertEqual(self.def_count.model_name, "svcms.kpi")

    def test_domains_may_not_leave_the_measurable_models(self):
        Definition = self.Definition.with_user(self.manager)
        complaint = "svcms.complaint"
        refused = [
            "[('create_uid.login', '=', 'admin')]",  # path into res.users
            "[('partner_id', 'ilike', 'Zhang')]",  # name search in res.partner
            "[('company_id.name', '=', 'x')]",
            "[('partner_id', 'child_of', 1)]",
        ]
        for index, domain in enumerate(refused):
            with self.subTest(domain=domain), self.assertRaises(ValidationError):
                Definition.create(self._definition_vals(complaint, code=f"ik_path_{index}", denominator_domain=domain))
        self.assertFalse(self.Definition.search_count([("code", "=like", "ik_path_%")]))
        # comparing with ids, and paths inside the measurable models, are fine
        accepted = Definition.create(
            self._definition_vals(
                "svcms.kpi.measurement",
                code="ik_ok",
                date_field="period_start",
                denominator_domain="[('create_uid', 'in', [2]), ('kpi_id.source', '=', 'manual')]",
            )
        )
        self.assertTrue(accepted)

    def test_evaluation_refuses_a_definition_outside_the_allowlist(self):
        # written behind the ORM (an older database, a hook that changed): evaluation checks again
        users_model = self.env["ir.model"]._get_id("res.users")
        self.env.cr.execute(
            "UPDATE svcms_kpi_definition SET model_id = %s, model_name = 'res.users', date_field = 'login_date' "
            "WHERE id = %s",
            [users_model, self.def_count.id],
        )
        self.env.invalidate_all()
        with self.assertRaises(ValidationError):
            self.def_count._evaluate(date(2025, 1, 1), date(2025, 2, 1), self.company)

    def test_measured_as_the_measuring_user_who_reads_measurable_models_only(self):
        env = self.Definition._svcms_measuring_env(self.company)
        self.assertEqual(env.uid, self.measurer.id)
        self.assertFalse(env.su)
        self.assertFalse(self.measurer.active, "nobody logs in as the measurer")
        for model in ("svcms.kpi", "svcms.complaint", "svcms.sla.line", "svcms.kpi.measurement"):
            self.assertTrue(env[model].has_access("read"), model)
            self.assertFalse(env[model].has_access("write"), model)
        for model in ("res.users", "ir.config_parameter", "res.partner", "hr.employee"):
            self.assertFalse(env[model].has_access("read"), model)

        calls = []
        original = SvcmsKpiDefinition._svcms_scope

        def spy(definition, model, periods):
            calls.append((model.env.uid, model.env.su))
            return original(definition, model, periods)

        with patch.object(SvcmsKpiDefinition, "_svcms_scope", spy):
            self.def_count._evaluate(date(2025, 1, 1), date(2025, 2, 1), self.company)
        self.assertEqual(calls, [(self.measurer.id, False)], "never as superuser, never as the caller")

    def test_same_figure_whoever_measures(self):
        for day in (date(2025, 1, 3), date(2025, 1, 9), date(2025, 2, 1)):
            self._live(day, 5)
        period = (date(2025, 1, 1), date(2025, 2, 1), self.company)
        as_system = self.def_sum._evaluate(*period)
        as_owner = self.def_sum.with_user(self.owner)._evaluate(*period)
        self.assertEqual(as_system, {"value": 10.0, "numerator": 2, "denominator": 2})
        self.assertEqual(as_owner, as_system)

    def test_measurer_gets_a_new_company_only_for_managers(self):
        other = self.env["res.company"].create({"name": "新公司"})
        self.assertNotIn(other, self.measurer.company_ids)
        with self.assertRaises(UserError):
            self.Definition.with_user(self.owner)._svcms_measuring_env(other)
        self.assertNotIn(other, self.measurer.company_ids)
        self.manager.write({"company_ids": [Command.link(other.id)]})
        self.def_count.with_user(self.manager)._evaluate(date(2025, 1, 1), date(2025, 2, 1), other)
        self.assertIn(other, self.measurer.company_ids)

    def test_only_managers_sync_the_measurer(self):
        with self.assertRaises(AccessError):
            self.Definition.with_user(self.owner)._svcms_sync_kpi_measurer()
        self.assertTrue(self.Definition.with_user(self.manager)._svcms_sync_kpi_measurer())

    def test_owner_measures_without_superuser(self):
        kpi = self._computed(self.def_count, date_start=date.today() - relativedelta(months=2))
        action = kpi.with_user(self.owner).action_measure_now()
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(len(kpi.measurement_ids), 2)
        self.assertEqual(kpi.measurement_ids.measured_by_id, self.owner)
        with self.assertRaises(AccessError):
            self._computed(self.def_count).with_user(self.colleague).action_measure_now()


@tagged("post_install", "-at_install")
class TestKpiMethod(IntegrityKpiCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpis()
        cls.mttr = cls.env.ref("svcms_base.kpi_def_complaint_mttr")
        cls.customer = cls.env["res.partner"].create({"name": "王先生"})

    def _complaints(self, count, received, hours):
        """``count`` complaints received at ``received`` and resolved ``hours`` later (odd ids: ``hours[0]``)."""
        complaints = self.env["svcms.complaint"].create(
            [
                {
                    "subject": f"投诉 {index}",
                    "partner_id": self.customer.id,
                    "description": "<p>维修不及时</p>",
                    "date_received": received,
                }
                for index in range(count)
            ]
        )
        self.env.flush_all()
        # resolved long after they were received: written as the workflow would, without running it
        self.env.cr.execute(
            """UPDATE svcms_complaint
                  SET state = 'resolved',
                      resolved_date = date_received + (CASE WHEN id %% 2 = 1 THEN %s ELSE %s END) * interval '1 hour'
                WHERE id IN %s""",
            [hours[0], hours[-1], tuple(complaints.ids)],
        )
        self.env.invalidate_all()
        return complaints

    def test_registered_method_is_offered_and_validated(self):
        self.assertIn("complaint_mttr", dict(self.Definition._selection_method()))
        self.assertEqual((self.mttr.measure, self.mttr.method), ("method", "complaint_mttr"))
        vals = {
            "name": "MTTR",
            "code": "ik_mttr",
            "model_id": self.env["ir.model"]._get_id("svcms.complaint"),
            "measure": "method",
            "date_field": "resolved_date",
        }
        with self.assertRaises(ValidationError):
            self.Definition.with_user(self.manager).create(vals)  # no method chosen
        with self.assertRaises(ValidationError):
            self.Definition.with_user(self.manager).create(
                {**vals, "method": "complaint_mttr", "model_id": self.kpi_model_id, "date_field": "date_start"}
            )
        self.assertFalse(self.Definition.search_count([("code", "=", "ik_mttr")]))

    def test_mean_time_to_resolve(self):
        # March 2031 (no demo complaint there): 10 h and 20 h, a complaint of April does not count
        self._complaints(1, datetime(2031, 3, 10, 4, 0), [10])
        self._complaints(1, datetime(2031, 3, 12, 4, 0), [20])
        self._complaints(1, datetime(2031, 4, 10, 4, 0), [99])
        march = (date(2031, 3, 1), date(2031, 4, 1), self.company)
        self.assertEqual(self.mttr._evaluate(*march), {"value": 15.0, "numerator": 2, "denominator": 2})
        empty = self.mttr._evaluate(date(2031, 6, 1), date(2031, 7, 1), self.company)
        self.assertEqual(empty, {"value": None, "numerator": 0, "denominator": 0})
        batch = self.mttr._evaluate_batch([march, (date(2031, 4, 1), date(2031, 5, 1), self.company)])
        self.assertEqual(batch[(self.mttr.id, date(2031, 4, 1), date(2031, 5, 1), self.company.id)]["value"], 99.0)

    def test_method_query_count_does_not_grow_with_records(self):
        periods = [
            (date(2032, 1, 1), date(2032, 2, 1), self.company),
            (date(2032, 2, 1), date(2032, 3, 1), self.company),
            (date(2032, 1, 1), date(2032, 4, 1), self.company),
        ]
        self.mttr._evaluate_batch(periods)  # warm the measuring user's rights and rules (cached afterwards)
        january = (self.mttr.id, date(2032, 1, 1), date(2032, 2, 1), self.company.id)
        quarter = (self.mttr.id, date(2032, 1, 1), date(2032, 4, 1), self.company.id)
        for total in (10, 60):
            existing = self.env["svcms.complaint"].search_count([("resolved_date", ">=", "2032-01-01")])
            self._complaints(total - existing, datetime(2032, 1, 15, 3, 0), [2, 4])
            self.env.flush_all()
            self.env.invalidate_all()
            self.mttr.mapped("model_name"), self.env.user.mapped("tz")  # the definition itself is read once
            # one SQL query for three periods, whether 10 or 60 complaints were resolved
            with self.assertQueryCount(1):
                results = self.mttr._evaluate_batch(periods)
            self.assertEqual(results[january], {"value": 3.0, "numerator": total, "denominator": total})
            self.assertEqual(results[quarter]["denominator"], total)

    def test_computed_kpi_on_a_method(self):
        self._complaints(2, datetime(2031, 3, 10, 4, 0), [6])
        kpi = self._computed(self.mttr, date_start=date(2031, 3, 1), target=8, direction="lower")
        kpi._record_computed_measurements(date(2031, 4, 2))
        self.assertEqual(kpi.measurement_ids.mapped("value"), [6.0])
        self.assertEqual(kpi.status, "on_target")


@tagged("post_install", "-at_install")
class TestKpiEvidence(IntegrityKpiCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpis()
        cls.Measurement = cls.env["svcms.kpi.measurement"]

    def test_objective_with_measured_kpis_is_archived_not_deleted(self):
        kpi = self._manual()
        self.Measurement.create({"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 91})
        kpi.active = False  # an archived KPI's measurements still count
        with self.assertRaises(UserError) as caught:
            self.objective.with_user(self.manager).unlink()
        self.assertIn("Archive it instead", str(caught.exception))
        self.assertTrue(self.objective.exists())
        self.objective.with_user(self.manager).action_archive()
        self.assertFalse(self.objective.active)
        # without measurements an objective (and its KPIs) may go
        fresh = self.env["svcms.objective"].create({"name": "新目标", "management_system_id": self.system.id})
        unmeasured = self.env["svcms.kpi"].create({"name": "未测量", "objective_id": fresh.id})
        fresh.with_user(self.manager).unlink()
        self.assertFalse(fresh.exists() or unmeasured.exists())

    def test_kpi_with_measurements_is_archived_not_deleted(self):
        kpi = self._manual()
        self.Measurement.create({"kpi_id": kpi.id, "period_start": "2025-01-01", "value": 91})
        with self.assertRaises(UserError):
            kpi.with_user(self.manager).unlink()
        self.assertTrue(kpi.exists())
        self.assertEqual(len(kpi.measurement_ids), 1)
        unmeasured = self._manual()
        unmeasured.with_user(self.manager).unlink()
        self.assertFalse(unmeasured.exists())

    def test_definition_in_use_is_archived_not_deleted(self):
        kpi = self._computed(self.def_count)
        kpi.active = False
        with self.assertRaises(UserError):
            self.def_count.with_user(self.manager).unlink()
        self.assertTrue(self.def_count.exists())
        self.def_sum.with_user(self.manager).unlink()  # used by no KPI
        self.assertFalse(self.def_sum.exists())

    def test_computed_measurements_are_evidence(self):
        kpi = self._computed(self.def_count, date_start=date.today() - relativedelta(months=1))
        kpi.with_user(self.owner).action_measure_now()
        measurement = kpi.measurement_ids
        self.assertEqual(len(measurement), 1)
        for user in (self.owner, self.manager):
            with self.assertRaises(UserError):
                measurement.with_user(user).write({"value": 99})
            with self.assertRaises(UserError):
                measurement.with_user(user).unlink()
        self.assertEqual((measurement.value, measurement.exists()), (0.0, measurement))
        measurement.with_user(self.owner).note = "无记录：本月没有新增"
        self.assertEqual(measurement.note, "无记录：本月没有新增")

    def test_manual_measurement_author_corrects_while_the_period_is_open(self):
        kpi = self._manual()
        this_month = date.today().replace(day=1)
        mine = self.Measurement.with_user(self.owner).create(
            {"kpi_id": kpi.id, "period_start": this_month, "value": 80, "measured_by_id": self.manager.id}
        )
        self.assertEqual(mine.measured_by_id, self.owner, "the author is whoever records it")
        self.assertTrue(mine.with_user(self.owner).can_edit)
        mine.with_user(self.owner).value = 85
        self.assertEqual(mine.value, 85)
        with self.assertRaises(UserError):
            mine.with_user(self.owner).measured_by_id = self.colleague
        # a manager records too, but corrects only their own
        self.assertFalse(mine.with_user(self.manager).can_edit)
        with self.assertRaises(UserError):
            mine.with_user(self.manager).value = 10
        with self.assertRaises(UserError):
            mine.with_user(self.manager).unlink()
        self.assertEqual((mine.value, mine.measured_by_id), (85, self.owner))
        mine.with_user(self.owner).unlink()
        self.assertFalse(mine.exists())

    def test_manual_measurement_is_frozen_once_its_period_closed(self):
        kpi = self._manual()
        old = self.Measurement.with_user(self.owner).create(
            {"kpi_id": kpi.id, "period_start": "2024-01-01", "value": 70}
        )
        # recorded today: back-filled history may still be corrected today
        old.with_user(self.owner).value = 71
        self.env.cr.execute(
            "UPDATE svcms_kpi_measurement SET create_date = '2024-02-10 08:00:00' WHERE id = %s", [old.id]
        )
        self.env.invalidate_all()
        self.assertFalse(old.with_user(self.owner).can_edit)
        with self.assertRaises(UserError):
            old.with_user(self.owner).value = 99
        with self.assertRaises(UserError):
            old.with_user(self.owner).unlink()
        self.assertEqual(old.value, 71)
        old.with_user(self.owner).note = "2024年1月：调查样本偏少"


@tagged("post_install", "-at_install")
class TestCronIsolation(IntegrityKpiCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpis()

    def _run(self, xmlid):
        with self.enter_registry_test_mode(), mute_logger(CRON_LOGGER):
            self.env.ref(xmlid).method_direct_trigger()
        self.env.invalidate_all()

    def _yesterday(self, records):
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET svcms_cron_failed_at = %s WHERE id IN %s",
                SQL.identifier(records._table),
                fields.Datetime.now() - timedelta(days=1),
                tuple(records.ids),
            )
        )
        self.env.invalidate_all()

    def test_one_broken_definition_does_not_stop_the_kpi_cron(self):
        self.env["ir.config_parameter"].sudo().set_param("svcms_base.kpi_cron_batch_size", 2)
        start = date.today() - relativedelta(months=2)
        self._live(start.replace(day=3))
        healthy = self._computed(self.def_count, date_start=start) | self._computed(self.def_sum, date_start=start)
        broken = self._computed(self.def_broken, date_start=start)
        self._break(self.def_broken)

        self._run("svcms_base.ir_cron_kpi_measurements")
        self.assertEqual([len(kpi.measurement_ids) for kpi in healthy], [2, 2], "the others are measured")
        self.assertFalse(broken.measurement_ids)
        definition = self.def_broken
        self.assertEqual(definition.svcms_cron_failure_count, 1)
        self.assertIn("no_such_field", definition.svcms_cron_last_error)
        self.assertTrue(definition.svcms_cron_failed_at)
        self.assertFalse(self.def_count.svcms_cron_failure_count)
        # left out of the rest of today's runs: the batch loop ends, nothing is retried today
        self.assertNotIn(broken, self.env["svcms.kpi"].search(self.env["svcms.kpi"]._due_domain(date.today())))
        self._run("svcms_base.ir_cron_kpi_measurements")
        self.assertEqual(definition.svcms_cron_failure_count, 1)

        # the next daily run tries again: one more failure, not silence
        self._yesterday(definition)
        self._run("svcms_base.ir_cron_kpi_measurements")
        self.assertEqual(definition.svcms_cron_failure_count, 2)

        # repaired: the failure is cleared and the KPI catches up
        definition.with_user(self.manager).date_field = "date_start"
        self.assertFalse(definition.svcms_cron_failure_count or definition.svcms_cron_last_error)
        self._run("svcms_base.ir_cron_kpi_measurements")
        self.assertEqual(len(broken.measurement_ids), 2)
        self.assertEqual(broken.measurement_ids.mapped("value"), [0.0, 1.0])

    def test_one_kpi_failing_to_record_is_isolated(self):
        start = date.today() - relativedelta(months=1)
        good = self._computed(self.def_count, date_start=start)
        bad = self._computed(self.def_sum, date_start=start)
        Measurement = type(self.env["svcms.kpi.measurement"])
        original = Measurement.create

        def create(records, vals_list):
            if any(vals.get("kpi_id") == bad.id for vals in vals_list):
                raise ValueError("disk full")
            return original(records, vals_list)

        with patch.object(Measurement, "create", create):
            self._run("svcms_base.ir_cron_kpi_measurements")
        self.assertEqual(len(good.measurement_ids), 1)
        self.assertFalse(bad.measurement_ids)
        self.assertEqual(bad.svcms_cron_failure_count, 1)
        self.assertIn("disk full", bad.svcms_cron_last_error)
        self.assertFalse(good.svcms_cron_failure_count)
        self.assertFalse(self.def_sum.svcms_cron_failure_count, "the definition itself is fine")

    def test_one_broken_risk_does_not_stop_the_review_cron(self):
        yesterday = date.today() - timedelta(days=1)
        risks = self.env["svcms.risk"].create(
            [{"name": f"风险 {i}", "owner_id": self.owner.id, "review_date": yesterday} for i in range(3)]
        )
        broken = risks[1]
        Risk = type(self.env["svcms.risk"])
        original = Risk._schedule_review_activity

        def schedule(records):
            if broken in records:
                raise ValueError("owner has no calendar")
            return original(records)

        with patch.object(Risk, "_schedule_review_activity", schedule):
            self._run("svcms_base.ir_cron_risk_review")
        review = self.env.ref("svcms_base.mail_activity_type_risk_review")
        for risk in risks - broken:
            self.assertEqual(risk.activity_ids.activity_type_id, review)
            self.assertTrue(risk.review_activity_planned)
        self.assertFalse(broken.activity_ids)
        self.assertEqual(broken.svcms_cron_failure_count, 1)
        self.assertIn("owner has no calendar", broken.svcms_cron_last_error)
        self.assertNotIn(broken, self.env["svcms.risk"].search(self.env["svcms.risk"]._review_due_domain()))
        # the next day, repaired: reminded, failure cleared
        self._yesterday(broken)
        self._run("svcms_base.ir_cron_risk_review")
        self.assertEqual(broken.activity_ids.activity_type_id, review)
        self.assertFalse(broken.svcms_cron_failure_count)

    def test_one_broken_certification_does_not_stop_the_renewal_cron(self):
        skill_type = self.env.ref("svcms_base.skill_type_svcms_certification")
        level = self.env.ref("svcms_base.skill_level_svcms_certified")
        permit = self.env["hr.skill"].create({"name": "测试上岗证", "skill_type_id": skill_type.id})
        lead_user = new_test_user(self.env, login="ik_lead", groups="base.group_user")
        lead = self.env["hr.employee"].create({"name": "组长", "user_id": lead_user.id})
        employees = self.env["hr.employee"].create([{"name": f"技师{i}", "parent_id": lead.id} for i in range(3)])
        certifications = self.env["hr.employee.skill"].create(
            [
                {
                    "employee_id": employee.id,
                    "skill_type_id": skill_type.id,
                    "skill_id": permit.id,
                    "skill_level_id": level.id,
                    "valid_from": date.today() - relativedelta(years=2),
                    "valid_to": date.today() + timedelta(days=10),
                }
                for employee in employees
            ]
        )
        broken = certifications[0]
        EmployeeSkill = type(self.env["hr.employee.skill"])
        original = EmployeeSkill._svcms_schedule_renewal_batch

        def schedule(records):
            if broken in records:
                raise ValueError("no responsible")
            return original(records)

        with patch.object(EmployeeSkill, "_svcms_schedule_renewal_batch", schedule):
            self._run("svcms_base.ir_cron_svcms_certification_renewal")
        self.assertEqual((certifications - broken).mapped("svcms_renewal_notified"), [True, True])
        self.assertFalse(broken.svcms_renewal_notified)
        self.assertEqual(broken.svcms_cron_failure_count, 1)
        self.assertIn("no responsible", broken.svcms_cron_last_error)
        self.assertNotIn(broken, self.env["hr.employee.skill"].search(broken._svcms_renewal_domain()))
        with self.assertRaises(AccessError):
            self.env["hr.employee.skill"].with_user(self.owner)._svcms_schedule_renewal_activities()


@tagged("post_install", "-at_install")
class TestRaciAndActions(IntegrityKpiCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpis()

    def test_raci_workbook_keeps_formula_like_text_as_text(self):
        department = self.env["hr.department"].create({"name": '=HYPERLINK("http://evil","x")'})
        process = self.env["svcms.process"].create(
            {
                "name": "=1+2",
                "code": "=SUM(A1:A9)",
                "management_system_id": self.system.id,
                "raci_line_ids": [Command.create({"department_id": department.id, "raci": "A"})],
            }
        )
        data = process._raci_xlsx_content("=cmd|' /C calc'!A0")
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual((sheet["A3"].value, sheet["A3"].data_type), ("=SUM(A1:A9)", "s"))
        self.assertEqual((sheet["B3"].value, sheet["B3"].data_type), ("=1+2", "s"))
        self.assertEqual(sheet["A1"].data_type, "s")
        self.assertTrue(sheet["C2"].value.startswith("=HYPERLINK"))
        self.assertEqual(sheet["C2"].data_type, "s")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml").decode()
        self.assertNotIn("<f>", xml, "no formula anywhere")

    def test_public_actions_return_something_rpc_can_carry(self):
        risk = self.env["svcms.risk"].create({"name": "断供风险", "likelihood": "3", "impact": "4"})
        self.assertIs(risk.action_assess(), True)
        risk.write({"treatment": "mitigate", "residual_likelihood": "1", "residual_impact": "2"})
        self.assertIs(risk.action_treat(), True)
        self.assertIs(risk.action_close(), True)
        self.assertIs(risk.action_reopen(), True)
        article = self.env["svcms.knowledge.article"].create({"name": "滤网清洗"})
        self.assertIs(article.action_publish(), True)
        self.assertIs(article.action_draft(), True)
        plan = self.env["svcms.communication.plan"].create({"name": "月度服务例会", "audience": "售后服务部"})
        self.assertIs(plan.action_mark_done(), True)
        with self.assertRaises(UserError):
            self.system.with_context(overview_counter="no_such_counter").action_open_overview_records()

    def test_superuser_writes_are_for_managers(self):
        self.env["svcms.document.type"].search([("code", "=", "instruction")]).action_archive()
        article = self.env["svcms.knowledge.article"].with_user(self.owner).create({"name": "洗衣机不脱水"})
        types_before = self.env["svcms.document.type"].with_context(active_test=False).search_count([])
        with self.assertRaises(UserError):
            article.action_promote_to_document()
        self.assertEqual(self.env["svcms.document.type"].with_context(active_test=False).search_count([]), types_before)
        self.assertFalse(article.document_id)
        article.with_user(self.manager).action_promote_to_document()
        self.assertEqual(article.document_id.document_type_id.code, "instruction")
        # training results are written into hr_skills as superuser: HR officers and managers only
        employee = self.env["hr.employee"].create({"name": "赵六"})
        course = self.env["svcms.training.course"].create({"name": "安全培训"})
        session = self.env["svcms.training.session"].create(
            {"course_id": course.id, "attendance_ids": [Command.create({"employee_id": employee.id, "score": 90})]}
        )
        with self.assertRaises(AccessError):
            session.attendance_ids.with_user(self.owner)._create_resume_lines()
        with self.assertRaises(AccessError):
            session.attendance_ids.with_user(self.owner)._grant_certifications()
        self.assertFalse(self.env["hr.resume.line"].search_count([("employee_id", "=", employee.id)]))


@tagged("post_install", "-at_install")
class TestKpiIntegrityRpc(IntegrityKpiCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_kpis()

    def _rpc(self, user, model, method, *args, **kwargs):
        with mute_logger("odoo.addons.rpc.controllers.xmlrpc"):  # "deprecated in Odoo 19"
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
            )

    def _refused(self, user, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger(*ACCESS_LOGGERS):
            self._rpc(user, model, method, *args, **kwargs)
        self.env.invalidate_all()
        return caught.exception.faultString

    def test_manager_cannot_count_config_parameters_or_users(self):
        for model, domain in (
            ("ir.config_parameter", "[('key', '=like', 'database.secret%')]"),
            ("res.users", "[('login', '=like', 'admin%')]"),
        ):
            vals = {
                "name": "Secrets",
                "code": "ik_rpc_secret",
                "model_id": self.env["ir.model"]._get_id(model),
                "measure": "count",
                "date_field": "create_date",
                "denominator_domain": domain,
            }
            message = self._refused(self.manager, "svcms.kpi.definition", "create", vals)
            self.assertIn("cannot be measured", message)
            self.assertFalse(self.Definition.search_count([("code", "=", "ik_rpc_secret")]))
        message = self._refused(
            self.manager,
            "svcms.kpi.definition",
            "write",
            [self.def_count.id],
            {"denominator_domain": "[('create_uid.login', '=like', 'admin%')]"},
        )
        self.assertIn("leads to res.users", message)
        self.assertEqual(self.def_count.denominator_domain, "[('unit', '=', 'live')]")
        self._refused(
            self.manager,
            "svcms.kpi.definition",
            "write",
            [self.def_count.id],
            {"model_id": self.env["ir.model"]._get_id("res.users"), "date_field": "login_date"},
        )
        self.assertEqual(self.def_count.model_name, "svcms.kpi")
        self._refused(self.manager, "svcms.kpi.definition", "_svcms_sync_kpi_measurer")

    def test_deleting_measured_records_is_refused(self):
        kpi = self._computed(self.def_count, date_start=date.today() - relativedelta(months=1))
        self._rpc(self.owner, "svcms.kpi", "action_measure_now", [kpi.id])
        measurement = kpi.measurement_ids
        self.assertEqual(len(measurement), 1)
        self._refused(self.manager, "svcms.objective", "unlink", [self.objective.id])
        self._refused(self.manager, "svcms.kpi", "unlink", [kpi.id])
        self._refused(self.manager, "svcms.kpi.definition", "unlink", [self.def_count.id])
        self._refused(self.owner, "svcms.kpi.measurement", "write", [measurement.id], {"value": 42})
        self._refused(self.manager, "svcms.kpi.measurement", "unlink", [measurement.id])
        self.assertTrue(self.objective.exists() and kpi.exists() and self.def_count.exists())
        self.assertEqual((measurement.exists(), measurement.value), (measurement, 0.0))
        self.assertTrue(self._rpc(self.owner, "svcms.kpi.measurement", "write", [measurement.id], {"note": "说明"}))
        self.assertTrue(self._rpc(self.manager, "svcms.objective", "write", [self.objective.id], {"active": False}))

    def test_only_the_author_corrects_a_manual_measurement(self):
        kpi = self._manual()
        measurement_id = self._rpc(
            self.owner,
            "svcms.kpi.measurement",
            "create",
            {"kpi_id": kpi.id, "period_start": str(date.today()), "value": 88, "measured_by_id": self.manager.id},
        )
        measurement = self.env["svcms.kpi.measurement"].browse(measurement_id)
        self.assertEqual(measurement.measured_by_id, self.owner)
        self._refused(self.manager, "svcms.kpi.measurement", "write", [measurement_id], {"value": 1})
        self._refused(self.owner, "svcms.kpi.measurement", "write", [measurement_id], {"measured_by_id": 2})
        self.assertEqual((measurement.value, measurement.measured_by_id), (88, self.owner))
        self.assertTrue(self._rpc(self.owner, "svcms.kpi.measurement", "write", [measurement_id], {"value": 89}))

    def test_actions_over_rpc_return_values(self):
        risk = self.env["svcms.risk"].create(
            {"name": "备件断供", "likelihood": "2", "impact": "3", "owner_id": self.owner.id}
        )
        self.assertIs(self._rpc(self.owner, "svcms.risk", "action_assess", [risk.id]), True)
        self.assertEqual(risk.state, "assessed")

    def test_raci_download_keeps_text(self):
        self.env["svcms.process"].create({"name": "=2*3", "code": "=A1", "management_system_id": self.system.id})
        self.authenticate("ik_owner", "ik_owner")
        response = self.url_open(f"/svcms/raci/xlsx?system_id={self.system.id}")
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual((sheet["A3"].value, sheet["A3"].data_type), ("=A1", "s"))
        self.assertEqual((sheet["B3"].value, sheet["B3"].data_type), ("=2*3", "s"))
