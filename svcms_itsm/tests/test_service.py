"""The service catalogue (ISO/IEC 20000-1 8.2.4): codes, dependencies, rights and evidence."""

import xmlrpc.client
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


class ServiceData:
    @classmethod
    def _setup_service_data(cls):
        cls.manager = new_test_user(
            cls.env, login="itsm_svc_manager", groups="base.group_user,svcms_itsm.group_itsm_manager"
        )
        cls.agent = new_test_user(cls.env, login="itsm_svc_agent", groups="base.group_user,svcms_itsm.group_itsm_user")
        Service = cls.env["svcms.service"].with_user(cls.manager)
        cls.network, cls.mail, cls.erp = Service.create(
            [
                {"code": "T-NET", "name": "测试办公网络", "status": "live", "criticality": "critical"},
                {"code": "T-MAIL", "name": "测试企业邮箱", "status": "live"},
                {"code": "T-ERP", "name": "测试 ERP", "status": "pipeline", "criticality": "high"},
            ]
        )
        cls.mail.dependency_ids = cls.network
        cls.erp.dependency_ids = cls.network | cls.mail


@tagged("post_install", "-at_install")
class TestService(ServiceData, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_service_data()

    def test_manager_creates_service_with_dependencies(self):
        self.assertEqual(self.erp.dependency_ids, self.network | self.mail)
        self.assertEqual(self.network.dependent_ids, self.mail | self.erp)
        self.assertEqual(self.erp.dependency_count, 2)
        self.assertEqual(self.erp.display_name, "[T-ERP] 测试 ERP")
        self.assertEqual(self.env["svcms.service"].name_search("T-MAIL")[0][0], self.mail.id)

    def test_code_unique_per_company(self):
        Service = self.env["svcms.service"].with_user(self.manager)
        with self.assertRaises(ValidationError) as caught:
            Service.create({"code": "T-ERP", "name": "重复编码"})
        self.assertIn("T-ERP", str(caught.exception))
        self.assertEqual(self.env["svcms.service"].search_count([("code", "=", "T-ERP")]), 1)
        with self.assertRaises(ValidationError):
            self.mail.with_user(self.manager).write({"code": "T-NET"})
        self.assertEqual(self.mail.code, "T-MAIL")
        with self.assertRaises(ValidationError):
            Service.create({"code": "  ", "name": "空编码"})
        # the same code in another company is another catalogue
        other = self.env["res.company"].create({"name": "美澜测试子公司"})
        twin = self.env["svcms.service"].create({"code": "T-ERP", "name": "子公司 ERP", "company_id": other.id})
        self.assertEqual(twin.code, "T-ERP")

    def test_dependency_cycle_refused(self):
        with self.assertRaises(ValidationError):
            self.network.with_user(self.manager).write({"dependency_ids": [Command.link(self.erp.id)]})
        self.assertFalse(self.network.dependency_ids)
        with self.assertRaises(ValidationError):
            self.mail.with_user(self.manager).write({"dependency_ids": [Command.link(self.mail.id)]})
        self.assertEqual(self.mail.dependency_ids, self.network)
        # not a cycle: ERP depending on both is fine, and a new service may depend on ERP
        crm = (
            self.env["svcms.service"]
            .with_user(self.manager)
            .create({"code": "T-CRM", "name": "测试 CRM", "dependency_ids": [Command.set(self.erp.ids)]})
        )
        self.assertEqual(crm.dependency_ids, self.erp)

    def test_agent_reads_but_cannot_write(self):
        as_agent = self.erp.with_user(self.agent)
        self.assertEqual(as_agent.name, "测试 ERP")
        with self.assertRaises(AccessError):
            as_agent.write({"status": "live"})
        with self.assertRaises(AccessError):
            self.env["svcms.service"].with_user(self.agent).create({"code": "T-X", "name": "代理创建"})
        with self.assertRaises(AccessError):
            as_agent.unlink()
        self.assertEqual(self.erp.status, "pipeline")
        self.assertFalse(self.env["svcms.service"].search_count([("code", "=", "T-X")]))
        self.assertTrue(self.erp.exists())

    def test_other_company_hidden(self):
        other = self.env["res.company"].create({"name": "美澜测试外部公司"})
        hidden = self.env["svcms.service"].create({"code": "T-OTHER", "name": "其他公司服务", "company_id": other.id})
        found = self.env["svcms.service"].with_user(self.agent).search([("code", "like", "T-")])
        self.assertNotIn(hidden, found)
        self.assertIn(self.erp, found)

    def test_evidence_declared(self):
        self.assertIn("svcms.service", self.env["svcms.clause"]._svcms_evidence_models())
        Service = self.env["svcms.service"]
        self.assertEqual(Service._svcms_evidence_clause_codes("iso20000"), ("8.2.4",))
        clause = self.env["svcms.clause"].search([("standard", "=", "iso20000"), ("code", "=", "8.2.4")])
        self.assertEqual(len(clause), 1)
        # the catalogue as it stands: any period counts the services that are not retired
        period = (date(2001, 1, 1), date(2001, 1, 31))
        before = Service._svcms_evidence_count(*period, self.env.company)
        self.erp.with_user(self.manager).status = "retired"
        self.assertEqual(Service._svcms_evidence_count(*period, self.env.company), before - 1)
        rows = clause._svcms_evidence_counts(*period, self.env.company)[clause.id]
        self.assertIn(("svcms.service", before - 1), [(name, count) for name, _label, count in rows])


@tagged("post_install", "-at_install")
class TestServiceRpc(ServiceData, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_service_data()

    def _call(self, user, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "svcms.service", method, list(args), kwargs
        )

    def test_agent_write_refused_over_rpc(self):
        rows = self._call(self.agent, "read", [self.erp.id], ["status"])
        self.assertEqual(rows[0]["status"], "pipeline")
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self._call(self.agent, "write", [self.erp.id], {"status": "live", "name": "被代理修改"})
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self._call(self.agent, "create", {"code": "T-RPC", "name": "远程创建"})
        self.env.invalidate_all()
        self.assertEqual(self.erp.status, "pipeline")
        self.assertEqual(self.erp.name, "测试 ERP")
        self.assertFalse(self.env["svcms.service"].search_count([("code", "=", "T-RPC")]))

    def test_cycle_refused_over_rpc(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught, mute_logger("odoo.http"):
            self._call(self.manager, "write", [self.network.id], {"dependency_ids": [(4, self.erp.id)]})
        self.assertIn("form a cycle", caught.exception.faultString)
        self.env.invalidate_all()
        self.assertFalse(self.network.dependency_ids)
