"""Records that can be trusted: controlled documents, training plans and compliance evaluations.

Every rule is checked through the ORM as the acting (non-admin) user and, in ``TestIntegrityRpc``,
through XML-RPC: a refused call raises and writes nothing, an allowed call works.
"""

import base64
import xmlrpc.client
from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from lxml import html as lxml_html

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DocumentCommon

SEPARATION = "svcms_base.separation_of_duties.%s"
RPC_LOGGERS = ("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", "odoo.addons.base.models.ir_rule")
DOCUMENT_TRAIL = (
    "state",
    "author_id",
    "submitted_by_id",
    "submitted_date",
    "reviewed_by_id",
    "reviewed_date",
    "approved_by_id",
    "approved_date",
    "effective_date",
    "superseded_by_id",
    "superseded_date",
    "obsolete_date",
    "previous_revision_id",
    "origin_id",
    "last_review_date",
    "review_reminder_sent",
    "review_interval_months",
    "next_review_date",
    "manual_annex_snapshot",
    "name",
    "body",
)


def _snapshot(records, field_names):
    """What the database holds for these records, read fresh as superuser."""
    records.env.invalidate_all()
    return records.sudo().with_context(active_test=False).read(list(field_names))


class IntegrityCommon(DocumentCommon):
    @contextmanager
    def assertRefused(self):
        """Refused by a UserError (the workflow rules) or an AccessError (the access rules)."""
        with self.assertRaises(Exception) as refusal:
            yield
        self.assertIsInstance(refusal.exception, (UserError, AccessError))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # four people who could each do every step, so that only separation of duties stops them
        approver_groups = "svcms_base.group_svcms_document_approver"
        cls.writer = new_test_user(cls.env, login="int_writer", groups=approver_groups)
        cls.submitter = new_test_user(cls.env, login="int_submitter", groups=approver_groups)
        cls.checker = new_test_user(cls.env, login="int_checker", groups=approver_groups)
        cls.signer = new_test_user(cls.env, login="int_signer", groups=approver_groups)
        cls.roles = cls.writer | cls.submitter | cls.checker | cls.signer

    def _role_document(self, **values):
        return self._create_document(
            user=self.writer, reviewer_ids=[Command.set(self.roles.ids)], owner_id=self.writer.id, **values
        )

    def _attachment(self, document, user, name="evidence.txt"):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create({"name": name, "raw": b"signed minutes", "res_model": "svcms.document", "res_id": document.id})
        )


