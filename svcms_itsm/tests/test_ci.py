import xmlrpc.client
from contextlib import contextmanager

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


class CiCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, login="itsm_agent_ci", groups="base.group_user,svcms_itsm.group_itsm_user")
        cls.manager = new_test_user(
            cls.env, login="itsm_manager_ci", groups="base.group_user,svcms_itsm.group_itsm_manager"
        )
        cls.server_type = cls.env["svcms.ci.type"].create(
            {
                "name": "测试服务器",
                "code": "test_server",
                "attribute_definition": [
                    {"name": "os", "string": "操作系统", "type": "char"},
                    {"name": "memory_gb", "string": "内存 (GB)", "type": "integer"},
                ],
            }
        )
        cls.CI = cls.env["svcms.ci"].with_user(cls.agent)
        cls.Relation = cls.env["svcms.ci.relation"].with_user(cls.agent)

    @contextmanager
    def assertRefused(self, exception, regex="."):
        """The operation raises, its writes are rolled back (as in a real request) and the cache is reset."""
        with self.assertRaisesRegex(exception, regex), self.env.cr.savepoint():
            yield
        self.env.invalidate_all()

    @classmethod
    def _ci(cls, identifier, **vals):
        return cls.CI.create(
            {"identifier": identifier, "name": f"配置项 {identifier}", "type_id": cls.server_type.id} | vals
        )


