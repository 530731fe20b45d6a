"""Management review (ISO/IEC 20000-1 9.3): frozen input snapshot, workflow, immutability, closed periods,
decisions to the improvement register or CAPA, the yearly reminder, the minutes PDF and RPC refusals."""

import xmlrpc.client
from datetime import timedelta

from markupsafe import Markup

from odoo import fields
from odoo.addons.svcms_base.tests.test_reports import ReportPdfCase, compact
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import AuditCase

SECTIONS = [
    "previous_actions",
    "context",
    "objectives",
    "sla",
    "complaints",
    "nonconformity",
    "audits",
    "suppliers",
    "risks",
    "resources",
    "improvements",
]


def figure(review, section, label):
    return review.input_ids.filtered(lambda i: i.section == section).figures[label]


class ReviewFixtures:
    @classmethod
    def _review_fixtures(cls):
        cls.today = fields.Date.context_today(cls.env["svcms.management.review"])
        cls.user_chair = new_test_user(cls.env, "t_review_chair", groups="svcms_base.group_svcms_user")
        cls.emp_chair = cls.env["hr.employee"].create({"name": "General Manager", "user_id": cls.user_chair.id})

    @classmethod
    def _review_vals(cls, system, **values):
        return {
            "name": "Review",
            "management_system_id": system.id,
            "period_start": cls.today - timedelta(days=30),
            "period_end": cls.today,
            "review_date": cls.today,
            "chair_id": cls.emp_chair.id,
            **values,
        }


