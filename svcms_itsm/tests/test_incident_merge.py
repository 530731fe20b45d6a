"""Merging duplicate incidents into a master, and linking many incidents to one problem or change."""

import base64

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import ItsmCase


class TestIncidentMerge(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Incident = cls.env["svcms.incident"]
        cls.master, cls.dup1, cls.dup2 = Incident.create(
            [{"subject": "ERP slow"}, {"subject": "ERP slow again"}, {"subject": "Cannot open ERP"}]
        )
        cls.caller = cls.env["res.partner"].create({"name": "Duplicate caller", "email": "dup@example.com"})
        cls.dup1.message_subscribe(partner_ids=cls.caller.ids)
        cls.message = cls.dup1.message_post(body="Screenshot attached", message_type="comment")
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "screenshot.png",
                "datas": base64.b64encode(b"png"),
                "res_model": "svcms.incident",
                "res_id": cls.dup2.id,
            }
        )

    def _wizard(self, incidents, master, user=None):
        Wizard = self.env["svcms.incident.merge"].with_user(user or self.user_agent)
        Wizard = Wizard.with_context(active_model="svcms.incident", active_ids=incidents.ids)
        form = Form(Wizard)
        form.master_id = master
        return form.save()

    def test_merge_moves_chatter_and_closes_duplicates(self):
        wizard = self._wizard(self.master | self.dup1 | self.dup2, self.master)
        action = wizard.action_merge()
        self.assertEqual(action["res_id"], self.master.id)
        self.assertEqual(self.message.res_id, self.master.id)
        self.assertEqual(self.attachment.res_id, self.master.id)
        self.assertIn(self.caller, self.master.message_partner_ids)
        for duplicate in self.dup1 | self.dup2:
            self.assertEqual(duplicate.duplicate_of_id, self.master)
            self.assertEqual(duplicate.state, "cancelled")
            link = f'data-oe-id="{self.master.id}"'
            self.assertTrue(duplicate.message_ids.filtered(lambda m, link=link: link in (m.body or "")))
        self.assertEqual(self.master.state, "new")
        self.assertFalse(self.master.duplicate_of_id)

    def test_default_master_is_the_oldest(self):
        wizard = (
            self.env["svcms.incident.merge"]
            .with_user(self.user_agent)
            .with_context(active_model="svcms.incident", active_ids=(self.dup2 | self.master).ids)
            .create({})
        )
        self.assertEqual(wizard.master_id, self.master)
        self.assertEqual(wizard.incident_ids, self.master | self.dup2)

    def test_merge_refused_for_closed_incidents(self):
        self.env["svcms.major.incident"]._svcms_write_incident(self.dup1, {"state": "closed"})
        wizard = self._wizard(self.master | self.dup1, self.master)
        with self.assertRaises(UserError):
            wizard.action_merge()
        self.assertFalse(self.dup1.duplicate_of_id)
        self.assertEqual(self.message.res_id, self.dup1.id)

    def test_merge_refused_across_companies(self):
        other_company = self.env["res.company"].create({"name": "Other IT Co."})
        foreign = self.env["svcms.incident"].create({"subject": "Foreign", "company_id": other_company.id})
        wizard = self.env["svcms.incident.merge"].create(
            {"incident_ids": [(6, 0, (self.master | foreign).ids)], "master_id": self.master.id}
        )
        with self.assertRaises(UserError):
            wizard.action_merge()
        self.assertFalse(foreign.duplicate_of_id)
        self.assertEqual(foreign.state, "new")

    def test_merge_needs_two_incidents_and_a_master_among_them(self):
        wizard = self.env["svcms.incident.merge"].create(
            {"incident_ids": [(6, 0, self.dup1.ids)], "master_id": self.master.id}
        )
        with self.assertRaises(UserError):
            wizard.action_merge()
        self.assertFalse(self.dup1.duplicate_of_id)


class TestIncidentLink(ItsmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.incidents = cls.env["svcms.incident"].create([{"subject": f"Mail bounce {i}"} for i in range(3)])
        cls.problem = cls.env["svcms.problem"].create({"subject": "Mail relay rejects large mails"})
        cls.change = cls.env["svcms.change"].create({"subject": "Raise the mail size limit"})

    def _link(self, **values):
        wizard = (
            self.env["svcms.incident.link"]
            .with_user(self.user_agent)
            .with_context(active_model="svcms.incident", active_ids=self.incidents.ids)
            .create(values)
        )
        return wizard.action_link()

    def test_link_to_problem(self):
        self.assertTrue(self._link(link_type="problem", problem_id=self.problem.id))
        self.assertEqual(self.incidents.problem_id, self.problem)
        self.assertEqual(len(self.incidents.filtered(lambda i: i.problem_id == self.problem)), 3)

    def test_link_to_change(self):
        self.assertTrue(self._link(link_type="change", change_id=self.change.id))
        for incident in self.incidents:
            self.assertEqual(incident.change_ids, self.change)

    def test_link_without_target_refused(self):
        with self.assertRaises(UserError):
            self._link(link_type="change", problem_id=self.problem.id)
        self.assertFalse(self.incidents.change_ids)
        self.assertFalse(self.incidents.problem_id)
