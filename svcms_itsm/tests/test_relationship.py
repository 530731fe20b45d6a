from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import freeze_time
from odoo.tools import mute_logger

from .common import ItsmCase


class TestRelationship(ItsmCase):
    """Business relationship (8.3.2): reviews, their reminders and satisfaction sampling."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.relationship = cls.env["svcms.customer.relationship"].create(
            {"partner_id": cls.customer.id, "user_id": cls.user_agent.id, "review_interval": 3}
        )

    def test_services_subscribed(self):
        self.assertEqual(self.relationship.service_ids, self.service_erp)
        found = self.env["svcms.customer.relationship"].search([("service_ids", "in", self.service_erp.ids)])
        self.assertIn(self.relationship, found)

    def test_review_closure_needs_minutes(self):
        review = (
            self.env["svcms.service.review"]
            .with_user(self.user_agent)
            .create({"relationship_id": self.relationship.id, "date": datetime(2026, 10, 20, 2, 0)})
        )
        with self.assertRaises(UserError):
            review.action_close()  # not held yet
        review.action_hold()
        self.assertEqual(review.state, "held")
        self.assertEqual(self.relationship.next_review_date, date(2027, 1, 20))
        with self.assertRaises(UserError):
            review.action_close()
        review.minutes = "<p><br/></p>"
        with self.assertRaises(UserError):
            review.action_close()
        self.assertEqual(review.state, "held")
        review.write(
            {
                "minutes": "<p>可用性 99.9%，客户满意。</p>",
                "action_ids": [(0, 0, {"name": "升级 ERP 服务器内存", "owner_id": self.user_agent2.id})],
            }
        )
        review.action_close()
        self.assertEqual((review.state, review.closed_by_id), ("closed", self.user_agent))
        with self.assertRaises(UserError):
            review.minutes = "<p>rewritten</p>"
        with self.assertRaises(UserError):
            review.state = "held"
        # the agreed actions are still followed up after the meeting
        action = review.action_ids.with_user(self.user_agent2)
        action.action_done()
        self.assertTrue(action.done)
        with self.assertRaises(UserError):
            action.name = "something else"
        with self.assertRaises(UserError):
            review.with_user(self.user_agent).action_ids.write({"done": False})

    def test_reminder_cron_no_duplicates(self):
        self.relationship.next_review_date = date(2026, 10, 1)
        Relationship = self.env["svcms.customer.relationship"]
        with freeze_time("2026-10-02 01:00:00"):
            Relationship._cron_remind_reviews()
            Relationship._cron_remind_reviews()
        activities = self.relationship.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("svcms_itsm.mail_activity_type_service_review")
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_agent)
        # a relationship whose review is already planned is not reminded
        other = Relationship.create(
            {"partner_id": self.other_customer.id, "user_id": self.user_agent.id, "next_review_date": date(2026, 10, 1)}
        )
        self.env["svcms.service.review"].create({"relationship_id": other.id})
        with freeze_time("2026-10-02 01:00:00"):
            Relationship._cron_remind_reviews()
        self.assertFalse(other.activity_ids)

    def _closed_incident(self, partner, services, closed):
        return (
            self.env["svcms.incident"]
            .sudo()
            .create(
                {
                    "subject": "Closed incident",
                    "partner_id": partner.id,
                    "service_ids": [(6, 0, services.ids)],
                    "state": "closed",
                    "closed_date": closed,
                    "date_reported": closed,
                }
            )
        )

    def test_sampling_one_per_customer_service_period(self):
        Survey = self.env["svcms.satisfaction.survey"].with_user(self.user_agent)
        self._closed_incident(self.customer, self.service_erp | self.service_mail, datetime(2026, 9, 5, 3, 0))
        self._closed_incident(self.user_portal.partner_id, self.service_erp, datetime(2026, 9, 6, 3, 0))
        self._closed_incident(self.other_customer, self.service_mail, datetime(2026, 9, 20, 3, 0))
        self._closed_incident(self.other_customer, self.service_erp, datetime(2026, 10, 2, 3, 0))  # next period
        first = Survey._svcms_sample(date(2026, 9, 1), date(2026, 9, 30), 1)
        self.assertEqual(len(first.partner_id), 1, "one customer drawn")
        surveys = first | Survey._svcms_sample(date(2026, 9, 1), date(2026, 9, 30), 10)
        pairs = sorted((s.partner_id.name, s.service_id.code) for s in surveys)
        self.assertEqual(
            pairs,
            [("Other Dealer Co.", "T-MAIL"), ("Test Dealer Co.", "T-ERP"), ("Test Dealer Co.", "T-MAIL")],
        )
        self.assertFalse(Survey._svcms_sample(date(2026, 9, 1), date(2026, 9, 30), 10), "nobody surveyed twice")
        self.assertEqual(surveys.filtered(lambda s: s.partner_id == self.customer).relationship_id, self.relationship)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            Survey.create(
                {
                    "partner_id": self.customer.id,
                    "service_id": self.service_erp.id,
                    "period_start": date(2026, 9, 1),
                    "period_end": date(2026, 9, 30),
                }
            )
        with self.assertRaises(UserError):
            Survey._svcms_sample(date(2026, 9, 1), date(2026, 9, 30), 0)
        survey = surveys[0]
        survey.score = "4"
        self.assertEqual((survey.state, survey.score_value), ("answered", 4))