@tagged("post_install", "-at_install")
class TestIntegrityDocumentWorkflow(IntegrityCommon):
    def test_buttons_follow_the_one_guard(self):
        document = self._role_document()
        self.assertTrue(document.with_user(self.writer).can_submit)
        self.assertFalse(document.with_user(self.signer).can_approve, "a draft is not approved")
        document.with_user(self.submitter).action_submit()
        self.env.invalidate_all()
        self.assertFalse(document.with_user(self.writer).can_mark_reviewed, "the author does not review")
        self.assertFalse(document.with_user(self.submitter).can_mark_reviewed, "the submitter does not review")
        self.assertTrue(document.with_user(self.checker).can_mark_reviewed)
        self.assertFalse(document.with_user(self.signer).can_approve, "not reviewed yet")
        self.assertTrue(document.with_user(self.writer).can_reset_draft)
        document.with_user(self.checker).action_mark_reviewed()
        self.env.invalidate_all()
        self.assertFalse(document.with_user(self.signer).can_mark_reviewed, "reviewed once")
        for user in (self.writer, self.submitter, self.checker):
            self.assertFalse(document.with_user(user).can_approve)
        self.assertFalse(document.with_user(self.reviewer).can_approve, "not a document approver")
        self.assertTrue(document.with_user(self.signer).can_approve)
        document.with_user(self.signer).action_approve()
        self.env.invalidate_all()
        self.assertTrue(document.with_user(self.writer).can_new_revision)
        self.assertTrue(document.with_user(self.writer).can_review_periodically)
        self.assertFalse(document.with_user(self.reviewer).can_review_periodically, "neither owner nor author")
        self.assertTrue(document.with_user(self.approver).can_obsolete)
        self.assertFalse(document.with_user(self.writer).can_submit)

        # the form's workflow buttons are driven by those flags, not by hand-written conditions
        arch = self.env["svcms.document"].get_views([(False, "form")])["views"]["form"]["arch"]
        page = lxml_html.fromstring(arch)
        for action in ("submit", "mark_reviewed", "approve", "reset_draft", "obsolete", "new_revision"):
            [button] = page.xpath(f"//button[@name='action_{action}']")
            self.assertEqual(button.get("invisible"), f"not can_{action}")

    def test_status_and_trail_change_only_through_transitions(self):
        draft = self._create_document()
        effective = self._approve(self._create_document(name="Effective one"))
        now = fields.Datetime.now()
        today = fields.Date.today()
        forbidden = {
            "state": "effective",
            "submitted_by_id": self.author.id,
            "submitted_date": now,
            "reviewed_by_id": self.reviewer.id,
            "reviewed_date": now,
            "approved_by_id": self.approver.id,
            "approved_date": now,
            "effective_date": today,
            "superseded_by_id": effective.id,
            "superseded_date": today,
            "obsolete_date": today,
            "last_review_date": today,
            "review_reminder_sent": True,
            "manual_annex_snapshot": {"procedure_ids": []},
            "previous_revision_id": effective.id,
            "origin_id": effective.id,
        }
        before = _snapshot(draft | effective, DOCUMENT_TRAIL)
        for user in (self.author, self.approver, self.manager):
            for field_name, value in forbidden.items():
                for document in (draft, effective):
                    with (
                        self.subTest(user=user.login, field=field_name, state=document.state),
                        self.assertRaisesRegex(UserError, "only through the workflow"),
                    ):
                        document.with_user(user).write({field_name: value})
        self.assertEqual(_snapshot(draft | effective, DOCUMENT_TRAIL), before, "nothing was written")

        count = self.env["svcms.document"].search_count([])
        for field_name, value in forbidden.items():
            with self.subTest(create=field_name), self.assertRaisesRegex(UserError, "only through the workflow"):
                self._create_document(user=self.manager, name=f"Forged {field_name}", **{field_name: value})
        # an import is refused the same way
        result = (
            self.env["svcms.document"]
            .with_user(self.manager)
            .load(
                ["name", "document_type_id/id", "state", "approved_by_id/id"],
                [["Imported as effective", "svcms_base.document_type_procedure", "effective", "base.user_admin"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertIn("only through the workflow", str(result["messages"]))
        self.assertEqual(self.env["svcms.document"].search_count([]), count, "nothing was created")

    def test_the_author_is_whoever_creates_the_revision(self):
        document = self._create_document(author_id=self.manager.id)
        self.assertEqual(document.author_id, self.author, "the client cannot name someone else as author")
        for user in (self.author, self.manager):
            with self.assertRaisesRegex(UserError, "fixed when the record is created"):
                document.with_user(user).write({"author_id": self.reviewer.id})
        self.assertEqual(document.author_id, self.author)

    def test_four_roles(self):
        document = self._role_document()
        # someone other than the author submits it: four different people in the end
        document.with_user(self.submitter).action_submit()
        self.assertEqual((document.author_id, document.submitted_by_id), (self.writer, self.submitter))
        for user in (self.writer, self.submitter):
            with self.assertRaisesRegex(UserError, "Separation of duties"):
                document.with_user(user).action_mark_reviewed()
        self.assertFalse(document.reviewed_by_id)
        document.with_user(self.checker).action_mark_reviewed()
        for user, role in ((self.writer, "Author"), (self.submitter, "Submitted By"), (self.checker, "Reviewed By")):
            with self.assertRaisesRegex(UserError, f"Separation of duties: you are the {role}"):
                document.with_user(user).action_approve()
        self.assertEqual((document.state, document.approved_by_id), ("review", self.env["res.users"]))
        document.with_user(self.signer).action_approve()
        self.assertEqual(
            (document.state, document.author_id, document.submitted_by_id, document.reviewed_by_id),
            ("effective", self.writer, self.submitter, self.checker),
        )
        self.assertEqual(document.approved_by_id, self.signer)
        self.assertIsInstance(document.approved_date, datetime)

    def test_separation_of_duties_is_a_company_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.svcms_separation_document, "on by default for documents")
        self.assertFalse(settings.svcms_separation_training_plan)
        self.assertFalse(settings.svcms_separation_compliance_evaluation)
        settings.svcms_separation_document = False
        settings.svcms_separation_training_plan = True
        settings.execute()
        params = self.env["ir.config_parameter"]
        self.assertEqual(params.get_param(SEPARATION % "svcms.document"), "0")
        self.assertEqual(params.get_param(SEPARATION % "svcms.training.plan"), "1")
        self.assertFalse(self.env["res.config.settings"].create({}).svcms_separation_document)

        # a small team: the author reviews and approves their own document
        document = self._role_document()
        document.with_user(self.writer).action_submit()
        document.with_user(self.writer).action_mark_reviewed()
        document.with_user(self.writer).action_approve()
        self.assertEqual(document.state, "effective")

        # the settings form shows the switches in a Service Management block
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="svcms_setting_container"', arch)
        self.assertIn('name="svcms_separation_document"', arch)

    def test_revision_links_are_fixed_at_creation(self):
        first = self._approve(self._create_document())
        second = self._new_revision(first)
        other = self._approve(self._create_document(name="Another procedure"))
        fresh = self._create_document(name="Fresh draft")
        for document, vals in (
            (second, {"previous_revision_id": other.id}),
            (second, {"previous_revision_id": False}),
            (second, {"origin_id": other.id}),
            (fresh, {"previous_revision_id": other.id}),
            (fresh, {"origin_id": other.id}),
        ):
            for user in (self.author, self.manager):
                with self.subTest(vals=vals, user=user.login), self.assertRaisesRegex(UserError, "workflow"):
                    document.with_user(user).write(vals)
        self.env.invalidate_all()
        self.assertEqual((second.previous_revision_id, second.origin_id), (first, first))
        self.assertEqual((fresh.previous_revision_id, fresh.origin_id), (self.env["svcms.document"], fresh))
        # so the approval of the new revision supersedes its own document only
        self._approve(second)
        self.assertEqual((first.state, other.state), ("superseded", "effective"))

    def test_new_revision_by_a_non_hr_author_keeps_every_reader(self):
        job = self.env["hr.job"].create({"name": "Field technician"})
        document = self._approve(
            self._create_document(
                reader_employee_ids=[Command.set((self.reader | self.outsider).ids)],
                reader_department_ids=[Command.set(self.department.ids)],
                reader_job_ids=[Command.set(job.ids)],
            )
        )
        preparer = new_test_user(self.env, login="int_preparer", groups="svcms_base.group_svcms_user")
        self.assertFalse(preparer.has_group("hr.group_hr_user"), "the preparer may not read employees")
        document.sudo().owner_id = preparer  # the owner keeps it current: they prepare the next revision
        # what a plain copy() would carry over for them: the employees they cannot read are lost
        copied = document.with_user(preparer).copy_data()[0].get("reader_employee_ids") or []
        self.assertNotEqual(copied, [Command.set((self.reader | self.outsider).ids)])

        wizard = (
            self.env["svcms.document.new.revision"]
            .with_user(preparer)
            .create({"document_id": document.id, "change_summary": "Added the field technicians"})
        )
        revision = self.env["svcms.document"].browse(wizard.action_create_revision()["res_id"])
        self.assertEqual(revision.author_id, preparer, "whoever prepares the revision is its author")
        revision = revision.sudo()
        self.assertEqual(revision.reader_employee_ids, self.reader | self.outsider)
        self.assertEqual(revision.reader_department_ids, self.department)
        self.assertEqual(revision.reader_job_ids, job)
        self.assertEqual(revision.required_reader_ids, document.sudo().required_reader_ids)

    def test_only_drafts_are_deleted(self):
        draft = self._create_document()
        effective = self._approve(self._create_document(name="Effective one"))
        superseded = self._approve(self._create_document(name="Superseded one"))
        self._approve(self._new_revision(superseded))
        self.assertEqual(superseded.state, "superseded")
        for document in (effective, superseded):
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                document.with_user(self.manager).unlink()
            self.assertTrue(document.exists())
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())


@tagged("post_install", "-at_install")
class TestIntegrityDocumentEvidence(IntegrityCommon):
    def test_attachments_of_an_approved_revision_are_evidence(self):
        document = self._create_document(reader_employee_ids=[Command.set(self.reader.ids)])
        attachment = self._attachment(document, self.author)
        scratch = self._attachment(document, self.author, name="scratch.txt")
        scratch.with_user(self.author).unlink()  # a draft's attachments are still working material
        self._approve(document)
        self.assertEqual(document.author_id, self.author)
        before = _snapshot(attachment, ["name", "res_model", "res_id", "checksum"])
        for user in (self.author, self.employee_user, self.manager):
            with self.subTest(user=user.login), self.assertRefused():
                attachment.with_user(user).write({"name": "replaced.txt", "raw": b"other minutes"})
            with self.subTest(user=user.login), self.assertRefused():
                attachment.with_user(user).write({"res_id": self.env["svcms.document"].search([], limit=1).id})
            with self.subTest(user=user.login), self.assertRefused():
                attachment.with_user(user).unlink()
        self.assertEqual(_snapshot(attachment, ["name", "res_model", "res_id", "checksum"]), before)
        with self.assertRaisesRegex(UserError, "part of the record"):
            attachment.with_user(self.author).unlink()

        # posting stays open, with files: readers ask questions, the owner answers
        upload = (
            self.env["ir.attachment"]
            .with_user(self.employee_user)
            .create({"name": "photo.txt", "raw": b"photo", "res_model": "mail.compose.message", "res_id": 0})
        )
        document.with_user(self.employee_user).message_post(
            body="Step 3 is unclear", message_type="comment", attachment_ids=upload.ids
        )
        self.assertEqual((upload.res_model, upload.res_id), ("svcms.document", document.id))
        document.with_user(self.author).message_post(body="Clarified in the next revision", message_type="comment")

    def test_messages_and_tracking_of_an_approved_revision_are_evidence(self):
        document = self._create_document(reader_employee_ids=[Command.set(self.reader.ids)])
        self.env.cr.precommit.run()  # end of the creating transaction: later changes are tracked
        self._approve(document)
        self.env.cr.precommit.run()  # tracking values are written when the transaction commits
        self.env.invalidate_all()
        tracked = document.sudo().message_ids.filtered("tracking_value_ids")
        self.assertTrue(tracked, "the approval is tracked")
        comment = document.with_user(self.employee_user).message_post(body="Understood", message_type="comment")
        messages = (tracked | comment).with_env(self.env)
        fields_ = ["body", "author_id", "tracking_value_ids", "model", "res_id"]
        before = _snapshot(messages, fields_)
        tracking_before = _snapshot(tracked.tracking_value_ids, ["old_value_char", "new_value_char", "field_id"])
        for user, message in ((self.author, tracked[0]), (self.employee_user, comment), (self.manager, tracked[0])):
            with self.subTest(user=user.login), self.assertRefused():
                message.with_user(user).write({"body": "<p>rewritten</p>"})
            with self.subTest(user=user.login), self.assertRefused():
                message.with_user(user).unlink()
            with self.subTest(user=user.login), self.assertRefused():
                document.with_user(user)._message_update_content(message, body="edited")
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                tracked.tracking_value_ids.with_user(user).write({"new_value_char": "Draft"})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                tracked.tracking_value_ids.with_user(user).unlink()
        self.assertEqual(_snapshot(messages, fields_), before)
        self.assertEqual(
            _snapshot(tracked.tracking_value_ids, ["old_value_char", "new_value_char", "field_id"]), tracking_before
        )
        # personal bookkeeping still works: the reader stars the answer
        comment.with_user(self.employee_user).toggle_message_starred()
        self.assertTrue(comment.with_user(self.employee_user).starred)
        # a draft's own chatter is still the authors' to tidy
        draft = self._create_document(name="Draft")
        note = draft.with_user(self.author).message_post(body="typo", message_type="comment")
        draft.with_user(self.author)._message_update_content(note, body="fixed")
        note.with_user(self.author).unlink()

    def test_periodic_reviews_are_evidence(self):
        document = self._approve(self._create_document(reader_employee_ids=[Command.set(self.reader.ids)]))
        document.with_user(self.author).action_review_no_change()
        review = document.review_ids
        self.assertEqual(review.reviewer_id, self.author)
        before = _snapshot(review, ["result", "notes", "review_date", "reviewer_id", "document_id"])
        for user in (self.author, self.employee_user, self.manager):
            with self.subTest(user=user.login), self.assertRefused():
                review.with_user(user).write({"result": "withdraw", "notes": "changed my mind"})
            with self.subTest(user=user.login), self.assertRefused():
                review.with_user(user).unlink()
        self.assertEqual(_snapshot(review, ["result", "notes", "review_date", "reviewer_id", "document_id"]), before)

        # recorded by whoever did it, never ahead of time
        Review = self.env["svcms.document.review"].with_user(self.author)
        later = Review.create({"document_id": document.id, "result": "revise", "reviewer_id": self.manager.id})
        self.assertEqual(later.reviewer_id, self.author)
        with self.assertRaisesRegex(UserError, "ahead of its date"):
            Review.create({"document_id": document.id, "review_date": date.today() + relativedelta(years=5)})
        self.assertEqual(len(document.review_ids), 2)

    def test_periodic_review_cannot_be_silenced(self):
        document = self._approve(self._create_document())
        due = document.next_review_date
        self.assertEqual(due, document.effective_date + relativedelta(months=12))
        owner = document.with_user(self.author)
        with self.assertRaisesRegex(ValidationError, "must be reviewed periodically"):
            owner.write({"review_interval_months": 0})
        self.env.invalidate_all()
        self.assertEqual((document.review_interval_months, document.next_review_date), (12, due), "nothing written")
        with self.assertRaisesRegex(UserError, "not removed or postponed"):
            owner.write({"next_review_date": False})
        with self.assertRaisesRegex(UserError, "not removed or postponed"):
            owner.write({"next_review_date": due + relativedelta(years=10)})
        with self.assertRaisesRegex(UserError, "workflow"):
            owner.write({"review_reminder_sent": True})
        self.env.invalidate_all()
        self.assertEqual((document.review_interval_months, document.next_review_date), (12, due))
        self.assertFalse(document.review_reminder_sent)
        # brought forward, or a shorter or longer interval: allowed
        owner.write({"next_review_date": due - relativedelta(months=2)})
        self.assertEqual(document.next_review_date, due - relativedelta(months=2))
        owner.write({"review_interval_months": 24})
        self.assertEqual(document.next_review_date, document.effective_date + relativedelta(months=24))
        # nor can a draft switch it off before it is approved
        draft = self._create_document(name="Draft")
        with self.assertRaisesRegex(ValidationError, "must be reviewed periodically"):
            draft.with_user(self.author).write({"review_interval_months": 0})
        # a type that asks for no periodic review allows none
        no_review_type = self.procedure_type.copy({"prefix": "NR", "review_interval_months": 0})
        without = self._approve(self._create_document(doc_type=no_review_type, name="External standard"))
        self.assertEqual((without.review_interval_months, without.next_review_date), (0, False))


@tagged("post_install", "-at_install")
class TestIntegrityCopiesAndConfirmations(IntegrityCommon):
    def test_a_withdrawn_copy_stays_withdrawn(self):
        document = self._approve(self._create_document())
        copy = (
            self.env["svcms.document.copy"]
            .with_user(self.author)
            .create({"document_id": document.id, "holder_employee_id": self.reader.id, "issued_by_id": self.manager.id})
        )
        self.assertEqual(copy.issued_by_id, self.author, "issued by whoever issues it")
        for vals in ({"state": "withdrawn"}, {"return_date": date.today()}, {"withdrawn_date": date.today()}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "only through the workflow"):
                copy.with_user(self.manager).write(vals)
        with self.assertRaisesRegex(UserError, "fixed when the record is created"):
            copy.with_user(self.manager).write({"document_id": self._approve(self._create_document(name="Other")).id})
        self._approve(self._new_revision(document))
        self.assertEqual(copy.state, "withdrawn")
        trail = ["state", "withdrawn_date", "return_date", "location", "document_id"]
        before = _snapshot(copy, trail)
        for user in (self.author, self.manager):
            with self.assertRaisesRegex(UserError, "only through the workflow"):
                copy.with_user(user).write({"state": "issued"})
            with self.assertRaisesRegex(UserError, "can no longer change"):
                copy.with_user(user).write({"location": "Somewhere else"})
            with self.assertRefused():
                copy.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, "needs it to be Issued"):
                copy.with_user(user).action_return()
        self.assertEqual(_snapshot(copy, trail), before)
        self.assertFalse(copy.is_controlled, "its printouts stay uncontrolled")

    def test_a_read_confirmation_is_the_readers_own(self):
        document = self._approve(self._create_document(reader_employee_ids=[Command.set(self.reader.ids)]))
        line = document.acknowledgement_ids
        trail = ["state", "confirmed_date", "employee_id", "document_id", "deadline"]
        before = _snapshot(line, trail)
        for vals in (
            {"state": "confirmed"},
            {"confirmed_date": fields.Datetime.now()},
            {"employee_id": self.outsider.id},
            {"document_id": self._approve(self._create_document(name="Other")).id},
        ):
            with self.subTest(vals=vals), self.assertRefused():
                line.with_user(self.manager).write(vals)
        self.assertEqual(_snapshot(line, trail), before)
        line.with_user(self.employee_user).action_confirm()
        self.assertEqual(line.state, "confirmed")
        confirmed = _snapshot(line, trail)
        for vals in ({"state": "pending"}, {"deadline": date.today()}):
            with self.subTest(vals=vals), self.assertRefused():
                line.with_user(self.manager).write(vals)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.with_user(self.manager).unlink()
        self.assertEqual(_snapshot(line, trail), confirmed)
        # a request sent to the wrong person may still be withdrawn while pending
        pending = self.env["svcms.document.acknowledgement"].create(
            {"document_id": document.id, "employee_id": self.outsider.id}
        )
        pending.with_user(self.manager).unlink()
        self.assertFalse(pending.exists())


@tagged("post_install", "-at_install")
class TestIntegrityDocumentCron(IntegrityCommon):
    def test_one_broken_document_does_not_stop_the_others(self):
        # automated notes are written in the company's language: English here
        self.env.company.partner_id.lang = "en_US"
        with freeze_time("2020-01-01"):
            documents = self.env["svcms.document"]
            for index in range(3):
                documents |= self._approve(self._create_document(name=f"Procedure {index}"))
        broken = documents[1]
        model_class = type(self.env["svcms.document"])
        schedule = model_class._schedule_periodic_review_activities

        def schedule_or_fail(records):
            if broken in records:
                raise ValueError("the owner's calendar is broken")
            return schedule(records)

        review_type = self.env.ref("svcms_base.mail_activity_document_periodic_review")

        def review_activities(document):
            return document.activity_ids.filtered(lambda a: a.activity_type_id == review_type)

        with (
            patch.object(model_class, "_schedule_periodic_review_activities", schedule_or_fail),
            mute_logger("odoo.addons.svcms_base.models.document"),
        ):
            with freeze_time("2020-12-20"):
                self.env["svcms.document"]._cron_schedule_periodic_reviews()
            self.env.invalidate_all()
            self.assertEqual(documents.mapped("review_reminder_sent"), [True, False, True])
            self.assertTrue(review_activities(documents[0]) and review_activities(documents[2]))
            self.assertFalse(review_activities(broken))
            self.assertEqual(broken.review_reminder_failure_count, 1)
            self.assertEqual(broken.review_reminder_failed_date, date(2020, 12, 20))
            self.assertIn("could not be scheduled", " ".join(broken.message_ids.mapped("body")))
            # the same day, later runs do not stumble on it again (nor loop on it)
            with freeze_time("2020-12-20 18:00:00"):
                self.env["svcms.document"]._cron_schedule_periodic_reviews(batch_size=1)
            self.env.invalidate_all()
            self.assertEqual(broken.review_reminder_failure_count, 1)
        # the next day it is tried again; the cause is gone
        with freeze_time("2020-12-21"):
            self.env["svcms.document"]._cron_schedule_periodic_reviews()
        self.env.invalidate_all()
        self.assertTrue(broken.review_reminder_sent)
        self.assertEqual(broken.review_reminder_failure_count, 0)
        self.assertEqual(len(review_activities(broken)), 1)


@tagged("post_install", "-at_install")
class TestIntegrityManualAnnexes(IntegrityCommon):
    def _render(self, manual):
        html = self.env["ir.actions.report"]._render_qweb_html("svcms_base.action_report_manual", manual.ids)[0]
        return lxml_html.fromstring(html)

    def _texts(self, page, css_class):
        return [
            " ".join(node.text_content().split())
            for node in page.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
        ]

    def _org_chart(self, page):
        return [
            node.text.strip()
            for node in page.xpath("//li[contains(@class, 'svcms_org_department')]/strong")
            if node.text
        ]

    def test_a_superseded_manual_prints_its_annexes_as_approved(self):
        other_company = self.env["res.company"].create({"name": "Other appliance maker"})
        self.env["hr.department"].create({"name": "Foreign Department", "company_id": other_company.id})
        procedure = self._approve(self._create_document(name="Incident management procedure"))
        quality_lead = self.env["hr.job"].create({"name": "Quality Lead"})
        process = self.env["svcms.process"].create(
            {
                "name": "Incident management",
                "management_system_id": self.system.id,
                "raci_line_ids": [
                    Command.create({"department_id": self.department.id, "raci": "R"}),
                    Command.create({"job_id": quality_lead.id, "raci": "A"}),
                ],
            }
        )
        manual = self._approve(self._create_document(doc_type=self.manual_type, name="Service management manual"))
        self.assertTrue(manual.manual_annex_snapshot, "the approval stores the annexes")

        # the organisation and the procedures move on
        later_procedure = self._approve(self._create_document(name="Change management procedure"))
        process.raci_line_ids.filtered("department_id").write({"raci": "C"})
        self.department.name = "Service Desk Centre"
        self.env["hr.department"].create({"name": "Field Service"})
        revision = self._approve(self._new_revision(manual, summary="New organisation"))
        self.assertEqual(manual.state, "superseded")

        old = self._render(manual)
        old_procedures = " ".join(self._texts(old, "svcms_manual_procedure"))
        self.assertIn(procedure.number, old_procedures)
        self.assertNotIn(later_procedure.number, old_procedures)
        self.assertIn(process.display_name, " ".join(self._texts(old, "svcms_manual_raci_row")))
        old_row = [
            " ".join(td.text_content().split())
            for td in old.xpath("//tr[contains(@class, 'svcms_manual_raci_row')]/td")
        ]
        self.assertIn("R", old_row)
        self.assertNotIn("C", old_row)
        new_row = [
            " ".join(td.text_content().split())
            for td in self._render(revision).xpath("//tr[contains(@class, 'svcms_manual_raci_row')]/td")
        ]
        self.assertIn("C", new_row)
        old_chart = self._org_chart(old)
        self.assertIn("Service Desk", old_chart)
        self.assertNotIn("Service Desk Centre", old_chart)
        self.assertNotIn("Field Service", old_chart)

        new = self._render(revision)
        new_procedures = " ".join(self._texts(new, "svcms_manual_procedure"))
        self.assertIn(later_procedure.number, new_procedures)
        new_chart = self._org_chart(new)
        self.assertIn("Service Desk Centre", new_chart)
        self.assertIn("Field Service", new_chart)
        for page in (old, new):
            self.assertNotIn("Foreign Department", self._org_chart(page), "only the system's company")

        # a draft prints what is there today
        draft = self._new_revision(revision, summary="Warranty desk")
        self.env["hr.department"].create({"name": "Warranty Desk"})
        self.assertIn("Warranty Desk", self._org_chart(self._render(draft)))
        self.assertNotIn("Warranty Desk", self._org_chart(self._render(revision)))
        self.assertNotIn("Foreign Department", self._org_chart(self._render(draft)))


@tagged("post_install", "-at_install")
class TestIntegrityTrainingPlan(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.department = cls.env["hr.department"].create({"name": "Integrity After-sales"})
        cls.course = cls.env["svcms.training.course"].create(
            {"name": "Integrity course", "code": "INT-C", "duration_hours": 4}
        )
        cls.hr_manager = new_test_user(cls.env, login="int_hr_manager", groups="hr.group_hr_manager")
        cls.other_manager = new_test_user(cls.env, login="int_sms_manager", groups="svcms_base.group_svcms_manager")
        cls.hr_officer = new_test_user(cls.env, login="int_hr_officer", groups="hr.group_hr_user")

    def _plan(self, user=None):
        return (
            self.env["svcms.training.plan"]
            .with_user(user or self.hr_manager)
            .create(
                {
                    "department_id": self.department.id,
                    "line_ids": [Command.create({"course_id": self.course.id, "planned_month": "5"})],
                }
            )
        )

    def test_approval_is_a_transition(self):
        plan = self._plan()
        trail = ["state", "approved_by_id", "approved_date", "active", "year"]
        before = _snapshot(plan, trail)
        for vals in (
            {"state": "approved"},
            {"approved_by_id": self.hr_manager.id},
            {"approved_date": fields.Datetime.now()},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "only through the workflow"):
                plan.with_user(self.hr_manager).write(vals)
        with self.assertRaisesRegex(UserError, "only through the workflow"):
            self.env["svcms.training.plan"].with_user(self.hr_manager).create(
                {"department_id": self.department.id, "state": "approved"}
            )
        self.assertEqual(_snapshot(plan, trail), before)
        self.assertFalse(plan.with_user(self.hr_officer).can_approve, "HR officers do not approve")
        with self.assertRaises(AccessError):
            plan.with_user(self.hr_officer).action_approve()
        self.assertTrue(plan.with_user(self.other_manager).can_approve)
        self.assertIs(plan.with_user(self.other_manager).action_approve(), True)
        self.assertEqual((plan.state, plan.approved_by_id), ("approved", self.other_manager))
        self.assertIsInstance(plan.approved_date, datetime)
        self.assertNotIn("approval_date", plan._fields, "one approval field shape: approved_by_id + approved_date")

    def test_separation_of_duties_when_the_company_asks(self):
        plan = self._plan()
        plan.with_user(self.hr_manager).action_approve()  # off by default: the preparer may approve
        self.env["ir.config_parameter"].set_param(SEPARATION % "svcms.training.plan", "1")
        second = self._plan()
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            second.with_user(self.hr_manager).action_approve()
        self.assertEqual(second.state, "draft")
        second.with_user(self.other_manager).action_approve()
        self.assertEqual(second.approved_by_id, self.other_manager)

    def test_an_approved_plan_is_archived_not_deleted(self):
        draft = self._plan()
        approved = self._plan()
        approved.with_user(self.other_manager).action_approve()
        for user in (self.hr_manager, self.other_manager):
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                approved.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, "can no longer change"):
                approved.with_user(user).write({"notes": "<p>rewritten</p>"})
        approved.with_user(self.hr_manager).action_archive()
        self.assertFalse(approved.active)
        self.assertTrue(approved.exists())
        draft.with_user(self.hr_manager).unlink()
        self.assertFalse(draft.exists())


@tagged("post_install", "-at_install")
class TestIntegrityComplianceEvaluation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.evaluator = new_test_user(cls.env, login="int_evaluator", groups="svcms_base.group_svcms_user")
        cls.colleague = new_test_user(cls.env, login="int_colleague", groups="svcms_base.group_svcms_user")
        cls.manager = new_test_user(cls.env, login="int_eval_manager", groups="svcms_base.group_svcms_manager")
        cls.obligation = cls.env["svcms.obligation"].create(
            {"name": "Integrity law", "effective_date": "2024-01-01", "owner_id": cls.evaluator.id}
        )

    def _evaluation(self, user=None):
        return (
            self.env["svcms.compliance.evaluation"]
            .with_user(user or self.evaluator)
            .create({"obligation_id": self.obligation.id, "result": "compliant", "evidence": "Records checked"})
        )

    def test_done_is_a_transition(self):
        evaluation = self._evaluation()
        trail = ["state", "approved_by_id", "approved_date", "evidence", "active"]
        before = _snapshot(evaluation, trail)
        for vals in ({"state": "done"}, {"approved_by_id": self.manager.id}, {"approved_date": fields.Datetime.now()}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "only through the workflow"):
                evaluation.with_user(self.manager).write(vals)
        self.assertEqual(_snapshot(evaluation, trail), before)
        self.assertTrue(evaluation.with_user(self.evaluator).can_done)
        self.assertIs(evaluation.with_user(self.evaluator).action_done(), True)
        self.assertEqual((evaluation.state, evaluation.approved_by_id), ("done", self.evaluator))
        self.assertEqual(self.obligation.last_evaluation_date, evaluation.date)
        with self.assertRaisesRegex(UserError, "can no longer change"):
            evaluation.with_user(self.manager).write({"follow_up_user_id": self.colleague.id})

    def test_separation_of_duties_when_the_company_asks(self):
        self.env["ir.config_parameter"].set_param(SEPARATION % "svcms.compliance.evaluation", "1")
        evaluation = self._evaluation()
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            evaluation.with_user(self.evaluator).action_done()
        # naming someone else as evaluator does not help whoever recorded it
        evaluation.with_user(self.evaluator).write({"evaluator_id": self.colleague.id})
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            evaluation.with_user(self.evaluator).action_done()
        with self.assertRaisesRegex(UserError, "Separation of duties"):
            evaluation.with_user(self.colleague).action_done()
        self.assertEqual(evaluation.state, "draft")
        evaluation.with_user(self.manager).action_done()
        self.assertEqual(evaluation.approved_by_id, self.manager)

    def test_a_done_evaluation_is_archived_not_deleted(self):
        evaluation = self._evaluation()
        evaluation.action_done()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            evaluation.with_user(self.manager).unlink()
        evaluation.with_user(self.manager).action_archive()
        self.assertFalse(evaluation.active)
        self.assertTrue(evaluation.exists())
        draft = self._evaluation()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())


