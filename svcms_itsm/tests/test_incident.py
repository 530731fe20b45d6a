import datetime
from unittest.mock import patch

from odoo.addons.svcms_base.tests.test_intake import ALIAS_DOMAIN, RAW_MAIL
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.incident_priority import DEFAULT_MATRIX
from ..models.major_incident import SvcmsMajorIncident
from .common import IncidentCase


@tagged("post_install", "-at_install")
class TestIncidentPriority(IncidentCase):
    def test_each_cell_of_the_matrix(self):
        matrix = self.env["svcms.incident.priority"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(matrix), 9, "the default 3 x 3 matrix is installed")
        incidents = self.Incident.with_user(self.user_agent).create(
            [
                {"subject": f"{impact}/{urgency}", "impact": impact, "urgency": urgency, "team_id": self.team.id}
                for impact, urgency in DEFAULT_MATRIX
            ]
        )
        for incident in incidents:
            impact, urgency = incident.subject.split("/")
            self.assertEqual(incident.priority, DEFAULT_MATRIX[(impact, urgency)], incident.subject)
        self.assertEqual(DEFAULT_MATRIX[("1", "1")], "1")
        self.assertEqual(DEFAULT_MATRIX[("3", "3")], "4")
        # the priority follows impact and urgency
        incident = incidents.filtered(lambda i: i.subject == "3/3")
        incident.with_user(self.user_agent).write({"impact": "1", "urgency": "1"})
        self.assertEqual(incident.priority, "1")

    def test_manager_edits_matrix_and_open_incidents_follow(self):
        incident = self._incident(impact="2", urgency="2")
        self.assertEqual(incident.priority, "3")
        cell = self.env["svcms.incident.priority"].search(
            [("company_id", "=", self.company.id), ("impact", "=", "2"), ("urgency", "=", "2")]
        )
        with self.assertRaises(AccessError):
            cell.with_user(self.user_agent).write({"priority": "2"})
        cell.with_user(self.user_manager).write({"priority": "2"})
        self.assertEqual(incident.priority, "2")
        self.assertEqual(self._incident(impact="2", urgency="2").priority, "2")

    def test_duplicate_cell_refused(self):
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            self.env["svcms.incident.priority"].with_user(self.user_manager).create(
                {"company_id": self.company.id, "impact": "1", "urgency": "1", "priority": "2"}
            )

    def test_override_by_manager_with_reason(self):
        incident = self._incident(impact="3", urgency="3")
        self.assertEqual(incident.priority, "4")
        with self.assertRaises(AccessError):
            incident.with_user(self.user_agent).write({"priority": "1", "priority_reason": "老板的电脑"})
        with self.assertRaises(UserError):
            incident.with_user(self.user_manager).write({"priority": "1"})
        self.assertEqual(incident.priority, "4")
        self.assertFalse(incident.priority_overridden)
        incident.with_user(self.user_manager).write({"priority": "1", "priority_reason": "生产线停线"})
        self.assertEqual(incident.priority, "1")
        self.assertTrue(incident.priority_overridden)
        self.env.cr.precommit.run()  # tracking values are written when the transaction commits
        tracked = incident.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "priority_reason"
        )
        self.assertTrue(tracked, "the reason is tracked")
        # impact changes no longer move an overridden priority
        incident.with_user(self.user_agent).write({"urgency": "2"})
        self.assertEqual(incident.priority, "1")
        # the form sends the matrix value back unchanged: that is no override
        other = self._incident(impact="1", urgency="1")
        other.with_user(self.user_agent).write({"priority": "1", "subject": "改标题"})
        self.assertFalse(other.priority_overridden)
        # a client cannot set the flag itself
        with self.assertRaises(UserError):
            other.with_user(self.user_manager).write({"priority_overridden": True})
        with self.assertRaises(AccessError):
            incident.with_user(self.user_agent).action_reset_priority()
        incident.with_user(self.user_manager).action_reset_priority()
        self.assertFalse(incident.priority_overridden)
        self.assertEqual(incident.priority, "4", "back to the matrix: impact 3 x urgency 2")


