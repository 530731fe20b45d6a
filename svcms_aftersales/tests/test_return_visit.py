from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import RelationshipCase


@tagged("post_install", "-at_install")
class TestReturnVisit(RelationshipCase):
    """Return visits (回访) are planned when a request closes, completed with a score, or marked missed."""

    def _request(self, partner=None, **values):
        return self.env["svcms.service.request"].create(
            {"partner_id": (partner or self.zhang).id, "request_type": "repair_onsite", **values}
        )

    def _visits(self, request):
        return self.env["svcms.return.visit"].search([("request_id", "=", request.id)])

    @freeze_time("2026-06-10 09:00:00")
    def test_closing_a_request_plans_one_visit(self):
        request = self._request()
        request.write({"state": "done"})
        self.assertFalse(self._visits(request), "Only a closed request is visited.")
        request.write({"state": "closed"})
        visit = self._visits(request)
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.planned_date, date(2026, 6, 13), "Default delay: 3 days after closing.")
        self.assertEqual((visit.partner_id, visit.state), (self.zhang, "planned"))
        self.assertIn(request.name, visit.phone_script)
        # Reopening and closing again does not plan a second call.
        request.write({"state": "in_progress"})
        request.write({"state": "closed"})
        self.assertEqual(len(self._visits(request)), 1)

    @freeze_time("2026-06-10 09:00:00")
    def test_delay_is_a_company_setting(self):
        self.company.svcms_return_visit_delay = 5
        requests = self._request() | self._request(self.li)
        requests.write({"state": "closed"})
        visits = self.env["svcms.return.visit"].search([("request_id", "in", requests.ids)])
        self.assertEqual(visits.mapped("planned_date"), [date(2026, 6, 15)] * 2)
        self.assertEqual(visits.partner_id, self.zhang | self.li)

    def test_complete_visit_needs_a_valid_score(self):
        visit = (
            self.env["svcms.return.visit"]
            .with_user(self.as_user)
            .create({"name": "回访", "partner_id": self.zhang.id, "planned_date": fields.Date.today()})
        )
        with self.assertRaisesRegex(UserError, "satisfaction"):
            visit.action_done()
        with self.assertRaises(ValidationError):
            visit.satisfaction = 6
        visit.write({"satisfaction": 4, "comments": "师傅很专业"})
        visit.action_done()
        self.assertEqual((visit.state, visit.done_date), ("done", fields.Date.context_today(visit)))

    def test_cron_marks_overdue_visits_missed_in_batches(self):
        Visit = self.env["svcms.return.visit"]
        today = fields.Date.context_today(Visit)
        # Demo visits must not blur the batch counts: none of them is overdue here.
        Visit.search([("state", "=", "planned")]).planned_date = today
        old = Visit.create(
            [
                {"name": f"回访 {n}", "partner_id": self.zhang.id, "planned_date": today - timedelta(days=8 + n)}
                for n in range(3)
            ]
        )
        recent = Visit.create(
            {"name": "回访 近期", "partner_id": self.li.id, "planned_date": today - timedelta(days=7)}
        )
        done = Visit.create(
            {
                "name": "回访 已完成",
                "partner_id": self.li.id,
                "planned_date": today - timedelta(days=30),
                "satisfaction": 5,
            }
        )
        done.action_done()
        self.assertEqual(Visit._mark_missed_visits(batch_size=2), (2, 1))
        self.assertEqual(Visit._mark_missed_visits(batch_size=2), (1, 0))
        self.assertEqual(set(old.mapped("state")), {"missed"})
        self.assertEqual(recent.state, "planned", "7 days late is still within the default grace period.")
        self.assertEqual(done.state, "done")
        # A missed visit can still be made later.
        old[0].satisfaction = 3
        old[0].action_done()
        self.assertEqual(old[0].state, "done")

    def test_complaints_link_to_requests(self):
        request = self._request()
        complaint = self.env["svcms.complaint"].create(
            {
                "subject": "上门维修迟到",
                "partner_id": self.zhang.id,
                "description": "<p>约好上午，下午才到。</p>",
                "service_request_id": request.id,
            }
        )
        request_as_user = request.with_user(self.as_user)
        self.assertEqual(request_as_user.complaint_count, 1)
        action = request_as_user.action_view_complaints()
        self.assertEqual(self.env["svcms.complaint"].with_user(self.as_user).search(action["domain"]), complaint)

    def test_technicians_do_not_handle_visits(self):
        visit = self.env["svcms.return.visit"].create(
            {"name": "回访", "partner_id": self.zhang.id, "planned_date": fields.Date.today()}
        )
        with self.assertRaises(AccessError):
            visit.with_user(self.technician_user).check_access("read")
        with self.assertRaises(AccessError):
            visit.with_user(self.as_user).unlink()


@tagged("post_install", "-at_install")
class TestCareEvent(RelationshipCase):
    def test_care_event(self):
        event = (
            self.env["svcms.care.event"]
            .with_user(self.as_user)
            .create(
                {
                    "name": "夏季空调免费清洗活动",
                    "date_start": "2026-06-01",
                    "date_end": "2026-08-31",
                    "partner_ids": [(6, 0, (self.zhang | self.li).ids)],
                    "product_ids": [(6, 0, self.air_conditioner.ids)],
                }
            )
        )
        self.assertEqual(event.partner_count, 2)
        event.action_start()
        event.action_done()
        self.assertEqual(event.state, "done")
        with self.assertRaises(ValidationError):
            event.date_end = "2026-05-01"