@tagged("post_install", "-at_install")
class TestIntegrityRpc(HttpCase):
    """The same rules over XML-RPC: a refused call raises a Fault and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env["svcms.management.system"].create(
            {"name": "RPC integrity system", "code": "RPCI", "standard": "iso20000"}
        )
        cls.procedure_type = cls.env.ref("svcms_base.document_type_procedure")
        cls.author = new_test_user(cls.env, login="rpc_author", groups="svcms_base.group_svcms_document_approver")
        cls.reviewer = new_test_user(cls.env, login="rpc_reviewer", groups="svcms_base.group_svcms_user")
        cls.approver = new_test_user(cls.env, login="rpc_approver", groups="svcms_base.group_svcms_document_approver")
        cls.manager = new_test_user(cls.env, login="rpc_manager", groups="svcms_base.group_svcms_manager")
        cls.reader_user = new_test_user(cls.env, login="rpc_reader", groups="base.group_user")
        cls.hr_manager = new_test_user(cls.env, login="rpc_hr_manager", groups="hr.group_hr_manager")
        cls.reader = cls.env["hr.employee"].create({"name": "RPC Reader", "user_id": cls.reader_user.id})

    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def _refused(self, user, model, method, *args, **kwargs):
        with mute_logger(*RPC_LOGGERS), self.assertRaises(xmlrpc.client.Fault) as refusal:
            self._rpc(user, model, method, *args, **kwargs)
        self.env.invalidate_all()
        return refusal.exception.faultString

    def _document(self):
        document_id = self._rpc(
            self.author,
            "svcms.document",
            "create",
            {
                "name": "RPC procedure",
                "document_type_id": self.procedure_type.id,
                "management_system_id": self.system.id,
                # plain tuples: XML-RPC carries no Command objects
                "reviewer_ids": [(6, 0, self.reviewer.ids)],
                "reader_employee_ids": [(6, 0, self.reader.ids)],
                "author_id": self.manager.id,
            },
        )
        return self.env["svcms.document"].browse(document_id)

    def _effective(self, document=None):
        document = document or self._document()
        self._rpc(self.author, "svcms.document", "action_submit", document.ids)
        self._rpc(self.reviewer, "svcms.document", "action_mark_reviewed", document.ids)
        self._rpc(self.approver, "svcms.document", "action_approve", document.ids)
        self.env.invalidate_all()
        self.assertEqual(document.state, "effective")
        return document

    def test_document_workflow_over_rpc(self):
        document = self._document()
        self.assertEqual(document.author_id, self.author, "the author is whoever creates it")
        count = self.env["svcms.document"].search_count([])
        trail = _snapshot(document, DOCUMENT_TRAIL)

        self.assertIn(
            "workflow", self._refused(self.author, "svcms.document", "write", document.ids, {"state": "effective"})
        )
        self._refused(self.manager, "svcms.document", "write", document.ids, {"approved_by_id": self.manager.id})
        self._refused(self.author, "svcms.document", "write", document.ids, {"author_id": self.reviewer.id})
        self._refused(
            self.manager,
            "svcms.document",
            "create",
            {"name": "Forged", "document_type_id": self.procedure_type.id, "state": "effective"},
        )
        try:
            with mute_logger(*RPC_LOGGERS):
                imported = self._rpc(
                    self.manager,
                    "svcms.document",
                    "load",
                    ["name", "document_type_id/id", "state"],
                    [["Imported", "svcms_base.document_type_procedure", "effective"]],
                )
            self.assertFalse(imported["ids"])
        except xmlrpc.client.Fault:  # pylint: disable=except-pass
            pass  # refused outright: just as good, as long as nothing was created
        self.env.invalidate_all()
        self.assertEqual(self.env["svcms.document"].search_count([]), count)
        self.assertEqual(_snapshot(document, DOCUMENT_TRAIL), trail)

        # the workflow itself, each step returning something XML-RPC can carry
        self.assertIs(self._rpc(self.author, "svcms.document", "action_submit", document.ids), True)
        self.assertIn(
            "Separation of duties", self._refused(self.author, "svcms.document", "action_mark_reviewed", document.ids)
        )
        self.assertIs(self._rpc(self.reviewer, "svcms.document", "action_mark_reviewed", document.ids), True)
        self._refused(self.reviewer, "svcms.document", "action_approve", document.ids)
        self.assertIn(
            "Separation of duties", self._refused(self.author, "svcms.document", "action_approve", document.ids)
        )
        self.assertEqual((document.state, document.approved_by_id), ("review", self.env["res.users"]))
        self.assertIs(self._rpc(self.approver, "svcms.document", "action_approve", document.ids), True)
        self.env.invalidate_all()
        self.assertEqual((document.state, document.approved_by_id), ("effective", self.approver))

        effective_trail = _snapshot(document, DOCUMENT_TRAIL)
        self.assertIn(
            "new revision", self._refused(self.author, "svcms.document", "write", document.ids, {"name": "Renamed"})
        )
        self._refused(self.author, "svcms.document", "write", document.ids, {"review_interval_months": 0})
        self._refused(self.author, "svcms.document", "write", document.ids, {"next_review_date": False})
        self._refused(self.author, "svcms.document", "write", document.ids, {"origin_id": False})
        self._refused(self.manager, "svcms.document", "unlink", document.ids)
        self.assertEqual(_snapshot(document, DOCUMENT_TRAIL), effective_trail)
        self.assertTrue(document.exists())

        for method in ("action_request_acknowledgements", "action_new_revision", "action_print_manual"):
            if method == "action_print_manual":
                self._refused(self.author, "svcms.document", method, document.ids)  # not a manual
                continue
            self.assertIsInstance(self._rpc(self.author, "svcms.document", method, document.ids), dict)
        self.assertIs(self._rpc(self.reader_user, "svcms.document", "action_confirm_read", document.ids), True)
        self.assertIs(self._rpc(self.author, "svcms.document", "action_review_no_change", document.ids), True)
        self.assertIs(self._rpc(self.approver, "svcms.document", "action_obsolete", document.ids), True)
        self.env.invalidate_all()
        self.assertEqual(document.state, "obsolete")

    def test_revisions_over_rpc(self):
        document = self._effective()
        wizard_id = self._rpc(
            self.author, "svcms.document.new.revision", "create", {"document_id": document.id, "change_summary": "RPC"}
        )
        action = self._rpc(self.author, "svcms.document.new.revision", "action_create_revision", [wizard_id])
        revision = self.env["svcms.document"].browse(action["res_id"])
        self.assertEqual((revision.previous_revision_id, revision.author_id), (document, self.author))
        self.assertEqual(revision.sudo().reader_employee_ids, self.reader)
        other = self._document()
        for vals in ({"previous_revision_id": other.id}, {"origin_id": other.id}, {"previous_revision_id": False}):
            self._refused(self.manager, "svcms.document", "write", revision.ids, vals)
        self.assertEqual((revision.previous_revision_id, revision.origin_id), (document, document))

    def test_evidence_over_rpc(self):
        document = self._document()
        attachment_id = self._rpc(
            self.author,
            "ir.attachment",
            "create",
            {
                "name": "minutes.txt",
                "datas": base64.b64encode(b"minutes").decode(),
                "res_model": "svcms.document",
                "res_id": document.id,
            },
        )
        self.env.cr.precommit.run()
        self._effective(document)
        document.with_user(self.author).action_review_no_change()
        self.env.cr.precommit.run()  # tracking values are written when the transaction commits
        self.env.invalidate_all()
        tracked = document.sudo().message_ids.filtered("tracking_value_ids")
        self.assertTrue(tracked)
        review = document.review_ids

        self.assertIn("part of the record", self._refused(self.author, "ir.attachment", "unlink", [attachment_id]))
        self._refused(self.author, "ir.attachment", "write", [attachment_id], {"name": "other.txt"})
        self._refused(self.author, "mail.message", "unlink", tracked.ids)
        self._refused(self.author, "mail.message", "write", tracked[:1].ids, {"body": "<p>rewritten</p>"})
        self._refused(self.author, "mail.tracking.value", "unlink", tracked.tracking_value_ids.ids)
        self._refused(self.author, "svcms.document.review", "write", review.ids, {"result": "withdraw"})
        self._refused(self.manager, "svcms.document.review", "unlink", review.ids)
        self.assertTrue(self.env["ir.attachment"].browse(attachment_id).exists())
        self.assertEqual(self.env["ir.attachment"].browse(attachment_id).name, "minutes.txt")
        self.assertTrue(tracked.exists() and tracked.tracking_value_ids.exists())
        self.assertEqual((review.result, review.exists()), ("no_change", review))
        # the reader's confirmation and the controlled copies: only their own steps
        line = document.acknowledgement_ids
        self._refused(self.manager, "svcms.document.acknowledgement", "write", line.ids, {"state": "confirmed"})
        self.assertEqual(line.state, "pending")
        self.assertIs(self._rpc(self.reader_user, "svcms.document.acknowledgement", "action_confirm", line.ids), True)
        self._refused(self.manager, "svcms.document.acknowledgement", "unlink", line.ids)
        self._refused(self.manager, "svcms.document.acknowledgement", "write", line.ids, {"state": "pending"})
        copy_id = self._rpc(
            self.author,
            "svcms.document.copy",
            "create",
            {"document_id": document.id, "holder_employee_id": self.reader.id},
        )
        self.assertIs(self._rpc(self.author, "svcms.document.copy", "action_withdraw", [copy_id]), True)
        self._refused(self.author, "svcms.document.copy", "write", [copy_id], {"state": "issued"})
        self._refused(self.manager, "svcms.document.copy", "unlink", [copy_id])
        self.env.invalidate_all()
        self.assertEqual(
            (line.state, self.env["svcms.document.copy"].browse(copy_id).state), ("confirmed", "withdrawn")
        )
        # readers still ask questions
        message_id = self._rpc(self.reader_user, "svcms.document", "message_post", document.ids, body="A question")
        self.assertTrue(self.env["mail.message"].browse(message_id).exists())

    def test_training_plan_and_evaluation_over_rpc(self):
        department = self.env["hr.department"].create({"name": "RPC department"})
        course = self.env["svcms.training.course"].create({"name": "RPC course", "code": "RPC-C"})
        plan_id = self._rpc(
            self.hr_manager,
            "svcms.training.plan",
            "create",
            {"department_id": department.id, "line_ids": [(0, 0, {"course_id": course.id})]},
        )
        plan = self.env["svcms.training.plan"].browse(plan_id)
        self._refused(self.hr_manager, "svcms.training.plan", "write", [plan_id], {"state": "approved"})
        self._refused(self.hr_manager, "svcms.training.plan", "write", [plan_id], {"approved_by_id": self.manager.id})
        self.assertEqual(plan.state, "draft")
        self.assertIs(self._rpc(self.hr_manager, "svcms.training.plan", "action_approve", [plan_id]), True)
        self._refused(self.hr_manager, "svcms.training.plan", "write", [plan_id], {"year": 2001})
        self._refused(self.hr_manager, "svcms.training.plan", "unlink", [plan_id])
        self._refused(self.hr_manager, "svcms.training.plan.line", "unlink", plan.line_ids.ids)
        # archived instead (action_archive() returns None, which XML-RPC cannot carry: write it)
        self.assertIs(self._rpc(self.hr_manager, "svcms.training.plan", "write", [plan_id], {"active": False}), True)
        self.env.invalidate_all()
        self.assertEqual(
            (plan.state, plan.active, plan.year, len(plan.line_ids)), ("approved", False, date.today().year, 1)
        )

        obligation = self.env["svcms.obligation"].create({"name": "RPC law"})
        evaluation_id = self._rpc(
            self.author,
            "svcms.compliance.evaluation",
            "create",
            {"obligation_id": obligation.id, "result": "compliant", "evidence": "checked"},
        )
        evaluation = self.env["svcms.compliance.evaluation"].browse(evaluation_id)
        self._refused(self.manager, "svcms.compliance.evaluation", "write", [evaluation_id], {"state": "done"})
        self.assertEqual(evaluation.state, "draft")
        self.assertIs(self._rpc(self.author, "svcms.compliance.evaluation", "action_done", [evaluation_id]), True)
        self._refused(self.manager, "svcms.compliance.evaluation", "write", [evaluation_id], {"evidence": "rewritten"})
        self._refused(self.manager, "svcms.compliance.evaluation", "unlink", [evaluation_id])
        self.env.invalidate_all()
        self.assertEqual((evaluation.state, evaluation.evidence, evaluation.exists()), ("done", "checked", evaluation))