@tagged("post_install", "-at_install")
class TestIncidentWorkflow(IncidentCase):
    def test_lifecycle_and_first_contact(self):
        incident = self._incident(user_id=self.user_agent.id)
        self.assertTrue(incident.name.startswith("INC"), incident.name)
        self.assertEqual(incident.state, "new")
        as_agent = incident.with_user(self.user_agent)
        self.assertTrue(as_agent.can_assign)
        self.assertFalse(as_agent.can_close)
        as_agent.action_assign()
        as_agent.action_start()
        self.assertEqual(incident.state, "in_progress")
        with self.assertRaises(UserError):
            as_agent.action_resolve()  # no resolution yet
        as_agent.write({"resolution": "<p>重启服务</p>"})
        as_agent.action_resolve()
        self.assertEqual(incident.state, "resolved")
        self.assertTrue(incident.resolved_date)
        self.assertTrue(incident.resolved_at_first_contact)
        self.assertGreaterEqual(incident.resolution_hours, 0.0)
        with self.assertRaises(UserError):
            as_agent.action_resume()
        as_agent.action_close()
        self.assertEqual(incident.state, "closed")
        self.assertTrue(incident.closed_date)
        with self.assertRaises(UserError):
            as_agent.write({"subject": "改写已关闭事件"})
        with self.assertRaises(UserError):
            as_agent.action_reopen()

    def test_no_first_contact_after_waiting_or_reassignment(self):
        waited = self._incident(user_id=self.user_agent.id).with_user(self.user_agent)
        waited.action_start()
        waited.action_wait()
        self.assertEqual(waited.state, "waiting")
        waited.action_resume()
        waited.write({"resolution": "<p>用户确认恢复</p>"})
        waited.action_resolve()
        self.assertFalse(waited.resolved_at_first_contact)

        handed = self._incident(user_id=self.user_agent.id).with_user(self.user_agent)
        handed.write({"user_id": self.user_agent2.id})
        self.assertEqual(handed.reassignment_count, 1)
        handed.write({"user_id": self.user_agent.id, "resolution": "<p>x</p>"})
        handed.action_resolve()
        self.assertFalse(handed.resolved_at_first_contact)

        other_logger = self._incident(user=self.user_agent2, user_id=self.user_agent.id).with_user(self.user_agent)
        other_logger.write({"resolution": "<p>x</p>"})
        other_logger.action_resolve()
        self.assertFalse(other_logger.resolved_at_first_contact, "logged by someone else")

    def test_status_written_only_by_transitions(self):
        incident = self._incident()
        with self.assertRaises(UserError):
            incident.with_user(self.user_agent).write({"state": "closed"})
        with self.assertRaises(UserError):
            incident.with_user(self.user_agent).write({"resolved_at_first_contact": True})
        with self.assertRaises(UserError):
            self._incident(state="resolved")
        self.assertEqual(incident.state, "new")
        with self.assertRaises(AccessError):
            incident.with_user(self.user_staff).action_assign()
        self.assertEqual(incident.state, "new")

    def test_reopen_and_cancel(self):
        incident = self._incident(resolution="<p>x</p>").with_user(self.user_agent)
        incident.action_resolve()
        incident.action_reopen()
        self.assertEqual((incident.state, incident.reopen_count), ("in_progress", 1))
        self.assertFalse(incident.resolved_date)
        incident.action_cancel()
        self.assertEqual(incident.state, "cancelled")

    def test_close_refused_while_major_review_pending(self):
        incident = self._incident(resolution="<p>x</p>")
        major = self.env["svcms.major.incident"].create({"incident_id": incident.id})
        incident.sudo().major_incident_id = major
        self.assertTrue(incident.is_major)
        incident.with_user(self.user_agent).action_resolve()
        with self.assertRaisesRegex(UserError, "major incident review"):
            incident.with_user(self.user_agent).action_close()
        self.assertEqual(incident.state, "resolved")
        major.state = "reviewed"
        incident.with_user(self.user_agent).action_close()
        self.assertEqual(incident.state, "closed")

    def test_master_resolves_and_closes_children(self):
        master = self._incident(subject="主事件")
        child_new = self._incident(subject="子事件1", parent_id=master.id)
        child_started = self._incident(subject="子事件2", parent_id=master.id, user_id=self.user_agent2.id)
        child_started.with_user(self.user_agent2).action_start()
        self.assertEqual(master.child_count, 2)
        master = master.with_user(self.user_agent)
        master.write({"resolution": "<p>更换核心交换机</p>"})
        master.action_resolve()
        self.assertEqual((child_new | child_started).mapped("state"), ["resolved", "resolved"])
        self.assertIn("更换核心交换机", str(child_new.resolution))
        self.assertIn(master.name, child_new.message_ids[0].body)
        master.action_close()
        self.assertEqual((child_new | child_started).mapped("state"), ["closed", "closed"])
        # the note is written in the company's language (Chinese on the demo company)
        noted = child_started._svcms_for_company().env
        expected = noted._("Resolved and closed with its master incident %(master)s.", master=master.display_name)
        self.assertIn(expected, child_started.message_ids[0].body)

    def test_no_cycle_of_masters(self):
        first, second = self._incident(), self._incident()
        second.parent_id = first
        with self.assertRaises(ValidationError):
            first.parent_id = second
        with self.assertRaises(ValidationError):
            first.parent_id = first

    def test_cis_fill_services_and_show_impact(self):
        self.assertFalse(self.service_erp.customer_ids - self.customer)
        incident = self._incident(ci_ids=[(6, 0, self.ci_server.ids)])
        self.assertIn(self.service_erp, incident.service_ids)
        self.assertIn(self.service_erp, incident.impact_service_ids)
        self.assertIn(self.customer, incident.impact_customer_ids)
        # adding a CI later adds its services too
        later = self._incident(service_ids=[(6, 0, self.service_mail.ids)])
        later.with_user(self.user_agent).write({"ci_ids": [(4, self.ci_server.id)]})
        self.assertEqual(later.service_ids, self.service_erp | self.service_mail)

    def test_known_error_suggested_and_applied(self):
        KnownError = self.env["svcms.known.error"]
        by_category = KnownError.create(
            {
                "name": "ERP 会话超时",
                "category_id": self.category_app.id,
                "workaround": "<p>清除浏览器缓存后重新登录</p>",
            }
        )
        by_ci = KnownError.create(
            {"name": "服务器内存泄漏", "ci_ids": [(6, 0, self.ci_server.ids)], "workaround": "<p>重启</p>"}
        )
        unrelated = KnownError.create({"name": "打印机驱动", "workaround": "<p>重装驱动</p>"})
        archived = KnownError.create({"name": "旧问题", "category_id": self.category_app.id, "active": False})
        incident = self._incident(category_id=self.category_app.id).with_user(self.user_agent)
        self.assertEqual(incident.suggested_known_error_ids, by_category)
        incident.write({"ci_ids": [(6, 0, self.ci_server.ids)]})
        self.assertEqual(incident.suggested_known_error_ids, by_category | by_ci)
        self.assertNotIn(unrelated, incident.suggested_known_error_ids)
        self.assertNotIn(archived, incident.suggested_known_error_ids)
        incident.action_apply_known_error(by_category.id)
        self.assertEqual(incident.known_error_id, by_category)
        self.assertIn("清除浏览器缓存后重新登录", incident.message_ids[0].body)
        # the button of the form (a server action on the known error, the incident in its context)
        action = self.env.ref("svcms_itsm.action_incident_apply_known_error").with_user(self.user_agent)
        action.with_context(active_model="svcms.known.error", active_id=by_ci.id, svcms_incident_id=incident.id).run()
        self.assertEqual(incident.known_error_id, by_ci)