class TestCi(CiCase):
    def test_attributes_follow_the_type(self):
        ci = self._ci("T-SRV-01", attributes={"os": "Rocky Linux 9", "memory_gb": 64})
        self.assertEqual(ci.attributes["os"], "Rocky Linux 9")
        self.assertEqual(ci.attributes["memory_gb"], 64)
        self.assertEqual(ci.owner_id, self.agent)
        self.assertIn(ci, self.env["svcms.ci"].search([("type_id", "=", self.server_type.id)]))
        self.assertEqual(self.server_type.ci_count, 1)

    def test_identifier_unique_per_company(self):
        self._ci("T-DUP-01")
        with self.assertRaises(IntegrityError), self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
            self._ci("T-DUP-01")
        other_company = self.env["res.company"].create({"name": "美澜电器（香港）有限公司"})
        self.env["svcms.ci"].create(
            {
                "identifier": "T-DUP-01",
                "name": "香港服务器",
                "type_id": self.server_type.id,
                "company_id": other_company.id,
            }
        )
        self.assertEqual(self.env["svcms.ci"].sudo().search_count([("identifier", "=", "T-DUP-01")]), 2)

    def test_serial_of_another_product_refused(self):
        product_a, product_b = self.env["product.product"].create(
            [
                {"name": "戴尔服务器 R750", "is_storable": True, "tracking": "serial"},
                {"name": "华为交换机", "is_storable": True, "tracking": "serial"},
            ]
        )
        lot_b = self.env["stock.lot"].create({"name": "SN-HW-0001", "product_id": product_b.id})
        with self.assertRefused(ValidationError, "SN-HW-0001"):
            self._ci("T-LOT-01", product_id=product_a.id, lot_id=lot_b.id)
        self.assertFalse(self.env["svcms.ci"].search([("identifier", "=", "T-LOT-01")]))
        ci = self._ci("T-LOT-02", product_id=product_b.id, lot_id=lot_b.id)
        with self.assertRefused(ValidationError):
            ci.write({"product_id": product_a.id})
        self.assertEqual(ci.product_id, product_b)

    def test_relation_to_itself_refused(self):
        ci = self._ci("T-SELF-01")
        with self.assertRefused(ValidationError, "T-SELF-01"):
            self.Relation.create({"source_id": ci.id, "target_id": ci.id, "relation_type": "depends_on"})
        self.assertFalse(ci.relation_ids)

    def test_duplicate_relation_refused(self):
        a, b = self._ci("T-DUPR-A"), self._ci("T-DUPR-B")
        self.Relation.create({"source_id": a.id, "target_id": b.id, "relation_type": "depends_on"})
        with self.assertRefused(ValidationError, "already exists"):
            self.Relation.create({"source_id": a.id, "target_id": b.id, "relation_type": "depends_on"})
        self.assertEqual(len(a.relation_ids), 1)
        # another type between the same CIs is a different relation
        self.Relation.create({"source_id": a.id, "target_id": b.id, "relation_type": "connected_to"})
        self.assertEqual(len(a.relation_ids), 2)
        self.assertEqual(b.incoming_relation_ids, a.relation_ids)

    def test_part_of_cycle_refused(self):
        a, b, c = self._ci("T-CYC-A"), self._ci("T-CYC-B"), self._ci("T-CYC-C")
        self.Relation.create(
            [
                {"source_id": a.id, "target_id": b.id, "relation_type": "part_of"},
                {"source_id": b.id, "target_id": c.id, "relation_type": "part_of"},
            ]
        )
        with self.assertRefused(ValidationError, r"T-CYC-C.*T-CYC-A.*T-CYC-B.*T-CYC-C"):
            self.Relation.create({"source_id": c.id, "target_id": a.id, "relation_type": "part_of"})
        self.assertFalse(c.relation_ids)
        # a cycle of another type is allowed (network rings)
        self.Relation.create({"source_id": c.id, "target_id": a.id, "relation_type": "connected_to"})
        self.assertEqual(len(c.relation_ids), 1)
        # changing the type of an existing relation into part_of is checked too
        with self.assertRefused(ValidationError):
            c.relation_ids.write({"relation_type": "part_of"})
        self.assertEqual(c.relation_ids.relation_type, "connected_to")

    def test_relation_history_on_source(self):
        a, b, c = self._ci("T-HIS-A"), self._ci("T-HIS-B"), self._ci("T-HIS-C")

        def notes():
            return a.message_ids.filtered(lambda m: "Relation" in (m.body or ""))

        relation = self.Relation.create({"source_id": a.id, "target_id": b.id, "relation_type": "runs_on"})
        self.assertEqual(len(notes()), 1)
        self.assertIn("T-HIS-B", notes()[0].body)
        self.assertIn(self.agent.name, notes()[0].body)
        self.assertEqual(notes()[0].author_id, self.agent.partner_id)
        relation.write({"target_id": c.id})
        self.assertEqual(len(notes()), 2)
        body = notes()[0].body
        self.assertIn("T-HIS-B", body)
        self.assertIn("T-HIS-C", body)
        self.assertIn("→", body)
        relation.unlink()
        self.assertEqual(len(notes()), 3)
        self.assertIn("T-HIS-C", notes()[0].body)

    def test_agent_cannot_delete_ci(self):
        ci = self._ci("T-DEL-01")
        with self.assertRaises(AccessError):
            ci.unlink()
        self.assertTrue(ci.exists())
        ci.with_user(self.manager).unlink()
        self.assertFalse(ci.exists())

    def test_evidence_counts_the_current_register(self):
        ci_model = self.env["svcms.ci"]
        self.assertEqual(ci_model._svcms_evidence_clause_codes("iso20000"), ("8.2.5", "8.2.6"))
        before = ci_model._svcms_evidence_count(None, None)
        self._ci("T-EVI-01")
        self._ci("T-EVI-02", status="retired")
        self.assertEqual(ci_model._svcms_evidence_count(None, None), before + 1)


@tagged("post_install", "-at_install")
class TestCiRpc(HttpCase):
    def test_agent_cannot_delete_ci_through_rpc(self):
        agent = new_test_user(
            self.env,
            login="itsm_agent_rpc",
            password="itsm_agent_rpc",
            groups="base.group_user,svcms_itsm.group_itsm_user",
        )
        ci_type = self.env["svcms.ci.type"].create({"name": "RPC 测试类型", "code": "rpc_test"})
        ci = self.env["svcms.ci"].create({"identifier": "T-RPC-01", "name": "RPC 服务器", "type_id": ci_type.id})
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, agent.id, "itsm_agent_rpc", "svcms.ci", "unlink", [[ci.id]]
            )
        self.assertTrue(ci.exists())
        # the agent cannot relate a CI to itself either
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                agent.id,
                "itsm_agent_rpc",
                "svcms.ci.relation",
                "create",
                [{"source_id": ci.id, "target_id": ci.id, "relation_type": "depends_on"}],
            )
        self.assertFalse(self.env["svcms.ci.relation"].search([("source_id", "=", ci.id)]))
