"""Fixtures shared by the svcms_audit tests (no test of their own).

``AuditCase``: a management system, two departments, employees linked to users in each audit role;
``AuditFixtures``: certified auditors, a sub-department, an owned process and an audit factory.
"""

from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user


class AuditCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "Test SMS", "code": "TSMS", "standard": "iso20000"}
        )
        cls.gbt_system = cls.env["svcms.management.system"].create(
            {"name": "Test after-sales system", "code": "TASMS", "standard": "gbt27922"}
        )
        cls.dep_quality = cls.env["hr.department"].create({"name": "Test Quality"})
        cls.dep_service = cls.env["hr.department"].create({"name": "Test Service"})
        base = "svcms_base.group_svcms_user"
        cls.user_manager = new_test_user(cls.env, "t_audit_manager", groups=f"{base},svcms_audit.group_audit_manager")
        cls.user_lead = new_test_user(cls.env, "t_audit_lead", groups=f"{base},svcms_audit.group_audit_lead_auditor")
        cls.user_auditor = new_test_user(cls.env, "t_audit_auditor", groups=f"{base},svcms_audit.group_audit_auditor")
        cls.user_owner = new_test_user(cls.env, "t_audit_owner", groups=f"{base},svcms_audit.group_audit_nc_owner")
        cls.user_verifier = new_test_user(cls.env, "t_audit_verifier", groups=f"{base},svcms_audit.group_audit_auditor")
        cls.user_staff = new_test_user(cls.env, "t_audit_staff", groups=base)
        Employee = cls.env["hr.employee"]
        cls.emp_manager = Employee.create(
            {"name": "Audit Manager", "user_id": cls.user_manager.id, "department_id": cls.dep_quality.id}
        )
        cls.emp_lead = Employee.create(
            {"name": "Lead Auditor", "user_id": cls.user_lead.id, "department_id": cls.dep_quality.id}
        )
        cls.emp_auditor = Employee.create(
            {"name": "Auditor", "user_id": cls.user_auditor.id, "department_id": cls.dep_quality.id}
        )
        cls.emp_owner = Employee.create(
            {"name": "Process Owner", "user_id": cls.user_owner.id, "department_id": cls.dep_service.id}
        )
        cls.emp_verifier = Employee.create(
            {"name": "Verifier", "user_id": cls.user_verifier.id, "department_id": cls.dep_quality.id}
        )
        cls.emp_staff = Employee.create(
            {"name": "Staff", "user_id": cls.user_staff.id, "department_id": cls.dep_service.id}
        )

    @classmethod
    def clause(cls, standard, code):
        return cls.env["svcms.clause"].search([("standard", "=", standard), ("code", "=", code)], limit=1)


class AuditFixtures(AuditCase):
    """Certified auditors (内审员证), a sub-department, an owned process and a planned internal audit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.skill = cls.env.ref("svcms_audit.skill_internal_auditor")
        cls.cert_level = cls.env.ref("svcms_base.skill_level_svcms_certified")
        cls.department_field = cls.env["hr.department"].create(
            {"name": "Test Field Service", "parent_id": cls.dep_service.id}
        )
        cls.process = cls.env["svcms.process"].create(
            {"name": "Test Complaint Handling", "code": "T-CMP", "owner_id": cls.user_verifier.id}
        )
        for employee in (cls.emp_lead, cls.emp_auditor, cls.emp_verifier):
            cls._certify(employee, cls.today - relativedelta(years=1), cls.today + relativedelta(years=2))

    @classmethod
    def _certify(cls, employee, valid_from, valid_to):
        return cls.env["hr.employee.skill"].create(
            {
                "employee_id": employee.id,
                "skill_type_id": cls.skill.skill_type_id.id,
                "skill_id": cls.skill.id,
                "skill_level_id": cls.cert_level.id,
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
        )

    @contextmanager
    def assertRefused(self, exception, regex):
        """Like assertRaisesRegex, inside a savepoint (Odoo's assertRaises): a refused write leaves nothing."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), regex)

    @classmethod
    def _audit(cls, user=None, **values):
        vals = {
            "name": "Test internal audit",
            "management_system_id": cls.system.id,
            "audit_type": "internal",
            "date_start": cls.today + relativedelta(days=7),
            "date_end": cls.today + relativedelta(days=8),
            "lead_auditor_id": cls.emp_lead.id,
            "auditor_ids": [(6, 0, cls.emp_auditor.ids)],
            "department_ids": [(6, 0, cls.dep_service.ids)],
        }
        vals.update(values)
        return cls.env["svcms.audit"].with_user(user or cls.user_lead).create(vals)