@tagged("post_install", "-at_install")
class TestIncidentSlaAndEscalation(IncidentCase):
    def test_sla_lines_created_and_paused_while_waiting(self):
        incident = self._incident(impact="1", urgency="1", user_id=self.user_agent.id)
        self.assertEqual(incident.priority, "1")
        lines = incident.sla_line_ids
        self.assertEqual(set(lines.mapped("metric")), {"first_response", "resolution"})
        self.assertIn("P1", lines.policy_id.name)
        resolution = lines.filtered(lambda line: line.metric == "resolution")
        self.assertEqual(resolution.clock, "running")
        incident = incident.with_user(self.user_agent)
        incident.action_start()
        response = incident.sla_line_ids.filtered(lambda line: line.metric == "first_response")
        self.assertEqual(response.clock, "stopped")
        incident.action_wait()
        self.assertEqual(resolution.clock, "paused")
        incident.action_resume()
        self.assertEqual(resolution.clock, "running")
        # a lower priority replays the clock on the P4 target
        incident.sudo().write({"impact": "3", "urgency": "3"})
        self.assertIn("P4", incident.sla_line_ids.filtered(lambda line: line.metric == "resolution").policy_id.name)

    def test_functional_and_hierarchic_escalation(self):
        second_team = self.env["svcms.team"].create(
            {
                "name": "二线网络组",
                "res_model": "svcms.incident",
                "member_ids": [(6, 0, self.user_cab1.ids)],
                "leader_id": self.user_cab2.id,
            }
        )
        incident = self._incident(user_id=self.user_agent.id).with_user(self.user_agent)
        incident.write({"team_id": second_team.id})
        self.assertEqual(incident.functional_escalation_count, 1)
        self.assertFalse(incident.user_id, "the assignee is not in the new team: the team takes it")
        self.assertIn(second_team.name, incident.message_ids[0].body)
        self.assertEqual(incident.message_ids[0].subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(incident.sudo()._svcms_sla_managers()[incident.id], self.user_cab2)
        incident.sudo()._svcms_sla_notified("escalation", self.env["svcms.sla.line"])
        self.assertTrue(incident.escalated)

    def test_major_incident_detection_hook(self):
        calls = []

        def detect(self_, incidents):
            calls.append(incidents.ids)
            return self_.browse()

        with patch.object(SvcmsMajorIncident, "_svcms_detect", detect):
            incident = self._incident()
            self.assertEqual(calls, [incident.ids])
            incident.with_user(self.user_agent).write({"subject": "仅改标题"})
            self.assertEqual(len(calls), 1, "a subject change does not re-run the detection")
            incident.with_user(self.user_agent).write({"impact": "1"})
            self.assertEqual(len(calls), 2)
            incident.with_user(self.user_agent).write({"service_ids": [(4, self.service_mail.id)]})
            self.assertEqual(len(calls), 3)

    def test_assignment_policy_called(self):
        seen = []
        Team = type(self.env["svcms.team"])
        original = Team._svcms_assign

        def assign(team, records, user_field="user_id"):
            seen.append((team, records.ids, user_field))
            return original(team, records, user_field)

        with patch.object(Team, "_svcms_assign", assign):
            incident = self._incident()
            assigned = self._incident(user_id=self.user_agent.id)
        self.assertEqual(seen, [(self.team, incident.ids, "user_id")])
        self.assertNotIn(assigned.id, seen[0][1])


@tagged("post_install", "-at_install")
class TestIncidentIntake(IncidentCase):
    def test_mail_to_team_alias_opens_incident(self):
        self.env.company.alias_domain_id = self.team.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": ALIAS_DOMAIN}
        )
        self.user_portal.partner_id.email = "caller.a@example.cn"
        raw = RAW_MAIL.format(
            sender="caller.a@example.cn",
            sender_full="报告人甲 <Caller.A@example.cn>",
            to=f"servicedesk@{ALIAS_DOMAIN}",
            subject="ERP 无法打印发货单",
            message_id="incident-mail-1",
            body="打印发货单时报错，请尽快处理。",
        )
        incident = self.Incident.browse(self.env["mail.thread"].message_process(False, raw))
        self.assertEqual(incident._name, "svcms.incident")
        self.assertEqual(incident.team_id, self.team)
        self.assertEqual(incident.partner_id, self.user_portal.partner_id)
        self.assertEqual((incident.channel, incident.subject), ("email", "ERP 无法打印发货单"))
        self.assertIn("打印发货单时报错", str(incident.description))
        self.assertTrue(incident.name.startswith("INC"))
        self.assertTrue(incident.sla_line_ids)

    def test_portal_create_keeps_own_partner(self):
        incident = self.Incident.with_user(self.user_portal)._svcms_portal_create(
            {"subject": "门户报障", "description": "<p>x</p>", "partner_id": self.user_portal_other.partner_id.id}
        )
        self.assertEqual(incident.sudo().partner_id, self.user_portal.partner_id)
        self.assertEqual(incident.sudo().channel, "portal")

    def test_evidence_clause(self):
        self.assertEqual(self.Incident._svcms_evidence_clauses, {"iso20000": ("8.6.1",)})
        self._incident()
        counts = self.Incident._read_group([], [], ["__count"])
        self.assertGreaterEqual(counts[0][0], 1)


