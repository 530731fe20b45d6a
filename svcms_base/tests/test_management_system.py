from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import format_date, mute_logger


@tagged("post_install", "-at_install")
class TestManagementSystem(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="sms_user", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="sms_manager", groups="svcms_base.group_svcms_manager")
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "IT service management", "code": "TST", "standard": "iso20000"}
        )

    def test_display_name_carries_code(self):
        self.assertEqual(self.system.display_name, "[TST] IT service management")

    def test_user_reads_but_cannot_configure(self):
        system = self.system.with_user(self.user)
        self.assertEqual(system.name, "IT service management")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            system.write({"name": "Changed"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["svcms.management.system"].with_user(self.user).create({"name": "X", "code": "X"})

    def test_manager_configures(self):
        self.system.with_user(self.manager).write({"name": "Changed"})
        self.assertEqual(self.system.name, "Changed")

    def test_other_company_system_is_invisible(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["svcms.management.system"].create({"name": "Other", "code": "OTH", "company_id": other.id})
        visible = self.env["svcms.management.system"].with_user(self.manager).search([("code", "=", "OTH")])
        self.assertFalse(visible)


@tagged("post_install", "-at_install")
class TestRepresentativeAppointment(TransactionCase):
    def test_appointment_letter_names_representative_and_signatory(self):
        department = self.env["hr.department"].create({"name": "Quality"})
        job = self.env["hr.job"].create({"name": "Quality Manager", "department_id": department.id})
        representative = self.env["hr.employee"].create({"name": "Li Min", "job_id": job.id})
        signatory = self.env["hr.employee"].create({"name": "Chen Zhiqiang"})
        system = self.env["svcms.management.system"].create(
            {
                "name": "After-sales service",
                "code": "APT",
                "standard": "gbt27922",
                "representative_id": representative.id,
                "appointment_signed_by_id": signatory.id,
                "appointment_date": "2026-01-05",
                "appointment_text": "<p>We appoint Li Min as management representative.</p>",
            }
        )
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "svcms_base.action_report_representative_appointment", system.ids
        )
        html = html.decode()
        self.assertIn("Appointment of the Management Representative", html)
        self.assertIn("We appoint Li Min as management representative.", html)
        self.assertIn("Quality Manager", html)
        self.assertIn("Chen Zhiqiang", html)
        signed_on = format_date(self.env, system.appointment_date, lang_code=self.env.user.lang)
        self.assertIn(signed_on, html)


@tagged("post_install", "-at_install")
class TestOverview(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        System = cls.env["svcms.management.system"]
        cls.systems = System.create([{"name": f"System {i}", "code": f"OV{i}"} for i in range(6)])
        cls.system, cls.other = cls.systems[:2]
        cls.doc_type = cls.env["svcms.document.type"].create({"name": "Procedure", "code": "procedure", "prefix": "P"})

    def _risk(self, system, likelihood, impact, **vals):
        return self.env["svcms.risk"].create(
            {"name": "Risk", "management_system_id": system.id, "likelihood": likelihood, "impact": impact, **vals}
        )

    def test_high_risks_counted_per_system_until_closed(self):
        critical = self._risk(self.system, "5", "4")
        self._risk(self.system, "4", "3")  # high
        self._risk(self.system, "2", "2")  # low: not counted
        self._risk(self.other, "5", "5")
        self.assertEqual(self.system.high_risk_count, 2)
        self.assertEqual(self.other.high_risk_count, 1)
        critical.state = "closed"
        self.env.invalidate_all()
        self.assertEqual(self.system.high_risk_count, 1)

    def test_unconfirmed_readers_counted_and_opened(self):
        document = self.env["svcms.document"].create(
            {
                "name": "Incident management",
                "document_type_id": self.doc_type.id,
                "management_system_id": self.system.id,
            }
        )
        employees = self.env["hr.employee"].create([{"name": "Reader A"}, {"name": "Reader B"}])
        self.env["svcms.document.acknowledgement"].create(
            [{"document_id": document.id, "employee_id": employee.id} for employee in employees]
        )
        self.assertEqual(self.system.unconfirmed_reader_count, 2)
        self.assertEqual(self.other.unconfirmed_reader_count, 0)
        action = self.system.with_context(overview_counter="unconfirmed_reader_count").action_open_overview_records()
        self.assertEqual(action["res_model"], "svcms.document.acknowledgement")
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]).employee_id, employees)

    def test_overview_cost_does_not_grow_with_systems(self):
        counters = ["due_review_count", "unconfirmed_reader_count", "off_target_objective_count", "high_risk_count"]
        self._risk(self.system, "5", "5")
        self.env.invalidate_all()
        with self.assertQueryCount(8):
            self.systems[:2].read([*counters, "certification_alert_count"])
        self.env.invalidate_all()
        with self.assertQueryCount(8):
            self.systems.read([*counters, "certification_alert_count"])
