"""Major incidents (ISO/IEC 20000-1 8.6.1): detection by criteria, declaration by hand, notification,
timed status updates and the review that only the accountable manager or an IT manager completes."""

import datetime
import xmlrpc.client

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase

RPC_LOGGER = "odoo.addons.rpc.controllers.xmlrpc"


class MajorIncidentMixin:
    @classmethod
    def _setup_major(cls):
        # the demo criteria must not interfere: each test states its own
        cls.env["svcms.major.incident.rule"].search([]).active = False
        cls.Rule = cls.env["svcms.major.incident.rule"]
        cls.Major = cls.env["svcms.major.incident"]
        cls.Incident = cls.env["svcms.incident"]
        cls.env["ir.config_parameter"].sudo().set_param("svcms_itsm.major_incident_manager_id", cls.user_manager.id)

    @classmethod
    def _incident(cls, **values):
        return cls.env["svcms.incident"].create({"subject": "Test incident", "priority": "4", **values})

    def _detected(self, incidents):
        """The major incidents of ``incidents``: the incident's create and write already run the detection
        (the criteria are checked again here, which opens nothing twice)."""
        self.Major._svcms_detect(incidents)
        return incidents.major_incident_id

    @classmethod
    def _set_incident_state(cls, incident, state):
        cls.env["svcms.major.incident"]._svcms_write_incident(incident, {"state": state})


