from datetime import datetime

from odoo.tests import TransactionCase, tagged

from .common import IncidentCase

# Monday 2 November 2026, 09:00 in Shanghai (the P1 policy's calendar: 08:00-12:00 and 13:00-17:00)
REPORTED = datetime(2026, 11, 2, 1, 0)


@tagged("post_install", "-at_install")
class TestIncidentSlaHistory(IncidentCase):
    """Incidents entered after the fact (already resolved) get the clocks they ran at the time."""

    def _entered(self, resolved, **values):
        return self.Incident.create(
            {
                "subject": "历史事件",
                "team_id": self.team.id,
                "impact": "1",
                "urgency": "1",
                "date_reported": REPORTED,
                "state": "closed",
                "resolution": "<p>已处理</p>",
                "resolved_date": resolved,
                "closed_date": resolved,
                **values,
            }
        )

    def _lines(self, incident):
        return {line.metric: line for line in incident.sla_line_ids}

    def test_clocks_run_from_the_report_to_the_recorded_times(self):
        on_time = self._entered(datetime(2026, 11, 2, 2, 30))  # resolved at 10:30
        late = self._entered(datetime(2026, 11, 3, 1, 0))  # resolved the next morning at 09:00
        self.assertFalse((on_time | late).sla_line_ids, "entered closed: no clock was running")
        reached = {
            on_time.id: {"first_response": datetime(2026, 11, 2, 1, 10), "resolution": on_time.resolved_date},
            late.id: {"first_response": datetime(2026, 11, 2, 1, 40), "resolution": late.resolved_date},
        }
        (on_time | late)._svcms_sla_record_history(reached)

        lines = self._lines(on_time)
        self.assertEqual(set(lines), {"first_response", "resolution"})
        self.assertEqual(
            {metric: (line.state, line.start_datetime, line.stop_datetime) for metric, line in lines.items()},
            {
                "first_response": ("met", REPORTED, datetime(2026, 11, 2, 1, 10)),
                "resolution": ("met", REPORTED, on_time.resolved_date),
            },
        )
        self.assertEqual(lines["resolution"].consumed_seconds, 90 * 60, "09:00 to 10:30 in working hours")
        self.assertEqual(on_time.sla_status, "met")

        lines = self._lines(late)
        self.assertEqual(lines["first_response"].state, "breached", "40 minutes for a 15-minute response")
        self.assertEqual(lines["resolution"].state, "breached")
        # 4 working hours from 09:00: 12:00, then the hour after lunch
        self.assertEqual(lines["resolution"].breach_datetime, datetime(2026, 11, 2, 6, 0))
        self.assertEqual(lines["resolution"].consumed_seconds, 8 * 3600, "Monday 09:00-17:00 less lunch, Tuesday 08-09")

    def test_only_records_without_clocks_and_only_known_outcomes(self):
        live = self.Incident.create({"subject": "进行中", "team_id": self.team.id, "impact": "1", "urgency": "1"})
        live_lines = live.sla_line_ids
        self.assertTrue(live_lines)
        unknown = self._entered(datetime(2026, 11, 2, 3, 0))
        partly = self._entered(datetime(2026, 11, 2, 3, 0))
        reached = {live.id: {"resolution": REPORTED}, partly.id: {"resolution": partly.resolved_date}}
        (live | unknown | partly)._svcms_sla_record_history(reached)
        self.assertEqual(live.sla_line_ids, live_lines, "a record followed live keeps its clocks")
        self.assertFalse(unknown.sla_line_ids, "closed without recorded times: the outcome is unknown")
        self.assertEqual(partly.sla_line_ids.mapped("metric"), ["resolution"])
        # once recorded, the history is not entered twice
        partly._svcms_sla_record_history({partly.id: {"first_response": REPORTED}})
        self.assertEqual(partly.sla_line_ids.mapped("metric"), ["resolution"])


@tagged("post_install", "-at_install")
class TestDemoIncidentHistory(TransactionCase):
    """The demo's incidents of the last weeks, entered resolved, carry the clocks they ran: the SLA figures
    and the customer's service reports of those weeks are not empty."""

    def test_resolved_demo_incidents_have_their_clocks(self):
        incidents = self.env["svcms.incident"].search(
            [("state", "in", ("resolved", "closed")), ("resolved_date", "!=", False)]
        )
        self.assertGreaterEqual(len(incidents), 10)
        for incident in incidents:
            resolution = incident.sla_line_ids.filtered(lambda line: line.metric == "resolution")
            self.assertEqual(len(resolution), 1, incident.display_name)
            self.assertEqual(resolution.stop_datetime, incident.resolved_date, incident.display_name)
            self.assertIn(resolution.state, ("met", "breached"), incident.display_name)
        self.assertIn("met", incidents.sla_line_ids.mapped("state"))
        dealer = self.env.ref("svcms_itsm.sla_agreement_dealer_erp")
        self.assertTrue(incidents.sla_line_ids.filtered(lambda line: line.agreement_id == dealer))

    def test_last_months_dealer_report_measures_the_service_levels(self):
        relationship = self.env.ref("svcms_itsm.relationship_dealer_chancheng")
        report = self.env["svcms.service.report"].search(
            [("relationship_id", "=", relationship.id)], order="period_start desc", limit=1
        )
        self.assertEqual(report.state, "sent")
        self.assertEqual(report.sent_by_id, self.env.ref("svcms_base.user_sun_hao"), "sent by the IT service manager")
        self.assertIsInstance(report.snapshot["workload"][-1]["requests"], int, "a count shows as 3, not 3.0")
        self.assertGreater(report.incident_count, 0, "the dealer reported incidents last month")
        self.assertGreater(sum(row["measured"] for row in report.snapshot["sla"]), 0)


@tagged("post_install", "-at_install")
class TestIncidentSlaHistoryQueries(IncidentCase):
    """A migration enters thousands of past records at once: the queries do not grow with their number."""

    def _queries_for(self, count):
        incidents = self.Incident.create(
            [
                {
                    "subject": f"迁移事件 {index}",
                    "team_id": self.team.id,
                    "impact": "2",
                    "urgency": str(1 + index % 3),
                    "date_reported": REPORTED,
                    "state": "closed",
                    "resolution": "<p>已处理</p>",
                    "resolved_date": datetime(2026, 11, 2, 5, 0),
                    "closed_date": datetime(2026, 11, 2, 5, 0),
                }
                for index in range(count)
            ]
        )
        reached = {incident.id: {"resolution": incident.resolved_date} for incident in incidents}
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        incidents._svcms_sla_record_history(reached)
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(len(incidents.sla_line_ids), count)
        return queries

    def test_query_count_does_not_grow_with_the_records(self):
        few = self._queries_for(3)
        self.assertGreater(few, 0)
        self.assertEqual(few, self._queries_for(9))
