"""CI history (8.2.6): every change of a CI's fields and relations is kept: who, when, old → new."""

from odoo.tests import tagged

from .common import ItsmCase


@tagged("post_install", "-at_install")
class TestCiHistory(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ci_db = cls.env["svcms.ci"].create(
            {"name": "Test DB", "identifier": "T-DB-01", "type_id": cls.ci_type.id, "location": "机房A-机柜04"}
        )

    def setUp(self):
        super().setUp()
        # the CIs were created in this transaction, which Odoo does not track: as if they were saved before
        self._flush_tracking()

    def _flush_tracking(self):
        """Write the tracking values, as the end of a request does (precommit hooks)."""
        self.env.flush_all()
        self.env.cr.flush()

    def _trackings(self, ci, field_name):
        return (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "svcms.ci"),
                    ("mail_message_id.res_id", "=", ci.id),
                    ("field_id.name", "=", field_name),
                ]
            )
        )

    def _notes(self, ci):
        return ci.message_ids.filtered(lambda m: m.message_type == "comment")

    def test_field_changes_tracked_with_author_and_values(self):
        ci = self.ci_db.with_user(self.user_agent)
        ci.write({"location": "机房B-机柜02", "status": "maintenance", "owner_id": self.user_agent2.id})
        self._flush_tracking()
        location = self._trackings(self.ci_db, "location")
        self.assertEqual(len(location), 1)
        self.assertEqual(location.old_value_char, "机房A-机柜04")
        self.assertEqual(location.new_value_char, "机房B-机柜02")
        self.assertEqual(location.mail_message_id.author_id, self.user_agent.partner_id)
        self.assertEqual(location.mail_message_id.create_uid, self.user_agent)
        self.assertTrue(location.mail_message_id.date)
        status = self._trackings(self.ci_db, "status")
        self.assertEqual(status.old_value_char, "Active")
        self.assertEqual(status.new_value_char, "In Maintenance")
        owner = self._trackings(self.ci_db, "owner_id")
        self.assertEqual(owner.old_value_integer, self.env.user.id)
        self.assertEqual(owner.new_value_integer, self.user_agent2.id)
        # a second change keeps the first one
        ci.write({"location": "机房B-机柜03"})
        self._flush_tracking()
        values = self._trackings(self.ci_db, "location").sorted("id").mapped("new_value_char")
        self.assertEqual(values, ["机房B-机柜02", "机房B-机柜03"])

    def test_tracked_fields_of_the_ci(self):
        tracked = {name for name, field in self.env["svcms.ci"]._fields.items() if getattr(field, "tracking", False)}
        for name in ("name", "identifier", "type_id", "status", "owner_id", "location", "product_id", "lot_id"):
            self.assertIn(name, tracked)

    def test_relation_added_and_removed_noted(self):
        Relation = self.env["svcms.ci.relation"].with_user(self.user_agent)
        before = self._notes(self.ci_server)
        before_target = self._notes(self.ci_db)
        relation = Relation.create(
            {"source_id": self.ci_server.id, "target_id": self.ci_db.id, "relation_type": "depends_on"}
        )
        added = self._notes(self.ci_server) - before
        # the target CI keeps the same history
        added_on_target = self._notes(self.ci_db) - before_target
        self.assertEqual(len(added_on_target), 1)
        self.assertIn("Relation added", added_on_target.body)
        self.assertEqual(len(added), 1)
        self.assertIn("Relation added", added.body)
        self.assertIn("T-DB-01", added.body)
        self.assertEqual(added.author_id, self.user_agent.partner_id)
        relation.unlink()
        removed = self._notes(self.ci_server) - before - added
        self.assertEqual(len(removed), 1)
        self.assertIn("Relation removed", removed.body)
        self.assertIn("T-DB-01", removed.body)
        removed_on_target = self._notes(self.ci_db) - before_target - added_on_target
        self.assertEqual(len(removed_on_target), 1)
        self.assertIn("Relation removed", removed_on_target.body)
        self.assertEqual(removed.author_id, self.user_agent.partner_id)

    def test_relation_changed_noted_on_old_and_new_source(self):
        other = self.env["svcms.ci"].create({"name": "Other", "identifier": "T-SRV-02", "type_id": self.ci_type.id})
        relation = self.env["svcms.ci.relation"].create(
            {"source_id": self.ci_server.id, "target_id": self.ci_db.id, "relation_type": "depends_on"}
        )
        before_server, before_other = self._notes(self.ci_server), self._notes(other)
        relation.with_user(self.user_agent).source_id = other
        changed_server = self._notes(self.ci_server) - before_server
        changed_other = self._notes(other) - before_other
        self.assertEqual(len(changed_server), 1)
        self.assertEqual(len(changed_other), 1)
        self.assertIn("Relation changed", changed_other.body)
        self.assertIn("T-SRV-02", changed_other.body)
