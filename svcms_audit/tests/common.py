"""Fixtures shared by the svcms_audit tests (no test of their own).

``AuditCase``: a management system, two departments, employees linked to users in each audit role.
"""

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