@tagged("post_install", "-at_install")
class TestManagementReview(ReviewFixtures, AuditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._review_fixtures()
        cls.Review = cls.env["svcms.management.review"]

    def _new_review(self, **values):
        return self.Review.with_user(self.user_manager).create(self._review_vals(self.system, **values))

    def _issue(self, name):
        return self.env["svcms.context.issue"].create(
            {"name": name, "origin": "external", "effect": "negative", "management_system_id": self.system.id}
        )

    def _hold(self, review):
        review.write(
            {
                "attendee_ids": [(6, 0, [self.emp_chair.id, self.emp_manager.id])],
                "attendees_confirmed": True,
                "minutes": "<p>Discussed every input.</p>",
            }
        )
        review.action_hold()

    def _approved_review(self, **values):
        review = self._new_review(**values)
        review.action_prepare_inputs()
        self._hold(review)
        review.with_user(self.user_chair).action_approve()
        return review

    # ------------------------------------------------------------------ inputs

    def test_prepare_inputs_is_a_frozen_snapshot(self):
        self._issue("New competitor")
        self.system.representative_id = self.emp_lead
        self.env["svcms.risk"].create({"name": "Key engineer leaves", "management_system_id": self.system.id})
        review = self._new_review()
        self.assertEqual(review.coordinator_id, self.emp_lead)
        self.assertTrue(review.can_prepare)
        review.action_prepare_inputs()
        self.assertEqual(review.state, "prepared")
        self.assertEqual(review.prepared_by_id, self.user_manager)
        self.assertEqual(review.input_ids.mapped("section"), SECTIONS)
        self.assertEqual(figure(review, "context", "Issues identified in the period"), 1)
        self.assertEqual(figure(review, "risks", "Open risks and opportunities"), 1)
        self.assertIn("New", review.input_ids.filtered(lambda i: i.section == "context").summary)
        # the suppliers section: the note when no addon reports supplier performance (svcms_itsm fills it)
        suppliers = review.input_ids.filtered(lambda i: i.section == "suppliers").summary
        if review.management_system_id.sudo()._svcms_supplier_performance(review.period_start, review.period_end):
            self.assertIn("Supplier reviews completed in the period", suppliers)
        else:
            self.assertIn("No supplier review recorded.", suppliers)

        # the live data changes: the snapshot does not
        self._issue("New regulation")
        review.invalidate_recordset()
        self.assertEqual(figure(review, "context", "Issues identified in the period"), 1)
        # re-run while not held: replaced, not duplicated
        review.action_prepare_inputs()
        self.assertEqual(len(review.input_ids), len(SECTIONS))
        self.assertEqual(figure(review, "context", "Issues identified in the period"), 2)

    def test_inputs_cannot_be_edited_by_hand(self):
        review = self._new_review()
        review.action_prepare_inputs()
        section = review.input_ids[0].with_user(self.user_manager)
        with self.assertRaises(UserError):
            section.write({"summary": "<p>Better figures</p>"})
        with self.assertRaises(UserError):
            section.unlink()
        with self.assertRaises(UserError):
            self.env["svcms.management.review.input"].with_user(self.user_manager).create(
                {"review_id": review.id, "section": "risks", "title": "Forged"}
            )
        self.assertEqual(len(review.input_ids), len(SECTIONS))
        self.assertNotIn("Better figures", review.input_ids[0].summary)

    def test_prepare_refused_to_auditor_and_after_held(self):
        review = self._new_review()
        with self.assertRaises(AccessError):
            review.with_user(self.user_auditor).action_prepare_inputs()
        self.assertFalse(review.input_ids)
        review.action_prepare_inputs()
        self._hold(review)
        with self.assertRaises(UserError):
            review.action_prepare_inputs()
        self.assertEqual(review.state, "held")

    def test_previous_actions_section(self):
        last = self._new_review(
            period_start=self.today - timedelta(days=400),
            period_end=self.today - timedelta(days=366),
            review_date=self.today - timedelta(days=360),
        )
        last.write(
            {
                "decision_ids": [
                    (0, 0, {"description": "Hire two engineers", "category": "resources", "done": True}),
                    (
                        0,
                        0,
                        {"description": "Revise procedure", "deadline": self.today - timedelta(days=10)},
                    ),
                ]
            }
        )
        last.action_prepare_inputs()
        self._hold(last)
        last.action_approve()
        review = self._new_review()
        review.action_prepare_inputs()
        self.assertEqual(figure(review, "previous_actions", "Done"), 1)
        self.assertEqual(figure(review, "previous_actions", "Open"), 1)
        self.assertEqual(figure(review, "previous_actions", "Open and past their deadline"), 1)

    def test_prepare_costs_a_bounded_number_of_queries(self):
        review = self._new_review()
        review.action_prepare_inputs()  # warm the caches

        def count():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            review.action_prepare_inputs()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        small = count()
        self.env["svcms.context.issue"].create(
            [
                {
                    "name": f"Issue {n}",
                    "origin": "internal",
                    "effect": "positive",
                    "management_system_id": self.system.id,
                }
                for n in range(40)
            ]
        )
        self.env["svcms.risk"].create(
            [{"name": f"Risk {n}", "management_system_id": self.system.id} for n in range(40)]
        )
        large = count()
        self.assertEqual(figure(review, "context", "Issues identified in the period"), 40)
        self.assertLessEqual(large, small + 2, "preparing must not cost queries per record")
        self.assertLess(large, 120)

    # ------------------------------------------------------------------ bad input

    def test_period_from_after_to_refused(self):
        with self.assertRaises(ValidationError):
            self._new_review(period_start=self.today, period_end=self.today - timedelta(days=1), name="Bad period")
        self.assertFalse(self.Review.search([("name", "=", "Bad period")]))

    def test_review_date_before_period_end_refused(self):
        with self.assertRaises(ValidationError):
            self._new_review(review_date=self.today - timedelta(days=1), name="Too early")
        self.assertFalse(self.Review.search([("name", "=", "Too early")]))

    def test_review_in_closed_period_refused(self):
        self._approved_review(period_start=self.today - timedelta(days=365), period_end=self.today - timedelta(days=10))
        with self.assertRaises(ValidationError) as refusal:
            self._new_review(name="Overlapping")
        self.assertIn("closed", str(refusal.exception))
        self.assertFalse(self.Review.search([("name", "=", "Overlapping")]))
        # another system or a later period is fine
        self._new_review(name="Other system", management_system_id=self.gbt_system.id)
        later = self._new_review(name="Later", period_start=self.today - timedelta(days=9))
        with self.assertRaises(ValidationError):
            later.write({"period_start": self.today - timedelta(days=20)})
        self.assertEqual(later.period_start, self.today - timedelta(days=9))

    # ------------------------------------------------------------------ workflow and immutability

    def test_hold_needs_attendees_and_minutes(self):
        review = self._new_review()
        review.action_prepare_inputs()
        with self.assertRaises(UserError):
            review.action_hold()
        self.assertEqual(review.state, "prepared")
        self._hold(review)
        self.assertEqual(review.state, "held")

    def test_approval_by_chair_or_manager_only(self):
        review = self._new_review()
        review.action_prepare_inputs()
        self._hold(review)
        for user in (self.user_auditor, self.user_lead, self.user_staff):
            with self.assertRaises(AccessError):
                review.with_user(user).action_approve()
        self.assertEqual(review.state, "held")
        self.assertFalse(review.with_user(self.user_auditor).can_approve)
        self.assertTrue(review.with_user(self.user_chair).can_approve)
        review.with_user(self.user_chair).action_approve()
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.approved_by_id, self.user_chair)
        # an audit manager may approve too
        other = self._new_review(management_system_id=self.gbt_system.id)
        other.action_prepare_inputs()
        self._hold(other)
        other.action_approve()
        self.assertEqual(other.approved_by_id, self.user_manager)

    def test_approved_review_is_immutable(self):
        review = self._new_review()
        review.write({"decision_ids": [(0, 0, {"description": "Add a spare parts stock", "category": "resources"})]})
        review.action_prepare_inputs()
        self._hold(review)
        review.message_post(body="Minutes circulated", message_type="comment")
        review.action_approve()
        review = review.with_user(self.user_manager)
        decision = review.decision_ids
        with self.assertRaises(UserError):
            review.write({"minutes": "<p>Rewritten</p>"})
        with self.assertRaises(UserError):
            review.write({"attendee_ids": [(5, 0, 0)]})
        with self.assertRaises(UserError):
            decision.write({"description": "Something else"})
        with self.assertRaises(UserError):
            review.write({"decision_ids": [(0, 0, {"description": "Late decision"})]})
        with self.assertRaises(UserError):
            decision.unlink()
        with self.assertRaises(UserError):
            review.input_ids[0].write({"title": "x"})
        with self.assertRaises(UserError):
            review.action_prepare_inputs()
        with self.assertRaises(UserError):
            review.unlink()
        message = review.message_ids.filtered(lambda m: "Minutes circulated" in (m.body or ""))
        with self.assertRaises(UserError):
            review._message_update_content(message, body=Markup("<p>Rewritten</p>"))
        with self.assertRaises(UserError):
            self.env["ir.attachment"].with_user(self.user_manager).create(
                {"name": "late.txt", "raw": b"x", "res_model": review._name, "res_id": review.id}
            ).unlink()
        review.invalidate_recordset()
        self.assertIn("Discussed every input", review.minutes)
        self.assertEqual(decision.description, "Add a spare parts stock")
        self.assertEqual(len(review.decision_ids), 1)
        # the follow-up of a decision goes on
        decision.write({"done": True})
        self.assertTrue(decision.done)
        self.assertEqual(decision.done_date, self.today)

    def test_decisions_to_improvement_and_capa(self):
        review = self._new_review()
        review.write(
            {
                "decision_ids": [
                    (0, 0, {"description": "Shorten on-site response", "category": "improvement", "sequence": 1}),
                    (0, 0, {"description": "Complaint procedure not applied", "category": "other", "sequence": 2}),
                ]
            }
        )
        improve, capa = review.decision_ids
        action = improve.with_user(self.user_manager).action_create_improvement()
        self.assertEqual(action["res_model"], "svcms.improvement")
        self.assertEqual(improve.improvement_id.source_type, "management_review")
        self.assertEqual(improve.improvement_id.source_ref, review)
        self.assertEqual(improve.improvement_id.management_system_id, self.system)
        capa.with_user(self.user_manager).action_create_capa()
        self.assertEqual(capa.nonconformity_id.source_type, "management_review")
        self.assertEqual(capa.nonconformity_id.source_ref, review)
        with self.assertRaises(UserError):
            improve.with_user(self.user_manager).action_create_capa()
        self.assertFalse(improve.nonconformity_id)

    # ------------------------------------------------------------------ reminder

    def test_yearly_reminder(self):
        rep_user = new_test_user(self.env, "t_review_rep", groups="svcms_base.group_svcms_user")
        rep = self.env["hr.employee"].create({"name": "Representative", "user_id": rep_user.id})
        self.system.representative_id = rep
        self.gbt_system.representative_id = rep
        activity_type = self.env.ref("svcms_audit.mail_activity_type_management_review_due")
        # the GB/T system was reviewed four months ago: not due
        self._approved_review(
            management_system_id=self.gbt_system.id,
            period_start=self.today - timedelta(days=400),
            period_end=self.today - timedelta(days=130),
            review_date=self.today - timedelta(days=120),
        )

        def reminders(system):
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "svcms.management.system"),
                    ("res_id", "=", system.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        self.env["svcms.management.review"]._cron_review_reminder()
        self.assertEqual(reminders(self.system).user_id, rep_user)
        self.assertFalse(reminders(self.gbt_system))
        self.env["svcms.management.review"]._cron_review_reminder()
        self.assertEqual(len(reminders(self.system)), 1, "no duplicate reminder")


@tagged("post_install", "-at_install")
class TestManagementReviewRpcAndPdf(ReviewFixtures, ReportPdfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._review_fixtures()
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "RPC SMS", "code": "RSMS", "standard": "iso20000"}
        )
        cls.user_manager = new_test_user(
            cls.env, "t_review_manager", groups="svcms_base.group_svcms_user,svcms_audit.group_audit_manager"
        )
        Review = cls.env["svcms.management.review"].with_user(cls.user_manager)
        cls.review = Review.create(cls._review_vals(cls.system, name="年度管理评审"))
        cls.review.write(
            {
                "attendee_ids": [(6, 0, [cls.emp_chair.id])],
                "attendees_confirmed": True,
                "minutes": "<p>会议纪要：服务级别达成率良好。</p>",
                "decision_ids": [(0, 0, {"description": "增加备件安全库存", "category": "resources"})],
            }
        )
        cls.review.action_prepare_inputs()
        cls.review.action_hold()
        cls.review.action_approve()

    def _rpc(self, user, model, method, args, kwargs=None):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs or {})

    def test_approved_review_immutable_through_rpc(self):
        review, decision, section = self.review, self.review.decision_ids, self.review.input_ids[0]
        calls = [
            ("svcms.management.review", "write", [[review.id], {"minutes": "<p>Forged</p>"}]),
            ("svcms.management.review", "write", [[review.id], {"state": "draft"}]),
            ("svcms.management.review", "unlink", [[review.id]]),
            ("svcms.management.review", "action_prepare_inputs", [[review.id]]),
            ("svcms.management.review.decision", "write", [[decision.id], {"description": "Forged"}]),
            ("svcms.management.review.input", "write", [[section.id], {"summary": "<p>Forged</p>"}]),
            ("svcms.management.review.input", "create", [{"review_id": review.id, "section": "risks", "title": "F"}]),
        ]
        for model, method, args in calls:
            with self.subTest(method=method, model=model), self.assertRaises(xmlrpc.client.Fault):
                self._rpc(self.user_manager, model, method, args)
        review.invalidate_recordset()
        self.assertEqual(review.state, "approved")
        self.assertIn("会议纪要", review.minutes)
        self.assertEqual(decision.description, "增加备件安全库存")
        self.assertEqual(len(review.input_ids), len(SECTIONS))
        self.assertNotIn("Forged", section.summary or "")

    def test_approval_refused_through_rpc(self):
        review = (
            self.env["svcms.management.review"]
            .with_user(self.user_manager)
            .create(
                self._review_vals(
                    self.system,
                    name="Second",
                    period_start=self.today + timedelta(days=1),
                    period_end=self.today + timedelta(days=2),
                    review_date=self.today + timedelta(days=3),
                )
            )
        )
        staff = new_test_user(self.env, "t_review_staff", groups="svcms_base.group_svcms_user")
        review.attendee_ids = [(4, self.env["hr.employee"].create({"name": "Staff", "user_id": staff.id}).id)]
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(staff, "svcms.management.review", "action_prepare_inputs", [[review.id]])
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(staff, "svcms.management.review", "write", [[review.id], {"state": "approved"}])
        review.invalidate_recordset()
        self.assertEqual(review.state, "draft")
        self.assertFalse(review.input_ids)

    def test_minutes_pdf(self):
        pages = self._print("svcms_audit.action_report_management_review", self.review, self.user_chair, lang="en_US")
        text = "".join(pages)
        for expected in (
            "ManagementReviewMinutes",
            compact("年度管理评审"),
            compact("会议纪要：服务级别达成率良好"),
            compact("增加备件安全库存"),
            "GeneralManager",
            "Servicelevelperformanceandworkload",
            "Performanceofsuppliers",
        ):
            self.assertIn(expected, text)
