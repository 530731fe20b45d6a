"""CI types under change control (ISO/IEC 20000-1 8.5.1): their configuration changes only through a change."""

import xmlrpc.client

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import ItsmCase


class ChangeControlMixin:
    @classmethod
    def _setup_control(cls):
        Policy = cls.env["svcms.change.policy"]
        cls.policy = Policy._svcms_for_company(cls.company) or Policy.create({"name": "Test change policy"})
        cls.policy.controlled_ci_type_ids = [(4, cls.ci_type.id)]
        cls.free_type = cls.env["svcms.ci.type"].create({"name": "Test Desktop", "code": "T-DESKTOP"})
        cls.desktop = cls.env["svcms.ci"].create(
            {"name": "Test PC", "identifier": "T-PC-01", "type_id": cls.free_type.id}
        )
        cls.ci_db = cls.env["svcms.ci"].create({"name": "Test DB", "identifier": "T-DB-01", "type_id": cls.ci_type.id})


@tagged("post_install", "-at_install")
class TestChangeControl(ChangeControlMixin, ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_control()

    def test_controlled_ci_changes_only_through_a_change(self):
        server = self.ci_server.with_user(self.user_manager)
        for values in ({"status": "maintenance"}, {"location": "机房B"}, {"type_id": self.free_type.id}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "under change control"):
                server.write(values)
        self.assertEqual((self.ci_server.status, self.ci_server.type_id), ("active", self.ci_type))
        # what is not configuration stays free, and CIs of other types too
        server.name = "Test ERP server (renamed)"
        self.desktop.with_user(self.user_agent).status = "maintenance"
        self.assertEqual(self.desktop.status, "maintenance")

    def test_relations_of_controlled_cis_only_through_a_change(self):
        Relation = self.env["svcms.ci.relation"].with_user(self.user_agent)
        with self.assertRaisesRegex(UserError, "under change control"):
            Relation.create(
                {"source_id": self.desktop.id, "target_id": self.ci_server.id, "relation_type": "depends_on"}
            )
        self.assertFalse(self.env["svcms.ci.relation"].search([("source_id", "=", self.desktop.id)]))
        free = self.env["svcms.ci"].create(
            {"name": "Test printer", "identifier": "T-PRN", "type_id": self.free_type.id}
        )
        relation = Relation.create(
            {"source_id": self.desktop.id, "target_id": free.id, "relation_type": "connected_to"}
        )
        with self.assertRaisesRegex(UserError, "under change control"):
            relation.write({"target_id": self.ci_db.id})
        self.assertEqual(relation.target_id, free)

    def test_completed_change_applies_its_cmdb_updates(self):
        change = self.env["svcms.change"].create(
            {
                "subject": "Test server maintenance",
                "ci_ids": [(6, 0, self.ci_server.ids)],
                "cmdb_update_ids": [
                    (0, 0, {"ci_id": self.ci_server.id, "update_type": "status", "new_status": "maintenance"}),
                    (
                        0,
                        0,
                        {
                            "ci_id": self.ci_server.id,
                            "update_type": "relation",
                            "relation_type": "depends_on",
                            "target_ci_id": self.ci_db.id,
                        },
                    ),
                ],
            }
        )
        change.cmdb_update_ids.with_user(self.user_agent)._svcms_apply()
        self.assertEqual(self.ci_server.status, "maintenance")
        self.assertEqual(self.ci_server.relation_ids.target_id, self.ci_db)


@tagged("post_install", "-at_install")
class TestChangeControlRpc(ChangeControlMixin, ItsmCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_control()

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_direct_write_refused_through_rpc(self):
        with self.assertRaisesRegex(xmlrpc.client.Fault, "under change control"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.user_manager.id,
                self.user_manager.login,
                "svcms.ci",
                "write",
                [[self.ci_server.id], {"status": "retired"}],
            )
        self.assertEqual(self.ci_server.status, "active")
