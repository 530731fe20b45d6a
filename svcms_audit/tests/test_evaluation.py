"""GB/T 27922 evaluation: indicators, score and level, special items, improvements, immutability, score sheets."""

import io
import xmlrpc.client
from contextlib import contextmanager
from datetime import date, timedelta

import openpyxl

from odoo.addons.svcms_base.tests.test_reports import ReportPdfCase, compact
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import AuditCase

RPC_LOGGERS = ("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", "odoo.addons.base.models.ir_rule")


class EvaluationMixin:
    """Builders shared by the evaluation tests (``cls.gbt_system``, users in the audit roles)."""

    @classmethod
    def indicator(cls, code):
        return cls.env["svcms.clause"].search([("standard", "=", "gbt27922"), ("code", "=", code)], limit=1)

    def new_evaluation(self, user, lines=(), **values):
        """An evaluation created as ``user`` with ``lines``: ``(code, points, line values)``."""
        evaluation = (
            self.env["svcms.evaluation"]
            .with_user(user)
            .create(
                {
                    "name": "Test evaluation",
                    "management_system_id": self.gbt_system.id,
                    **values,
                    "line_ids": [
                        Command.create(
                            {"clause_id": self.indicator(code).id, "points_available": points, **line_values}
                        )
                        for code, points, line_values in lines
                    ],
                }
            )
        )
        return evaluation


