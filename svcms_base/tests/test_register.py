from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestRegisterRecords(TransactionCase):
    """Context, interested parties, communication plan and knowledge base."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(cls.env, login="register_owner", groups="svcms_base.group_svcms_user")
        cls.colleague = new_test_user(cls.env, login="register_colleague", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="register_manager", groups="svcms_base.group_svcms_manager")
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "Register test system", "code": "REGT", "standard": "gbt27922"}
        )
        cls.clause = cls.env.ref("svcms_base.clause_iso20000_7_6")

    # ------------------------------------------------------------------ context (4.1)
    def test_context_issue_swot_quadrant(self):
        Issue = self.env["svcms.context.issue"]
        expected = {
            ("internal", "positive"): "strength",
            ("internal", "negative"): "weakness",
            ("external", "positive"): "opportunity",
            ("external", "negative"): "threat",
        }
        for (origin, effect), swot in expected.items():
            issue = Issue.create({"name": f"{origin} {effect}", "origin": origin, "effect": effect})
            self.assertEqual(issue.swot, swot)
        issue.effect = "positive"
        self.assertEqual(issue.swot, "opportunity")

    def test_context_issue_owner_edits_colleague_reads(self):
        issue = self.env["svcms.context.issue"].create({"name": "Legacy ERP", "owner_id": self.owner.id})
        issue.with_user(self.owner).write({"impact": "Slow recovery"})
        self.assertEqual(issue.with_user(self.colleague).impact, "Slow recovery")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            issue.with_user(self.colleague).write({"impact": "None"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            issue.with_user(self.owner).unlink()
        issue.with_user(self.manager).unlink()

    # ------------------------------------------------------------------ interested parties (4.2)
    def test_interested_party_origin_follows_type_and_can_be_overridden(self):
        with Form(self.env["svcms.interested.party"].with_user(self.owner)) as party_form:
            party_form.name = "Employees"
            party_form.party_type = "employee"
            self.assertEqual(party_form.origin, "internal")
            party_form.party_type = "regulator"
            self.assertEqual(party_form.origin, "external")
            party_form.origin = "internal"
            with party_form.requirement_ids.new() as line:
                line.name = "Comply with consumer protection law"
                line.how_addressed = "Annual compliance evaluation"
        party = party_form.record
        self.assertEqual(party.origin, "internal")
        self.assertEqual(party.requirement_ids.how_addressed, "Annual compliance evaluation")
        self.assertEqual(party.requirement_ids.company_id, party.company_id)

    def test_colleague_cannot_change_requirements_of_a_party_they_do_not_own(self):
        party = self.env["svcms.interested.party"].create(
            {
                "name": "Dealers",
                "party_type": "dealer",
                "owner_id": self.owner.id,
                "requirement_ids": [(0, 0, {"name": "Monthly service report"})],
            }
        )
        party.with_user(self.owner).write({"requirement_ids": [(0, 0, {"name": "Installation within 48 hours"})]})
        self.assertEqual(len(party.requirement_ids), 2)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.env["svcms.interested.party.requirement"].with_user(self.colleague).create(
                {"party_id": party.id, "name": "Sneaked in"}
            )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            party.requirement_ids[0].with_user(self.colleague).unlink()

    # ------------------------------------------------------------------ communication plan (7.4)
    def test_communication_next_date_follows_frequency(self):
        Plan = self.env["svcms.communication.plan"]
        monthly = Plan.create(
            {
                "name": "Service quality meeting",
                "audience": "After-sales",
                "frequency": "monthly",
                "last_done_date": "2025-01-31",
            }
        )
        self.assertEqual(monthly.next_date, date(2025, 2, 28))
        monthly.frequency = "quarterly"
        self.assertEqual(monthly.next_date, date(2025, 4, 30))
        monthly.frequency = "on_event"
        self.assertFalse(monthly.next_date)
        first = Plan.create(
            {"name": "Satisfaction report", "audience": "All staff", "frequency": "yearly", "next_date": "2025-03-01"}
        )
        self.assertEqual(first.next_date, date(2025, 3, 1), "the first due date is planned by hand")

    @freeze_time("2025-06-10")
    def test_mark_communication_done(self):
        item = self.env["svcms.communication.plan"].create(
            {"name": "Outlet bulletin", "audience": "Outlets", "frequency": "monthly", "responsible_id": self.owner.id}
        )
        item.with_user(self.owner).action_mark_done()
        self.assertEqual(item.last_done_date, date(2025, 6, 10))
        self.assertEqual(item.next_date, date(2025, 7, 10))
        self.assertIn("2025-06-10", item.message_ids[0].body)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            item.with_user(self.colleague).action_mark_done()

    # ------------------------------------------------------------------ knowledge (7.6)
    def test_publish_article(self):
        article = self.env["svcms.knowledge.article"].with_user(self.owner).create({"name": "Reset a password"})
        self.assertEqual(article.author_id, self.owner)
        article.action_publish()
        self.assertEqual(article.state, "published")
        self.assertEqual(article.published_date, date.today())
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            article.with_user(self.colleague).action_draft()

    def test_promote_article_to_controlled_document_once(self):
        article = (
            self.env["svcms.knowledge.article"]
            .with_user(self.owner)
            .create(
                {
                    "name": "Air conditioner troubleshooting",
                    "body": "<p>Check the filter first.</p>",
                    "management_system_id": self.system.id,
                    "clause_ids": [(6, 0, self.clause.ids)],
                }
            )
        )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            article.with_user(self.colleague).action_promote_to_document()
        self.assertFalse(article.document_id)

        action = article.action_promote_to_document()
        document = article.document_id
        self.assertEqual(action["res_id"], document.id)
        self.assertEqual(document.name, "Air conditioner troubleshooting")
        self.assertEqual(document.document_type_id.code, "instruction")
        self.assertEqual(document.management_system_id, self.system)
        self.assertEqual(document.company_id, article.company_id)
        self.assertEqual(document.clause_ids, self.clause)
        self.assertIn("Check the filter first.", str(document.body))
        chatter = str(article.message_ids[0].body)
        # in the language of the company (the readers of the article's chatter)
        self.assertIn(article._svcms_for_company().env._("Promoted to the controlled document"), chatter)
        self.assertIn("svcms.document", chatter)

        documents_before = self.env["svcms.document"].search_count([])
        with self.assertRaises(UserError):
            article.action_promote_to_document()
        self.assertEqual(self.env["svcms.document"].search_count([]), documents_before)

        # A second article reuses the work instruction type instead of creating another one.
        other = self.env["svcms.knowledge.article"].with_user(self.owner).create({"name": "Washer does not spin"})
        other.action_promote_to_document()
        self.assertEqual(other.document_id.document_type_id, document.document_type_id)

    def test_other_company_registers_are_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other appliance maker"})
        records = {
            "svcms.context.issue": {"name": "Foreign issue"},
            "svcms.interested.party": {"name": "Foreign party"},
            "svcms.communication.plan": {"name": "Foreign meeting", "audience": "Them"},
            "svcms.knowledge.article": {"name": "Foreign article"},
        }
        for model, vals in records.items():
            foreign = self.env[model].create(dict(vals, company_id=other_company.id))
            self.assertFalse(self.env[model].with_user(self.manager).search([("id", "=", foreign.id)]), model)
