"""Fixtures shared by the svcms_itsm tests (no test of their own).

``ItsmCase``: users in each IT role (agent, manager, CAB members, security officer, a plain internal
user, a portal caller and a colleague of the caller's company), two services and a CI.
``IncidentCase``: the service desk team with the test agents, and ``_incident`` to create one as an agent.
``sla_lines``: SLA lines as the engine leaves them (service level and report tests).
"""

from odoo import Command
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


class IncidentCase(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Incident = cls.env["svcms.incident"]
        cls.team = cls.env.ref("svcms_itsm.team_service_desk")
        cls.team.write(
            {"leader_id": cls.user_manager.id, "member_ids": [(6, 0, (cls.user_agent | cls.user_agent2).ids)]}
        )
        cls.category_app = cls.env.ref("svcms_itsm.incident_category_application")

    def _incident(self, user=None, **values):
        vals = {"subject": "测试事件", "description": "<p>无法登录</p>", "team_id": self.team.id, **values}
        return self.Incident.with_user(user or self.user_agent).create(vals)


def sla_lines(env, agreement, partner, outcomes):
    """SLA lines as the engine leaves them: ``outcomes`` = [(breached, over_limit, outcome datetime)]."""
    policy = env["svcms.sla.policy"].search([("name", "=", "Test IT resolution")], limit=1) or env[
        "svcms.sla.policy"
    ].create(
        {
            "name": "Test IT resolution",
            "res_model": "svcms.complaint",
            "tz": "UTC",
            "target_ids": [
                Command.create({"name": "4h", "metric": "resolution", "duration": 4, "stop_states": "resolved"})
            ],
        }
    )
    base = env["svcms.sla.line"].sudo().search([], order="res_id desc", limit=1).res_id or 0
    return (
        env["svcms.sla.line"]
        .sudo()
        .create(
            [
                {
                    "res_model": "svcms.complaint",
                    "res_id": base + 1000 + index,
                    "policy_id": policy.id,
                    "target_id": policy.target_ids[0].id,
                    "metric": "resolution",
                    "agreement_id": agreement.id,
                    "partner_id": partner.id,
                    "company_id": agreement.company_id.id,
                    "over_limit": over_limit,
                    "breached": breached,
                    "state": "breached" if breached else "met",
                    "clock": "stopped",
                    "request_datetime": outcome,
                    "start_datetime": outcome,
                    "outcome_datetime": outcome,
                }
                for index, (breached, over_limit, outcome) in enumerate(outcomes)
            ]
        )
    )
