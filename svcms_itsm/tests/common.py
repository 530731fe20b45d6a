"""Fixtures shared by the svcms_itsm tests (no test of their own).

``ItsmCase``: users in each IT role (agent, manager, CAB members, security officer, a plain internal
user, a portal caller and a colleague of the caller's company), two services and a CI.
"""

from odoo.tests import TransactionCase, new_test_user


class ItsmCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        itsm = "base.group_user,svcms_itsm.group_itsm_user"
        cls.user_agent = new_test_user(cls.env, "t_itsm_agent", groups=itsm)
        cls.user_agent2 = new_test_user(cls.env, "t_itsm_agent2", groups=itsm)
        cls.user_manager = new_test_user(
            cls.env, "t_itsm_manager", groups="base.group_user,svcms_itsm.group_itsm_manager"
        )
        cls.user_cab1 = new_test_user(cls.env, "t_itsm_cab1", groups=f"{itsm},svcms_itsm.group_itsm_cab")
        cls.user_cab2 = new_test_user(cls.env, "t_itsm_cab2", groups=f"{itsm},svcms_itsm.group_itsm_cab")
        cls.user_cab3 = new_test_user(cls.env, "t_itsm_cab3", groups=f"{itsm},svcms_itsm.group_itsm_cab")
        cls.user_security = new_test_user(cls.env, "t_itsm_security", groups=f"{itsm},svcms_itsm.group_itsm_security")
        cls.user_staff = new_test_user(cls.env, "t_itsm_staff", groups="base.group_user,svcms_base.group_svcms_user")
        cls.customer = cls.env["res.partner"].create({"name": "Test Dealer Co.", "is_company": True})
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Dealer Co.", "is_company": True})
        cls.user_portal = new_test_user(cls.env, "t_itsm_portal", groups="base.group_portal")
        cls.user_portal.partner_id.parent_id = cls.customer
        cls.user_portal_colleague = new_test_user(cls.env, "t_itsm_portal2", groups="base.group_portal")
        cls.user_portal_colleague.partner_id.parent_id = cls.customer
        cls.user_portal_other = new_test_user(cls.env, "t_itsm_portal3", groups="base.group_portal")
        cls.user_portal_other.partner_id.parent_id = cls.other_customer
        Service = cls.env["svcms.service"]
        cls.service_erp, cls.service_mail = Service.create(
            [
                {
                    "code": "T-ERP",
                    "name": "Test ERP",
                    "status": "live",
                    "criticality": "critical",
                    "customer_ids": [(6, 0, cls.customer.ids)],
                },
                {"code": "T-MAIL", "name": "Test Mail", "status": "live", "criticality": "medium"},
            ]
        )
        cls.ci_type = cls.env["svcms.ci.type"].create({"name": "Test Server", "code": "T-SERVER"})
        cls.ci_server = cls.env["svcms.ci"].create(
            {"name": "Test ERP server", "identifier": "T-SRV-01", "type_id": cls.ci_type.id, "status": "active"}
        )
        cls.service_erp.ci_ids = cls.ci_server