@tagged("post_install", "-at_install")
class TestIncidentKpi(IncidentCase):
    def test_kpi_methods(self):
        today = datetime.date.today()
        start = today.replace(day=1)
        periods = [(start, (start + datetime.timedelta(days=32)).replace(day=1), self.company)]
        key = (periods[0][0], periods[0][1], self.company.id)
        Definition = self.env["svcms.kpi.definition"]
        fcr = self.env.ref("svcms_itsm.kpi_def_incident_first_contact")
        sla = self.env.ref("svcms_itsm.kpi_def_incident_resolved_in_sla")
        mttr = self.env.ref("svcms_itsm.kpi_def_incident_mttr")

        def measure():
            return (
                Definition._svcms_kpi_method_incident_first_contact(fcr, periods)[key],
                Definition._svcms_kpi_method_incident_resolved_in_sla(sla, periods)[key],
                Definition._svcms_kpi_method_incident_mttr(mttr, periods)[key],
            )

        before = measure()
        done = self._incident(resolution="<p>x</p>", user_id=self.user_agent.id).with_user(self.user_agent)
        done.action_resolve()
        handed = self._incident(resolution="<p>x</p>", user_id=self.user_agent.id)
        handed.with_user(self.user_agent2).action_resolve()
        after = measure()

        def delta(index):
            return (
                after[index]["numerator"] - before[index]["numerator"],
                after[index]["denominator"] - before[index]["denominator"],
            )

        self.assertEqual(delta(0), (1, 2), "first-contact resolution: one of the two")
        self.assertEqual(delta(1), (2, 2), "both met their resolution target")
        self.assertEqual(delta(2)[1], 2)
        self.assertIsNotNone(after[2]["value"])