class TestMajorIncidentDetection(MajorIncidentMixin, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_major()
        # a CI shared by two services of two different customers
        cls.service_mail.customer_ids = cls.other_customer
        cls.service_mail.ci_ids = cls.ci_server

    def test_priority_criterion(self):
        rule = self.Rule.create({"name": "P2 and above", "priority_threshold": "2", "manager_id": self.user_agent2.id})
        p1, p3 = self._incident(priority="1"), self._incident(priority="3")
        majors = self._detected(p1 | p3)
        self.assertEqual(majors.incident_id, p1)
        self.assertEqual(p1.major_incident_id, majors)
        self.assertTrue(p1.is_major)
        self.assertFalse(p3.major_incident_id)
        self.assertEqual(majors.state, "open")
        self.assertEqual(majors.rule_id, rule)
        self.assertEqual(majors.manager_id, self.user_agent2, "the rule's manager is accountable")

    def test_affected_customers_criterion(self):
        self.Rule.create({"name": "Two customers", "customer_threshold": 2})
        # no service on the incident: the impact analysis of its CI finds both services and both customers
        shared = self._incident(ci_ids=[(6, 0, self.ci_server.ids)])
        ci_only_mail = self.env["svcms.ci"].create(
            {"name": "Mail relay", "identifier": "T-MAIL-01", "type_id": self.ci_type.id, "status": "active"}
        )
        self.service_mail.ci_ids |= ci_only_mail
        one_customer = self._incident(ci_ids=[(6, 0, ci_only_mail.ids)])
        majors = self._detected(shared | one_customer)
        self.assertEqual(majors.incident_id, shared)
        self.assertEqual(majors.manager_id, self.user_manager, "without a manager on the rule: the IT manager")

    def test_affected_customers_below_threshold(self):
        self.Rule.create({"name": "Three customers", "customer_threshold": 3})
        incident = self._incident(ci_ids=[(6, 0, self.ci_server.ids)])
        self.assertFalse(self.Major._svcms_detect(incident))
        self.assertFalse(incident.major_incident_id)

    def test_critical_service_criterion(self):
        self.Rule.create({"name": "Critical service", "criticality_threshold": "critical"})
        on_erp = self._incident(service_ids=[(6, 0, self.service_erp.ids)])
        on_mail = self._incident(service_ids=[(6, 0, self.service_mail.ids)])
        majors = self._detected(on_erp | on_mail)
        self.assertEqual(majors.incident_id, on_erp)

    def test_archived_rule_and_other_company_ignored(self):
        self.Rule.create({"name": "Archived", "priority_threshold": "4", "active": False})
        other_company = self.env["res.company"].create({"name": "Other IT Co."})
        self.Rule.create({"name": "Other company", "priority_threshold": "4", "company_id": other_company.id})
        incident = self._incident(priority="1")
        self.assertFalse(self.Major._svcms_detect(incident))

    def test_no_second_major_incident_for_the_same_incident(self):
        self.Rule.create({"name": "P1", "priority_threshold": "1"})
        incident = self._incident(priority="1")
        first = self._detected(incident)
        self.assertTrue(first)
        self.assertFalse(self.Major._svcms_detect(incident))
        self.assertEqual(self.Major.search_count([("incident_id", "=", incident.id)]), 1)
        with self.assertRaises(UserError):
            incident.with_user(self.user_agent).action_declare_major_incident()
        self.assertEqual(self.Major.search_count([("incident_id", "=", incident.id)]), 1)

    def test_closed_incident_not_detected(self):
        self.Rule.create({"name": "P1", "priority_threshold": "1"})
        incident = self._incident(priority="1")
        self._set_incident_state(incident, "closed")
        self.assertFalse(self.Major._svcms_detect(incident))

    def test_detection_is_batched(self):
        self.Rule.create({"name": "Two customers", "customer_threshold": 2})
        incidents = self.env["svcms.incident"].create(
            [{"subject": f"Batch {i}", "ci_ids": [(6, 0, self.ci_server.ids)]} for i in range(5)]
        )
        majors = self._detected(incidents)
        self.assertEqual(len(majors), 5)
        self.assertEqual(incidents.major_incident_id, majors)

    def test_top_management_notified_in_their_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        boss = self.user_cab1
        boss.lang = "zh_CN"
        group = self.env["res.groups"].create({"name": "Test top management", "user_ids": [(6, 0, self.user_cab2.ids)]})
        self.Rule.create(
            {
                "name": "P1",
                "priority_threshold": "1",
                "manager_id": self.user_agent2.id,
                "notify_user_ids": [(6, 0, boss.ids)],
                "notify_group_id": group.id,
            }
        )
        incident = self._incident(priority="1")
        major = self._detected(incident)
        activity_type = self.env.ref("svcms_itsm.mail_activity_type_major_incident")
        activities = major.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(activities.user_id, boss | self.user_cab2 | self.user_agent2)
        notified = major.message_ids.filtered(lambda m: boss.partner_id in m.partner_ids)
        self.assertEqual(len(notified), 1)
        self.assertIn(self.user_agent2.partner_id, major.message_partner_ids, "the manager follows it")

    def test_agent_declares_a_major_incident_by_hand(self):
        incident = self._incident(priority="3")
        action = incident.with_user(self.user_agent).action_declare_major_incident()
        major = incident.major_incident_id
        self.assertTrue(major)
        self.assertEqual(action["res_id"], major.id)
        self.assertEqual(major.declared_by_id, self.user_agent)
        self.assertFalse(major.rule_id)
        self.assertEqual(major.manager_id, self.user_manager, "the IT manager setting names the manager")

    def test_staff_cannot_declare(self):
        incident = self._incident(priority="3")
        with self.assertRaises(AccessError):
            incident.with_user(self.user_staff).action_declare_major_incident()
        self.assertFalse(incident.major_incident_id)

    def test_major_incident_records_cannot_be_forged(self):
        incident = self._incident()
        with self.assertRaises(UserError):
            self.Major.with_user(self.user_agent).create({"incident_id": incident.id})
        with self.assertRaises(UserError):
            self.Major.with_user(self.user_agent).create({"incident_id": incident.id, "state": "reviewed"})

    def test_kpi_counts_major_incidents_per_period(self):
        self.Rule.create({"name": "P1", "priority_threshold": "1"})
        incidents = self.env["svcms.incident"].create([{"subject": f"P1 {i}", "priority": "1"} for i in range(3)])
        self.Major._svcms_detect(incidents)
        definition = self.env["svcms.kpi.definition"].create(
            {
                "name": "Major incidents",
                "code": "T_MAJOR",
                "model_id": self.env["ir.model"]._get_id("svcms.major.incident"),
                "measure": "method",
                "method": "major_incident_count",
                "date_field": "declared_date",
            }
        )
        today = datetime.date.today()
        start = today.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        before = self.Major.search_count(
            [("declared_date", ">=", start), ("declared_date", "<", end), ("company_id", "=", self.company.id)]
        )
        results = self.env["svcms.kpi.definition"]._svcms_kpi_method_major_incident_count(
            definition,
            [(start, end, self.company), (end, (end + datetime.timedelta(days=32)).replace(day=1), self.company)],
        )
        self.assertEqual(results[(start, end, self.company.id)]["value"], float(before))
        self.assertGreaterEqual(before, 3)
        self.assertEqual(
            results[(end, (end + datetime.timedelta(days=32)).replace(day=1), self.company.id)]["value"], 0.0
        )


class TestMajorIncidentReview(MajorIncidentMixin, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_major()
        cls.incident = cls._incident(priority="1")
        cls.major = cls.env["svcms.major.incident"]._svcms_open(
            [(cls.incident, cls.env["svcms.major.incident.rule"])], declared_by=cls.user_agent
        )
        cls.major.manager_id = cls.user_agent

    def _fill_review(self):
        self.major.with_user(self.user_agent).write(
            {"root_cause_summary": "Disk controller firmware", "lessons_learned": "<p>Test the failover</p>"}
        )

    def test_review_needs_lessons_root_cause_and_resolution(self):
        major = self.major.with_user(self.user_agent)
        major.action_start_review()
        self.assertEqual(major.state, "review")
        with self.assertRaises(UserError):
            major.action_complete_review()
        self._fill_review()
        with self.assertRaises(UserError, msg="the incident is not resolved yet"):
            major.action_complete_review()
        self.assertEqual(major.state, "review")
        self._set_incident_state(self.incident, "resolved")
        major.action_complete_review()
        self.assertEqual(major.state, "reviewed")
        self.assertEqual(major.reviewed_by_id, self.user_agent)

    def test_review_by_someone_else_refused(self):
        self._fill_review()
        self._set_incident_state(self.incident, "resolved")
        self.major.with_user(self.user_agent2).action_start_review()
        major = self.major.with_user(self.user_agent2)
        self.assertFalse(major.can_complete_review)
        with self.assertRaises(AccessError):
            major.action_complete_review()
        self.assertEqual(self.major.state, "review")
        self.assertFalse(self.major.reviewed_by_id)
        # an IT service manager may
        self.major.with_user(self.user_manager).action_complete_review()
        self.assertEqual(self.major.state, "reviewed")

    def test_state_cannot_be_written(self):
        with self.assertRaises(UserError):
            self.major.with_user(self.user_agent).write({"state": "reviewed"})
        self.assertEqual(self.major.state, "open")

    def test_reviewed_record_is_frozen(self):
        self._fill_review()
        self._set_incident_state(self.incident, "resolved")
        major = self.major.with_user(self.user_agent)
        major.action_start_review()
        major.action_complete_review()
        with self.assertRaises(UserError):
            major.write({"lessons_learned": "<p>rewritten</p>"})
        with self.assertRaises(UserError):
            major.write({"manager_id": self.user_agent2.id})
        with self.assertRaises(UserError):
            self.env["svcms.major.incident.update"].with_user(self.user_agent).create(
                {"major_incident_id": self.major.id, "body": "late"}
            )
        with self.assertRaises(UserError):
            major.action_reopen()
        self.assertIn("Test the failover", self.major.lessons_learned)

    def test_update_cron_reminds_once_and_update_answers_it(self):
        activity_type = self.env.ref("svcms_itsm.mail_activity_type_major_incident_update")
        self.major._svcms_trusted().write(
            {"declared_date": datetime.datetime.now() - datetime.timedelta(hours=2), "update_interval": 30}
        )
        self.assertLess(self.major.next_update_due, datetime.datetime.now())

        def run_cron():
            with self.enter_registry_test_mode():
                self.env.ref("svcms_itsm.ir_cron_major_incident_updates").method_direct_trigger()
            self.env.invalidate_all()

        def reminders():
            return self.major.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

        run_cron()
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().user_id, self.user_agent)
        run_cron()
        self.assertEqual(len(reminders()), 1, "no second reminder while one is open")
        update = (
            self.env["svcms.major.incident.update"]
            .with_user(self.user_agent)
            .create(
                {"major_incident_id": self.major.id, "body": "Failover in progress", "author_id": self.user_agent2.id}
            )
        )
        self.assertEqual(update.author_id, self.user_agent, "the author is whoever publishes it")
        self.assertFalse(reminders(), "the update answers the reminder")
        self.assertGreater(self.major.next_update_due, datetime.datetime.now())
        run_cron()
        self.assertFalse(reminders())


@tagged("post_install", "-at_install")
class TestMajorIncidentReviewRpc(MajorIncidentMixin, ItsmCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_major()
        cls.incident = cls._incident(priority="1")
        cls.major = cls.env["svcms.major.incident"]._svcms_open(
            [(cls.incident, cls.env["svcms.major.incident.rule"])], declared_by=cls.user_agent
        )
        cls.major.manager_id = cls.user_agent
        cls.major.write({"root_cause_summary": "Firmware", "lessons_learned": "<p>Lesson</p>"})
        cls._set_incident_state(cls.incident, "resolved")
        cls.major.with_user(cls.user_agent).action_start_review()

    def _rpc(self, user, method, *args):
        with mute_logger(RPC_LOGGER):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, "svcms.major.incident", method, [self.major.ids, *args]
            )

    def test_rpc_review_by_non_manager_refused(self):
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_agent2, "action_complete_review")
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http", RPC_LOGGER):
            self._rpc(self.user_agent2, "write", {"state": "reviewed"})
        self.env.invalidate_all()
        self.assertEqual(self.major.state, "review")
        self.assertFalse(self.major.reviewed_by_id)
        self.assertTrue(self._rpc(self.user_agent, "action_complete_review"))
        self.env.invalidate_all()
        self.assertEqual(self.major.state, "reviewed")