class TestEvaluationScore(EvaluationMixin, AuditCase):
    @contextmanager
    def assertRefused(self, exception, regex):
        """The operation raises ``exception`` with a message matching ``regex``; its writes are rolled back."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)
        self.env.invalidate_all()

    def test_load_indicators_from_the_tree(self):
        """Load creates one line per leaf indicator with its default points (summing to 100), once."""
        evaluation = self.new_evaluation(self.user_auditor)
        evaluation.action_load_indicators()
        leaves = self.env["svcms.clause"].search([("standard", "=", "gbt27922"), ("child_ids", "=", False)])
        self.assertEqual(len(evaluation.line_ids), len(leaves))
        self.assertEqual(evaluation.line_ids.clause_id, leaves)
        self.assertAlmostEqual(sum(evaluation.line_ids.mapped("points_available")), 100.0)
        self.assertFalse(evaluation.line_ids.clause_id.filtered("child_ids"), "only leaf indicators")
        # a second load adds nothing; points stay editable while draft
        evaluation.action_load_indicators()
        self.assertEqual(len(evaluation.line_ids), len(leaves))
        evaluation.line_ids[0].points_available = 7
        self.assertEqual(evaluation.line_ids[0].points_available, 7)
        self.assertTrue(evaluation.reference.startswith("EVAL/"))

    def test_score_and_level_on_boundaries(self):
        """69.9 → no level, 70 → 达标, 80 → 三星, 89.9 → 三星, 90 → 四星, 94.9 → 四星, 95 → 五星."""
        evaluation = self.new_evaluation(
            self.user_auditor, [("2.4.2", 1000, {"assessment_type": "sampled", "samples_total": 1000})]
        )
        line = evaluation.line_ids
        expected = [
            (699, 69.9, "none"),
            (700, 70.0, "compliant"),
            (799, 79.9, "compliant"),
            (800, 80.0, "three_star"),
            (899, 89.9, "three_star"),
            (900, 90.0, "four_star"),
            (949, 94.9, "four_star"),
            (950, 95.0, "five_star"),
            (1000, 100.0, "five_star"),
            (0, 0.0, "none"),
        ]
        for conforming, score, level in expected:
            line.samples_conforming = conforming
            self.assertAlmostEqual(evaluation.score, score, msg=f"{conforming} conforming samples")
            self.assertEqual(evaluation.level, level, f"score {score}")

    def test_qualitative_all_or_nothing_and_sampled_proportional(self):
        evaluation = self.new_evaluation(
            self.user_auditor,
            [
                ("2.4.2", 6, {"assessment_type": "sampled", "samples_total": 20, "samples_conforming": 18}),
                ("3.1.2", 5, {"result": "nonconform"}),
                ("3.1.1", 3, {"result": "conform"}),
                ("3.1.3", 4, {}),
            ],
        )
        repair, visits, records, survey = evaluation.line_ids.sorted(lambda line: line.id)
        self.assertAlmostEqual(repair.points_actual, 5.4)
        self.assertEqual(visits.points_actual, 0.0)
        self.assertEqual(records.points_actual, 3.0)
        self.assertEqual(survey.points_actual, 0.0)
        self.assertFalse(survey.assessed, "a qualitative indicator without result is not assessed")
        # (5.4 + 0 + 3 + 0) / 18 * 100 = 46.67
        self.assertAlmostEqual(evaluation.score, 46.7)
        self.assertEqual((repair | visits).ids, evaluation.line_ids.filtered("below_full").ids)
        survey.result = "conform"
        self.assertAlmostEqual(evaluation.score, round((5.4 + 3 + 4) / 18 * 100, 1))

    def test_removed_indicators_leave_the_base(self):
        evaluation = self.new_evaluation(
            self.user_auditor, [("3.1.1", 10, {"result": "conform"}), ("3.1.2", 10, {"result": "nonconform"})]
        )
        self.assertEqual(evaluation.score, 50.0)
        self.assertEqual(evaluation.points_available, 20.0)
        removed = evaluation.line_ids.filtered(lambda line: line.result == "nonconform")
        removed.write({"applicable": False, "removal_reason": "Not offered"})
        self.assertEqual(evaluation.points_available, 10.0)
        self.assertEqual(evaluation.score, 100.0)
        self.assertEqual(evaluation.level, "five_star")
        self.assertFalse(removed.below_full, "a removed indicator is never below full points")

    def test_special_deductions_and_one_bonus(self):
        evaluation = self.new_evaluation(
            self.user_auditor,
            [("2.4.2", 100, {"assessment_type": "sampled", "samples_total": 100, "samples_conforming": 90})],
        )
        Special = self.env["svcms.evaluation.special"].with_user(self.user_auditor)
        Special.create(
            [
                {"evaluation_id": evaluation.id, "kind": "deduction", "reason": "law", "name": "Fine"},
                {"evaluation_id": evaluation.id, "kind": "deduction", "reason": "own_rules", "name": "Overcharge"},
            ]
        )
        self.assertEqual(evaluation.deduction_count, 2)
        self.assertEqual(evaluation.score, 88.0)
        self.assertEqual(evaluation.level, "three_star")
        Special.create({"evaluation_id": evaluation.id, "kind": "bonus", "reason": "bonus", "name": "Award"})
        self.assertEqual(evaluation.score, 89.0)
        # a second bonus is refused with a clear message, nothing written
        with self.assertRefused(ValidationError, "at most one"):
            Special.create({"evaluation_id": evaluation.id, "kind": "bonus", "reason": "bonus", "name": "Again"})
        self.assertEqual(len(evaluation.special_ids), 3)
        self.assertEqual(evaluation.score, 89.0)
        # a bonus needs the bonus reason, a deduction a breach
        with self.assertRaises(ValidationError):
            Special.create({"evaluation_id": evaluation.id, "kind": "deduction", "reason": "bonus", "name": "X"})

    def test_bonus_counted_at_most_once(self):
        """Even with two bonus rows in the database (bypassing the constraint), the score adds 1."""
        evaluation = self.new_evaluation(
            self.user_auditor,
            [("2.4.2", 100, {"assessment_type": "sampled", "samples_total": 100, "samples_conforming": 90})],
        )
        self.env["svcms.evaluation.special"].create(
            {"evaluation_id": evaluation.id, "kind": "bonus", "reason": "bonus", "name": "Award"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            """INSERT INTO svcms_evaluation_special (evaluation_id, company_id, kind, reason, name, points)
               VALUES (%s, %s, 'bonus', 'bonus', 'Second award', 1)""",
            [evaluation.id, evaluation.company_id.id],
        )
        self.env.invalidate_all()
        self.assertEqual(len(evaluation.special_ids.filtered(lambda s: s.kind == "bonus")), 2)
        # any change of the evaluation's scoring recomputes the score
        evaluation.line_ids.samples_conforming = 94
        self.assertEqual(evaluation.bonus, 1)
        self.assertEqual(evaluation.score, 95.0)
        # the score never exceeds 100
        evaluation.line_ids.samples_conforming = 100
        self.assertEqual(evaluation.score, 100.0)

    def test_bad_input_is_refused_nothing_written(self):
        evaluation = self.new_evaluation(self.user_auditor, [("3.1.1", 3, {"result": "conform"})])
        Line = self.env["svcms.evaluation.line"].with_user(self.user_auditor)
        iso_clause = self.clause("iso20000", "8.3.3") or self.clause("iso20000", "10.1")
        bad_lines = [
            ({"clause_id": iso_clause.id}, "not a GB/T 27922 indicator"),
            ({"clause_id": self.indicator("2.4").id}, "not a GB/T 27922 indicator"),
            ({"clause_id": self.indicator("3.1.1").id}, "already scores the indicator"),
            ({"clause_id": self.indicator("3.1.2").id, "points_available": -1}, "cannot be below zero"),
            (
                {
                    "clause_id": self.indicator("3.1.3").id,
                    "assessment_type": "sampled",
                    "samples_total": 5,
                    "samples_conforming": 6,
                },
                "cannot exceed",
            ),
        ]
        for values, message in bad_lines:
            with self.subTest(message=message), self.assertRefused(ValidationError, message):
                Line.create({"evaluation_id": evaluation.id, "points_available": 2, **values})
            self.assertEqual(self.env["svcms.evaluation.line"].search_count([("evaluation_id", "=", evaluation.id)]), 1)
        line = evaluation.line_ids
        with self.assertRefused(ValidationError, "cannot be below zero"):
            line.with_user(self.user_auditor).points_available = -0.5
        self.assertEqual(line.points_available, 3.0)
        # an evaluation belongs to a GB/T 27922 management system
        with self.assertRaises(ValidationError):
            self.new_evaluation(self.user_auditor, management_system_id=self.system.id)

    def test_conclude_creates_improvements_once_and_approval_freezes(self):
        evaluation = self.new_evaluation(
            self.user_auditor,
            [
                ("2.4.2", 6, {"assessment_type": "sampled", "samples_total": 20, "samples_conforming": 18}),
                ("3.1.2", 5, {"result": "nonconform", "deduction_note": "Visits late"}),
                ("3.1.1", 3, {"result": "conform"}),
                ("2.6.1", 3, {"applicable": False}),
                ("3.1.3", 4, {}),
            ],
        )
        # an indicator not assessed yet blocks the conclusion
        with self.assertRefused(UserError, "3.1.3"):
            evaluation.with_user(self.user_auditor).action_conclude()
        evaluation.line_ids.filtered(lambda line: line.clause_id.code == "3.1.3").result = "conform"
        # a plain SMS user may not conclude
        with self.assertRaises(AccessError):
            evaluation.with_user(self.user_staff).action_conclude()
        evaluation.with_user(self.user_auditor).action_conclude()
        self.assertEqual(evaluation.state, "done")
        self.assertEqual(evaluation.concluded_by_id, self.user_auditor)
        Improvement = self.env["svcms.improvement"]
        below = evaluation.line_ids.filtered("below_full")
        self.assertEqual(len(below), 2)
        refs = [f"svcms.evaluation.line,{line.id}" for line in below]
        improvements = Improvement.search([("source_ref", "in", refs)])
        self.assertEqual(len(improvements), 2)
        self.assertEqual(set(improvements.mapped("source_type")), {"evaluation"})
        self.assertEqual(improvements.management_system_id, self.gbt_system)
        self.assertEqual({imp.source_ref for imp in improvements}, set(below))
        self.assertEqual(evaluation.improvement_count, 2)
        self.assertEqual(below.improvement_id, improvements)
        # an auditor approves nothing
        with self.assertRaises(AccessError):
            evaluation.with_user(self.user_lead).action_approve()
        # reopened (lead auditor) and concluded again: no duplicates
        with self.assertRaises(AccessError):
            evaluation.with_user(self.user_auditor).action_reopen()
        evaluation.with_user(self.user_lead).action_reopen()
        self.assertEqual(evaluation.state, "draft")
        evaluation.with_user(self.user_manager).action_conclude()
        self.assertEqual(Improvement.search_count([("source_ref", "in", refs)]), 2)
        score = evaluation.score
        # whoever concluded does not approve (separation of duties); another manager does
        with self.assertRefused(UserError, "Separation of duties"):
            evaluation.with_user(self.user_manager).action_approve()
        self.assertEqual(evaluation.state, "done")
        other_manager = new_test_user(
            self.env, "t_eval_manager2", groups="svcms_base.group_svcms_user,svcms_audit.group_audit_manager"
        )
        evaluation.with_user(other_manager).action_approve()
        self.assertEqual(evaluation.state, "approved")
        self.assertEqual(self.gbt_system.last_evaluation_level, evaluation.level)
        self.assertEqual(self.gbt_system.last_evaluation_date, evaluation.evaluation_date)
        # approved: immutable through the ORM as the manager, the score stays
        as_manager = evaluation.with_user(other_manager)
        for attempt in (
            lambda: as_manager.write({"name": "Changed"}),
            lambda: as_manager.line_ids[0].write({"points_available": 1}),
            lambda: as_manager.line_ids[0].unlink(),
            lambda: as_manager.action_load_indicators(),
            lambda: as_manager.action_reopen(),
            lambda: as_manager.unlink(),
            lambda: self.env["svcms.evaluation.special"]
            .with_user(other_manager)
            .create({"evaluation_id": evaluation.id, "kind": "bonus", "reason": "bonus", "name": "Late bonus"}),
            lambda: as_manager.write({"score": 99.0}),
            lambda: as_manager.line_ids[0].write({"points_actual": 99.0}),
        ):
            with self.assertRaises(UserError):
                attempt()
        self.env.invalidate_all()
        self.assertEqual(evaluation.name, "Test evaluation")
        self.assertEqual(evaluation.score, score)
        self.assertEqual(len(evaluation.line_ids), 5)
        self.assertFalse(evaluation.special_ids)

    def test_last_approved_evaluation_on_the_management_system(self):
        older = self.new_evaluation(
            self.user_auditor,
            [("3.1.1", 10, {"result": "conform"})],
            evaluation_date=date.today() - timedelta(days=400),
        )
        newer = self.new_evaluation(
            self.user_auditor,
            [("3.1.1", 10, {"assessment_type": "sampled", "samples_total": 10, "samples_conforming": 8})],
            evaluation_date=date.today() - timedelta(days=30),
        )
        self.assertFalse(self.gbt_system.last_evaluation_level)
        for evaluation in (newer, older):
            evaluation.with_user(self.user_auditor).action_conclude()
            evaluation.with_user(self.user_manager).action_approve()
        self.assertEqual(self.gbt_system.last_evaluation_date, newer.evaluation_date)
        self.assertEqual(self.gbt_system.last_evaluation_level, "three_star")
        self.assertEqual(self.gbt_system.last_evaluation_score, 80.0)
        # a plain SMS user reads the level on the system without reading the evaluations
        system = self.gbt_system.with_user(self.user_staff)
        self.assertEqual(system.last_evaluation_level, "three_star")

    def test_kpi_evaluation_score(self):
        definition = self.env.ref("svcms_audit.kpi_def_evaluation_score")
        evaluation = self.new_evaluation(
            self.user_auditor,
            [("3.1.1", 10, {"assessment_type": "sampled", "samples_total": 10, "samples_conforming": 9})],
            evaluation_date=date(2025, 3, 10),
        )
        evaluation.with_user(self.user_auditor).action_conclude()
        draft = self.new_evaluation(
            self.user_auditor, [("3.1.1", 10, {"result": "nonconform"})], evaluation_date=date(2025, 3, 11)
        )
        self.assertEqual(draft.score, 0.0)
        result = definition._evaluate(date(2025, 3, 1), date(2025, 4, 1), self.company)
        self.assertIsNone(result["value"], "only approved evaluations count")
        evaluation.with_user(self.user_manager).action_approve()
        result = definition._evaluate(date(2025, 3, 1), date(2025, 4, 1), self.company)
        self.assertEqual(result["value"], 90.0)

    def test_demo_self_evaluation(self):
        """The demo self-evaluation (when demo data is loaded): approved, 四星 between 90 and 95, two improvements."""
        evaluation = self.env.ref("svcms_audit.demo_evaluation_self", raise_if_not_found=False)
        if not evaluation:
            return
        self.assertEqual(evaluation.state, "approved")
        self.assertTrue(90 <= evaluation.score < 95, evaluation.score)
        self.assertEqual(evaluation.level, "four_star")
        self.assertEqual(len(evaluation.line_ids.filtered("below_full")), 2)
        self.assertEqual(evaluation.improvement_count, 2)
        self.assertEqual(evaluation.management_system_id.last_evaluation_level, "four_star")
        self.assertEqual(evaluation.management_system_id.last_evaluation_date, evaluation.evaluation_date)

    def test_evidence_text_per_line(self):
        """Evidence of each indicator: the record types declaring it and their count in the period (one call)."""
        evaluation = self.new_evaluation(self.user_auditor)
        evaluation.action_load_indicators()
        Clause = self.env["svcms.clause"]
        counts = evaluation.line_ids.clause_id.sudo()._svcms_evidence_counts(
            evaluation.date_from, evaluation.date_to, companies=evaluation.company_id, system=self.gbt_system
        )
        declared = {clause_id for clause_id, entries in counts.items() if entries}
        self.assertTrue(declared, "some GB/T 27922 indicator declares evidence (complaints)")
        names = {
            model.model: model.name
            for model in self.env["ir.model"].sudo().search([("model", "in", Clause._svcms_evidence_models())])
        }
        for line in evaluation.line_ids:
            expected = ", ".join(f"{names[name]}: {count}" for name, _d, count in counts[line.clause_id.id])
            self.assertEqual(line.evidence, expected)
        # two complaints received in the period: the complaint indicators count them
        channels = evaluation.line_ids.filtered(lambda line: line.clause_id.code == "3.2.1")
        before = {name: count for name, _d, count in counts[channels.clause_id.id]}["svcms.complaint"]
        partner = self.env["res.partner"].create({"name": "Evidence customer"})
        self.env["svcms.complaint"].create(
            [{"subject": f"Late repair {n}", "partner_id": partner.id, "description": "<p>Late</p>"} for n in (1, 2)]
        )
        self.env.invalidate_all()
        self.assertIn(f"{names['svcms.complaint']}: {before + 2}", channels.evidence)


@tagged("post_install", "-at_install")
class TestEvaluationRpcAndPrint(EvaluationMixin, ReportPdfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = "svcms_base.group_svcms_user"
        cls.gbt_system = cls.env["svcms.management.system"].create(
            {"name": "RPC after-sales system", "code": "RASMS", "standard": "gbt27922"}
        )
        cls.user_auditor = new_test_user(cls.env, "t_eval_auditor", groups=f"{base},svcms_audit.group_audit_auditor")
        cls.user_manager = new_test_user(cls.env, "t_eval_manager", groups=f"{base},svcms_audit.group_audit_manager")
        cls.user_staff = new_test_user(cls.env, "t_eval_staff", groups=base)
        evaluation = (
            cls.env["svcms.evaluation"]
            .with_user(cls.user_auditor)
            .create({"name": "评价 RPC", "management_system_id": cls.gbt_system.id})
        )
        evaluation.action_load_indicators()
        lines = evaluation.line_ids
        lines.filtered(lambda line: line.clause_id.code == "2.4.2").write(
            {"assessment_type": "sampled", "samples_total": 20, "samples_conforming": 18, "deduction_note": "两单超时"}
        )
        lines.filtered(lambda line: line.clause_id.code == "3.1.2").write({"result": "nonconform"})
        lines.filtered(lambda line: line.clause_id.code == "2.6.1").write({"applicable": False})
        lines.filtered(lambda line: not line.result and line.assessment_type == "qualitative").write(
            {"result": "conform"}
        )
        evaluation.action_conclude()
        evaluation.with_user(cls.user_manager).action_approve()
        cls.evaluation = evaluation

    def test_approved_evaluation_immutable_through_rpc(self):
        evaluation = self.evaluation
        self.assertEqual(evaluation.state, "approved")
        self.assertEqual(evaluation.level, "four_star")
        line = evaluation.line_ids[0]
        calls = [
            ("svcms.evaluation", "write", [[evaluation.id], {"name": "Changed"}]),
            ("svcms.evaluation", "write", [[evaluation.id], {"state": "draft"}]),
            ("svcms.evaluation", "action_reopen", [[evaluation.id]]),
            ("svcms.evaluation", "unlink", [[evaluation.id]]),
            ("svcms.evaluation.line", "write", [[line.id], {"points_available": 0}]),
            ("svcms.evaluation.line", "unlink", [[line.id]]),
            (
                "svcms.evaluation.special",
                "create",
                [{"evaluation_id": evaluation.id, "kind": "bonus", "reason": "bonus", "name": "Late"}],
            ),
        ]
        for model, method, args in calls:
            with (
                self.subTest(model=model, method=method),
                mute_logger(*RPC_LOGGERS),
                self.assertRaises(xmlrpc.client.Fault),
            ):
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname, self.user_manager.id, "t_eval_manager", model, method, args, {}
                )
        self.env.invalidate_all()
        self.assertEqual(evaluation.name, "评价 RPC")
        self.assertEqual(evaluation.state, "approved")
        self.assertTrue(line.exists())
        self.assertEqual(line.points_available, line.clause_id.default_points)
        self.assertFalse(evaluation.special_ids)
        # a bad line refused through RPC too (a draft evaluation, points below zero)
        draft = (
            self.env["svcms.evaluation"]
            .with_user(self.user_auditor)
            .create({"name": "Draft", "management_system_id": self.gbt_system.id})
        )
        with mute_logger(*RPC_LOGGERS), self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.user_auditor.id,
                "t_eval_auditor",
                "svcms.evaluation.line",
                "create",
                [{"evaluation_id": draft.id, "clause_id": line.clause_id.id, "points_available": -2}],
                {},
            )
        self.assertFalse(draft.line_ids)

    def test_score_sheet_xlsx(self):
        self.authenticate("t_eval_auditor", "t_eval_auditor")
        # a read-only route: served in a READ ONLY transaction (replica); a write would be retried with a warning
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(f"/svcms/evaluation/{self.evaluation.id}/xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        header_index = next(i for i, row in enumerate(rows) if row[0] == "编号 Code")
        self.assertEqual(rows[header_index][1], "指标 Indicator")
        self.assertEqual(rows[header_index][6], "标准分 Points available")
        indicator_rows = rows[header_index + 1 : header_index + 1 + len(self.evaluation.line_ids)]
        self.assertEqual([row[0] for row in indicator_rows], self.evaluation.line_ids.clause_id.mapped("code"))
        repair = next(row for row in indicator_rows if row[0] == "2.4.2")
        self.assertEqual((repair[5], repair[6], repair[7], repair[8]), ("18/20", 6, 5.4, "两单超时"))
        removed = next(row for row in indicator_rows if row[0] == "2.6.1")
        self.assertEqual(removed[2], "删减 Removed")
        total = rows[header_index + 1 + len(self.evaluation.line_ids)]
        self.assertEqual(total[1], "合计 Total")
        self.assertAlmostEqual(total[6], 97.0)
        self.assertAlmostEqual(total[7], 91.4)
        score_row = next(row for row in rows if row[1] == "得分 Score")
        self.assertAlmostEqual(score_row[7], self.evaluation.score)
        level_row = next(row for row in rows if row[1] == "等级 Level")
        self.assertEqual(level_row[7], "Four Stars")
        # someone who may not read evaluations gets nothing
        self.authenticate("t_eval_staff", "t_eval_staff")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/svcms/evaluation/{self.evaluation.id}/xlsx")
        self.assertEqual(response.status_code, 403)

    def test_score_sheet_pdf(self):
        self.assertAlmostEqual(self.evaluation.score, 94.2)
        [text] = ["".join(self._print("svcms_audit.action_report_evaluation", self.evaluation, self.user_auditor))]
        self.assertIn(compact(self.evaluation.reference), text)
        for code in self.evaluation.line_ids.clause_id.mapped("code"):
            self.assertIn(code, text)
        self.assertIn("94.2", text)
        self.assertIn("两单超时", text)
        self.assertIn(compact("91.4"), text)