@tagged("post_install", "-at_install")
class TestIncidentListQueries(IncidentCase):
    SPEC = {
        "name": {},
        "priority": {},
        "subject": {},
        "partner_id": {"fields": {"display_name": {}}},
        "service_ids": {"fields": {"display_name": {}}},
        "ci_ids": {"fields": {"display_name": {}}},
        "category_id": {"fields": {"display_name": {}}},
        "team_id": {"fields": {"display_name": {}}},
        "user_id": {"fields": {"display_name": {}}},
        "date_reported": {},
        "sla_deadline": {},
        "sla_status": {},
        "is_major": {},
        "company_id": {"fields": {"display_name": {}}},
        "state": {},
    }

    def _count_list_queries(self, limit):
        Incident = self.Incident.with_user(self.user_agent)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = Incident.web_search_read([("subject", "=like", "列表%")], self.SPEC, limit=limit)
        self.assertEqual(len(result["records"]), limit)
        return self.env.cr.sql_log_count - before

    def test_list_queries_do_not_grow_with_rows(self):
        values = [
            {
                "subject": f"列表{n}",
                "team_id": self.team.id,
                "partner_id": self.user_portal.partner_id.id,
                "user_id": (self.user_agent if n % 2 else self.user_agent2).id,
                "ci_ids": [(6, 0, self.ci_server.ids)],
                "service_ids": [(6, 0, (self.service_erp | self.service_mail).ids)],
                "category_id": self.category_app.id,
                "impact": str(n % 3 + 1),
            }
            for n in range(80)
        ]
        self.Incident.with_user(self.user_agent).create(values)
        self._count_list_queries(10)  # warm the caches of the registry
        ten = self._count_list_queries(10)
        eighty = self._count_list_queries(80)
        self.assertEqual(ten, eighty)
