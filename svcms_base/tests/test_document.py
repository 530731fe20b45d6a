import re
from datetime import date

from dateutil.relativedelta import relativedelta
from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DocumentCommon

ACL_LOGGER = "odoo.addons.base.models.ir_model"
RULE_LOGGER = "odoo.addons.base.models.ir_rule"


@tagged("post_install", "-at_install")
class TestDocumentLifecycle(DocumentCommon):
    def test_numbers_follow_type_and_system(self):
        first = self._create_document()
        second = self._create_document(name="Change management procedure")
        manual = self._create_document(doc_type=self.manual_type, name="Service management manual")
        form = self._create_document(doc_type=self.form_type, name="Incident record")
        self.assertEqual(first.number, "MC-TDC-P-01")
        self.assertEqual(second.number, "MC-TDC-P-02")
        self.assertEqual(manual.number, "MC-TDC-M-01")
        self.assertEqual((first.revision, form.revision), ("A/0", "0"))
        self.assertEqual(first.display_name, "[MC-TDC-P-01 A/0] Document control procedure")

    def test_a_number_identifies_one_document(self):
        first = self._create_document()
        with self.assertRaises(ValidationError):
            self._create_document(name="Another procedure", number=first.number, revision="B/0")

    def test_workflow_records_who_and_when(self):
        document = self._create_document()
        self.env.cr.precommit.run()  # end of the creating transaction: later changes are tracked
        with freeze_time("2026-03-02 08:00:00"):
            document.with_user(self.author).action_submit()
        self.assertEqual(document.state, "review")
        self.assertEqual(document.submitted_by_id, self.author)
        reviewer_activity = document.activity_ids.filtered(lambda a: a.user_id == self.reviewer)
        self.assertTrue(reviewer_activity, "the designated reviewer is asked to review")
        with freeze_time("2026-03-03 09:30:00"):
            document.with_user(self.reviewer).action_mark_reviewed()
        self.assertEqual((document.reviewed_by_id, str(document.reviewed_date)), (self.reviewer, "2026-03-03 09:30:00"))
        self.assertFalse(document.activity_ids.filtered(lambda a: a.user_id == self.reviewer))
        with freeze_time("2026-03-04 10:00:00"):
            document.with_user(self.approver).action_approve()
        self.assertEqual(document.state, "effective")
        self.assertEqual(document.approved_by_id, self.approver)
        self.assertEqual(str(document.approved_date), "2026-03-04 10:00:00")
        self.assertEqual(document.effective_date, date(2026, 3, 4))
        self.assertEqual(document.next_review_date, date(2027, 3, 4), "12 months after it became effective")
        self.env.cr.precommit.run()  # tracking values are written when the transaction commits
        self.env.invalidate_all()
        self.assertIn("Effective", document.sudo().message_ids.tracking_value_ids.mapped("new_value_char"))

    def test_author_cannot_approve_own_draft(self):
        author_approver = new_test_user(
            self.env, login="doc_author_approver", groups="svcms_base.group_svcms_document_approver"
        )
        document = self._create_document(user=author_approver)
        document.with_user(author_approver).action_submit()
        document.with_user(self.reviewer).action_mark_reviewed()
        with self.assertRaisesRegex(UserError, "Separation of duties: you are the Author"):
            document.with_user(author_approver).action_approve()
        self.assertEqual(document.state, "review")

    def test_only_approvers_approve(self):
        document = self._create_document()
        document.with_user(self.author).action_submit()
        document.with_user(self.reviewer).action_mark_reviewed()
        with self.assertRaises(AccessError):
            document.with_user(self.reviewer).action_approve()
        self.assertEqual(document.state, "review")

    def test_review_rules(self):
        document = self._create_document()
        document.with_user(self.author).action_submit()
        with self.assertRaisesRegex(UserError, "must be reviewed before"):
            document.with_user(self.approver).action_approve()
        with self.assertRaisesRegex(UserError, "Separation of duties: you are the Author"):
            document.with_user(self.author).action_mark_reviewed()
        with self.assertRaisesRegex(UserError, "designated reviewers"):
            document.with_user(self.manager).action_mark_reviewed()
        designated = self._create_document(approver_id=self.manager.id)
        self.manager.group_ids |= self.env.ref("svcms_base.group_svcms_document_approver")
        designated.with_user(self.author).action_submit()
        designated.with_user(self.reviewer).action_mark_reviewed()
        with self.assertRaisesRegex(UserError, "to be approved by"):
            designated.with_user(self.approver).action_approve()
        designated.with_user(self.manager).action_approve()
        self.assertEqual(designated.approved_by_id, self.manager)

    def test_back_to_draft_clears_review(self):
        document = self._create_document()
        document.with_user(self.author).action_submit()
        document.with_user(self.reviewer).action_mark_reviewed()
        document.with_user(self.author).action_reset_draft()
        self.assertEqual(document.state, "draft")
        self.assertFalse(document.reviewed_by_id)

    def test_status_cannot_be_forced(self):
        document = self._create_document()
        with self.assertRaisesRegex(UserError, "workflow"):
            document.with_user(self.author).write({"state": "effective"})
        with self.assertRaisesRegex(UserError, "workflow"):
            document.with_user(self.manager).write({"approved_by_id": self.manager.id})
        with self.assertRaisesRegex(UserError, "workflow"):
            self._create_document(state="effective")
        self.assertEqual(document.state, "draft")

    def test_effective_revision_is_immutable(self):
        document = self._approve(self._create_document())
        for vals in (
            {"name": "Renamed"},
            {"body": "<p>Quietly changed</p>"},
            {"number": "MC-TDC-P-99"},
            {"revision": "Z/9"},
            {"document_type_id": self.manual_type.id},
            {"clause_ids": [Command.link(self.clause.id)]},
            {"change_summary": "rewritten history"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "new revision"):
                document.with_user(self.manager).write(vals)
        with self.assertRaisesRegex(UserError, "new revision"):
            document.sudo().write({"body": "<p>Even as superuser</p>"})
        with self.assertRaisesRegex(UserError, "new revision"):
            document.with_user(self.manager).update_field_translations("name", {"fr_FR": "Procédure"})
        self.assertEqual(document.name, "Document control procedure")
        # what is not content may still change (a review may be brought forward)
        earlier = document.next_review_date - relativedelta(months=3)
        document.with_user(self.manager).write(
            {"next_review_date": earlier, "reader_employee_ids": [Command.link(self.reader.id)]}
        )
        self.assertEqual(document.next_review_date, earlier)
        document.with_user(self.employee_user).message_post(body="Question about step 3")

    def test_obsolete_needs_approver(self):
        document = self._approve(self._create_document())
        with self.assertRaises(AccessError):
            document.with_user(self.author).action_obsolete()
        document.with_user(self.approver).action_obsolete()
        self.assertEqual(document.state, "obsolete")
        self.assertTrue(document.obsolete_date)
        self.assertFalse(document.next_review_date)
        with self.assertRaisesRegex(UserError, "new revision"):
            document.with_user(self.manager).write({"name": "Changed"})


@tagged("post_install", "-at_install")
class TestDocumentRevision(DocumentCommon):
    def test_new_revision_supersedes_previous(self):
        first = self._approve(self._create_document())
        action = first.with_user(self.author).action_new_revision()
        self.assertEqual(action["res_model"], "svcms.document.new.revision")
        second = self._new_revision(first, summary="Added electronic approval")
        self.assertEqual((second.number, second.revision, second.state), (first.number, "A/1", "draft"))
        self.assertEqual(second.previous_revision_id, first)
        self.assertEqual(second.origin_id, first)
        self.assertEqual(second.body, first.body)
        self.assertEqual(second.change_summary, "Added electronic approval")
        self.assertEqual(second.author_id, self.author)
        with self.assertRaisesRegex(UserError, "already in preparation"):
            self._new_revision(first)
        # a revision is prepared through New Revision only: its link to the previous one is not for the taking
        with self.assertRaisesRegex(UserError, "Previous Revision change only through the workflow"):
            self._create_document(previous_revision_id=first.id, revision="Z/0")
        with self.assertRaisesRegex(ValidationError, "keeps the number"), self.cr.savepoint():
            second.with_user(self.author).write({"number": "MC-TDC-P-77"})
        second.invalidate_recordset()
        self.assertEqual(first.state, "effective", "the previous revision stays in force until the new one is approved")

        second.with_user(self.author).write({"body": "<p>Documents are approved in SVCMS.</p>"})
        self._approve(second)
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.superseded_by_id, second)
        self.assertTrue(first.superseded_date)
        self.assertFalse(first.next_review_date)
        for revision in (first, second):
            self.assertEqual(revision.revision_ids, first | second, "every revision shows the whole history")
        self.assertEqual(second.revision_ids.mapped("change_summary"), [False, "Added electronic approval"])

        third = self._new_revision(second, major=True, summary="Restructured")
        self.assertEqual(third.revision, "B/0")
        self.assertEqual(third.number, first.number)

    def test_new_revision_needs_a_summary_and_an_effective_revision(self):
        draft = self._create_document()
        with self.assertRaises(UserError):
            draft.with_user(self.author).action_new_revision()
        effective = self._approve(self._create_document(name="Effective one"))
        revision = effective._create_new_revision(change_summary="")
        with self.assertRaisesRegex(UserError, "Describe what changed"):
            revision.with_user(self.author).action_submit()

    def test_revision_schemes(self):
        procedure = self.procedure_type
        self.assertEqual(procedure._next_revision("A/0"), "A/1")
        self.assertEqual(procedure._next_revision("A/1", major=True), "B/0")
        self.assertEqual(procedure._next_revision("Z/3", major=True), "AA/0")
        self.assertEqual(self.form_type._next_revision("4"), "5")
        self.assertEqual(self.form_type._next_revision("4", major=True), "5")
        with self.assertRaises(UserError):
            procedure._next_revision("rev one")
        form = self._approve(self._create_document(doc_type=self.form_type, name="Incident record"))
        self.assertEqual(self._new_revision(form).revision, "1")

    def test_only_drafts_are_deleted_by_managers(self):
        draft = self._create_document()
        effective = self._approve(self._create_document(name="Effective one"))
        with self.assertRaises(AccessError), mute_logger(ACL_LOGGER):
            draft.with_user(self.author).unlink()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            effective.with_user(self.manager).unlink()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())


@tagged("post_install", "-at_install")
class TestDocumentCopies(DocumentCommon):
    def _render(self, report, records):
        html = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)[0]
        return lxml_html.fromstring(html)

    def _cell(self, page, css_class):
        return page.xpath(f"string(//td[contains(concat(' ', @class, ' '), ' {css_class} ')])").strip()

    def test_copies_are_numbered_per_revision_and_only_from_effective(self):
        draft = self._create_document()
        with self.assertRaisesRegex(UserError, "effective revisions only"):
            self.env["svcms.document.copy"].with_user(self.author).create(
                {"document_id": draft.id, "holder_department_id": self.department.id}
            )
        document = self._approve(self._create_document(name="Effective one"))
        copies = (
            self.env["svcms.document.copy"]
            .with_user(self.author)
            .create(
                [
                    {"document_id": document.id, "holder_employee_id": self.reader.id},
                    {"document_id": document.id, "holder_department_id": self.department.id},
                ]
            )
        )
        self.assertEqual(copies.mapped("name"), ["01", "02"])
        third = self.env["svcms.document.copy"].create(
            {"document_id": document.id, "holder_employee_id": self.reader.id}
        )
        self.assertEqual(third.name, "03")
        self.assertEqual(document.copy_count, 3)
        with self.assertRaises(ValidationError):
            self.env["svcms.document.copy"].create({"document_id": document.id})

    def test_supersede_withdraws_copies_and_notifies_holders(self):
        document = self._approve(self._create_document())
        copy = (
            self.env["svcms.document.copy"]
            .with_user(self.author)
            .create(
                {"document_id": document.id, "holder_employee_id": self.reader.id, "location": "Service desk shelf"}
            )
        )
        self.assertEqual(copy.holder_user_id, self.employee_user)
        self._approve(self._new_revision(document))
        self.assertEqual(copy.state, "withdrawn")
        self.assertTrue(copy.withdrawn_date)
        activity = copy.activity_ids
        self.assertEqual(activity.user_id, self.employee_user, "the holder is asked to return the copy")
        self.assertIn(self.employee_user.partner_id, copy.message_ids.partner_ids)
        # in the language of the company (the readers of the document's chatter)
        withdrawn = document._svcms_for_company().env._("Controlled copies withdrawn: %s", "")
        self.assertTrue(
            any(withdrawn in (message.body or "") for message in document.message_ids),
            "the document's chatter records the withdrawal",
        )
        # the holder sees their copy and the activity on it
        self.assertEqual(copy.with_user(self.employee_user).state, "withdrawn")

    def test_obsolete_withdraws_copies(self):
        document = self._approve(self._create_document())
        copy = self.env["svcms.document.copy"].create(
            {"document_id": document.id, "holder_department_id": self.department.id}
        )
        document.with_user(self.approver).action_obsolete()
        self.assertEqual(copy.state, "withdrawn")

    def test_return_copy(self):
        document = self._approve(self._create_document())
        copy = self.env["svcms.document.copy"].create(
            {"document_id": document.id, "holder_employee_id": self.reader.id}
        )
        copy.with_user(self.author).action_return()
        self.assertEqual(copy.state, "returned")
        self.assertTrue(copy.return_date)
        with self.assertRaises(UserError):
            copy.action_withdraw()

    def test_printout_is_controlled_only_for_an_issued_copy(self):
        with freeze_time("2026-05-06 10:00:00"):
            document = self._approve(self._create_document())
        copy = self.env["svcms.document.copy"].create(
            {"document_id": document.id, "holder_employee_id": self.reader.id}
        )

        page = self._render("svcms_base.action_report_document", document)
        self.assertEqual(page.xpath("//*[@data-status]/@data-status"), ["uncontrolled"])
        self.assertEqual(self._cell(page, "svcms_document_number"), "MC-TDC-P-01")
        self.assertEqual(self._cell(page, "svcms_document_revision"), "A/0")
        effective_date = re.sub(r"\D", "", self._cell(page, "svcms_document_effective_date"))
        self.assertIn(effective_date, ("20260506", "05062026"), "printed in the language's date format")

        page = self._render("svcms_base.action_report_document_copy", copy)
        self.assertEqual(page.xpath("//*[@data-status]/@data-status"), ["controlled"])
        self.assertIn("Reader One", page.text_content())

        copy.action_withdraw()
        page = self._render("svcms_base.action_report_document_copy", copy)
        self.assertEqual(page.xpath("//*[@data-status]/@data-status"), ["uncontrolled"])


@tagged("post_install", "-at_install")
class TestDocumentAcknowledgement(DocumentCommon):
    def _read_activities(self, document, user):
        read_type = self.env.ref("svcms_base.mail_activity_document_read")
        return document.activity_ids.filtered(lambda a: a.user_id == user and a.activity_type_id == read_type)

    def test_readers_are_asked_and_asked_again_on_new_revision(self):
        document = self._create_document(reader_department_ids=[Command.set(self.department.ids)])
        self.assertEqual(document.required_reader_ids, self.reader | self.reader_without_user)
        self.assertFalse(document.acknowledgement_ids, "nobody reads a draft")
        self._approve(document)
        line = document.acknowledgement_ids
        self.assertEqual(line.employee_id, self.reader, "only readers with a user can confirm")
        self.assertEqual(line.state, "pending")
        self.assertEqual(len(self._read_activities(document, self.employee_user)), 1)
        self.assertEqual(document.acknowledgement_pending_count, 1)

        self.assertTrue(document.with_user(self.employee_user).is_pending_reader)
        document.with_user(self.employee_user).action_confirm_read()
        self.assertEqual(line.state, "confirmed")
        self.assertTrue(line.confirmed_date)
        self.assertFalse(self._read_activities(document, self.employee_user), "the activity is done")
        self.assertEqual(document.acknowledgement_pending_count, 0)
        with self.assertRaisesRegex(UserError, "no pending read confirmation"):
            document.with_user(self.employee_user).action_confirm_read()

        second = self._approve(self._new_revision(document))
        new_line = second.acknowledgement_ids
        self.assertEqual((new_line.employee_id, new_line.state), (self.reader, "pending"), "asked again")
        self.assertEqual(line.state, "confirmed", "the confirmation of the previous revision is kept")
        self.assertEqual(len(self._read_activities(second, self.employee_user)), 1)

    def test_pending_lines_are_cancelled_when_revision_leaves_force(self):
        document = self._approve(self._create_document(reader_employee_ids=[Command.set(self.reader.ids)]))
        line = document.acknowledgement_ids
        self._approve(self._new_revision(document))
        self.assertEqual(line.state, "cancelled")
        self.assertFalse(self._read_activities(document, self.employee_user))

    def test_readers_added_later_are_asked(self):
        document = self._approve(self._create_document())
        self.assertFalse(document.acknowledgement_ids)
        document.with_user(self.manager).write({"reader_employee_ids": [Command.link(self.reader.id)]})
        self.assertEqual(document.acknowledgement_ids.employee_id, self.reader)
        job = self.env["hr.job"].create({"name": "Service desk agent"})
        self.outsider.job_id = job
        document.with_user(self.manager).write({"reader_job_ids": [Command.link(job.id)]})
        self.assertEqual(document.acknowledgement_ids.employee_id, self.reader | self.outsider)

    def test_nobody_confirms_for_someone_else(self):
        document = self._approve(self._create_document(reader_employee_ids=[Command.set(self.reader.ids)]))
        line = document.acknowledgement_ids
        with self.assertRaisesRegex(UserError, "Only Reader One"):
            line.with_user(self.manager).action_confirm()
        line.with_user(self.employee_user).action_confirm()
        self.assertEqual(line.state, "confirmed")

    def test_employees_see_only_effective_documents_they_read(self):
        read = self._approve(self._create_document(reader_employee_ids=[Command.set(self.reader.ids)]))
        not_mine = self._approve(self._create_document(name="Not for the service desk"))
        draft = self._create_document(name="Draft", reader_employee_ids=[Command.set(self.reader.ids)])
        documents = self.env["svcms.document"].with_user(self.employee_user)
        self.assertEqual(documents.search([("management_system_id", "=", self.system.id)]), read)
        with self.assertRaises(AccessError), mute_logger(RULE_LOGGER):
            not_mine.with_user(self.employee_user).read(["name"])
        with self.assertRaises(AccessError), mute_logger(RULE_LOGGER):
            draft.with_user(self.employee_user).read(["name"])
        with self.assertRaises(AccessError), mute_logger(ACL_LOGGER):
            read.with_user(self.employee_user).write({"reader_employee_ids": [Command.clear()]})
        with self.assertRaises(AccessError), mute_logger(ACL_LOGGER):
            self._create_document(user=self.employee_user)
        # the reader opens the document from the activity and confirms there
        form = Form(read.with_user(self.employee_user))
        self.assertEqual(form.name, "Document control procedure")
        # other readers' confirmations stay private
        lines = self.env["svcms.document.acknowledgement"].with_user(self.other_employee_user).search([])
        self.assertFalse(lines)
        self.assertEqual(
            self.env["svcms.document.acknowledgement"].with_user(self.employee_user).search([]).document_id, read
        )
        # SMS users see who has not confirmed
        self.assertEqual(
            self.env["svcms.document.acknowledgement"]
            .with_user(self.author)
            .search([("document_id", "=", read.id), ("state", "=", "pending")])
            .employee_id,
            self.reader,
        )


@tagged("post_install", "-at_install")
class TestDocumentPeriodicReview(DocumentCommon):
    def _review_activities(self, document):
        review_type = self.env.ref("svcms_base.mail_activity_document_periodic_review")
        return document.activity_ids.filtered(lambda a: a.activity_type_id == review_type)

    def test_cron_schedules_one_review_activity_before_due(self):
        with freeze_time("2026-01-10"):
            document = self._approve(self._create_document())
        self.assertEqual(document.next_review_date, date(2027, 1, 10))
        self.assertEqual(document.review_reminder_date, date(2026, 12, 11), "30 days of notice by default")
        documents = self.env["svcms.document"]
        with freeze_time("2026-12-01"):
            documents._cron_schedule_periodic_reviews()
        self.assertFalse(self._review_activities(document), "too early")
        with freeze_time("2026-12-12"):
            documents._cron_schedule_periodic_reviews()
            documents._cron_schedule_periodic_reviews()
        with freeze_time("2026-12-13"):
            documents._cron_schedule_periodic_reviews()
        activity = self._review_activities(document)
        self.assertEqual(len(activity), 1, "one activity, not one a day")
        self.assertEqual(activity.user_id, self.author)
        self.assertEqual(activity.date_deadline, date(2027, 1, 10))

        with freeze_time("2026-12-20"):
            document.with_user(self.author).action_review_no_change()
        review = document.review_ids
        self.assertEqual(
            (review.result, review.reviewer_id, review.review_date), ("no_change", self.author, date(2026, 12, 20))
        )
        self.assertEqual(document.next_review_date, date(2027, 12, 20))
        self.assertEqual(review.next_review_date, date(2027, 12, 20))
        self.assertFalse(self._review_activities(document), "the review activity is done")
        with freeze_time("2026-12-21"):
            documents._cron_schedule_periodic_reviews()
        self.assertFalse(self._review_activities(document))

    def test_cron_job_runs(self):
        document = self._approve(self._create_document())
        document.with_user(self.manager).write({"next_review_date": date.today()})
        with self.enter_registry_test_mode():
            self.env.ref("svcms_base.ir_cron_document_periodic_review").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(len(self._review_activities(document)), 1)
        self.assertTrue(document.review_reminder_sent)

    def test_cron_works_in_batches(self):
        # years before any demo document, so that only these three are due
        with freeze_time("2020-01-01"):
            documents = self.env["svcms.document"]
            for index in range(3):
                documents |= self._approve(self._create_document(name=f"Procedure {index}"))
        with freeze_time("2020-12-20"):
            self.env["svcms.document"]._cron_schedule_periodic_reviews(batch_size=2)
            self.assertEqual(len(documents.filtered("review_reminder_sent")), 2)
            self.env["svcms.document"]._cron_schedule_periodic_reviews(batch_size=2)
        self.assertTrue(all(documents.mapped("review_reminder_sent")))

    def test_only_owner_author_approver_or_manager_reviews(self):
        document = self._approve(self._create_document())
        with self.assertRaises(AccessError):
            document.with_user(self.reviewer).action_review_no_change()
        with self.assertRaises(AccessError), mute_logger(ACL_LOGGER):
            document.with_user(self.employee_user).action_review_no_change()
        document.with_user(self.approver).action_review_no_change()
        self.assertEqual(len(document.review_ids), 1)
        draft = self._create_document(name="Draft")
        with self.assertRaisesRegex(UserError, "needs it to be Effective"):
            draft.with_user(self.manager).action_review_no_change()


@tagged("post_install", "-at_install")
class TestDocumentSecurity(DocumentCommon):
    def test_users_edit_drafts_not_others_effective_documents(self):
        draft = self._create_document()
        draft.with_user(self.reviewer).write({"body": "<p>Typo fixed by a colleague</p>"})
        effective = self._approve(self._create_document(name="Effective one"))
        with self.assertRaises(AccessError), mute_logger(RULE_LOGGER):
            effective.with_user(self.reviewer).write({"review_interval_months": 6})
        effective.with_user(self.author).write({"review_interval_months": 6})
        self.assertEqual(effective.review_interval_months, 6)

    def test_only_managers_configure_types(self):
        with self.assertRaises(AccessError), mute_logger(ACL_LOGGER):
            self.env["svcms.document.type"].with_user(self.author).create(
                {"name": "Policy", "code": "manual", "prefix": "X"}
            )
        doc_type = (
            self.env["svcms.document.type"]
            .with_user(self.manager)
            .create({"name": "Policy", "code": "manual", "prefix": "X", "revision_scheme": "number"})
        )
        self.assertEqual(doc_type._first_revision(), "0")

    def test_other_company_documents_are_invisible(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["svcms.document"].create(
            {"name": "Foreign procedure", "document_type_id": self.procedure_type.id, "company_id": other.id}
        )
        self.assertEqual(foreign.number, "MC-P-01")
        foreign.write({"state": "effective"})  # as superuser, like imported legacy documents
        foreign_employee = self.env["hr.employee"].create({"name": "Foreign reader", "company_id": other.id})
        self.env["svcms.document.copy"].create({"document_id": foreign.id, "holder_employee_id": foreign_employee.id})
        self.env["svcms.document.acknowledgement"].create(
            {"document_id": foreign.id, "employee_id": foreign_employee.id}
        )
        for model in ("svcms.document", "svcms.document.copy", "svcms.document.acknowledgement"):
            self.assertTrue(self.env[model].search([("company_id", "=", other.id)]))
            self.assertFalse(self.env[model].with_user(self.manager).search([("company_id", "=", other.id)]))
        with self.assertRaises(AccessError), mute_logger(RULE_LOGGER):
            foreign.with_user(self.manager).read(["name"])

    def test_plain_employees_cannot_issue_copies_or_review(self):
        document = self._approve(self._create_document())
        with self.assertRaises(AccessError), mute_logger(ACL_LOGGER):
            self.env["svcms.document.copy"].with_user(self.employee_user).create(
                {"document_id": document.id, "holder_employee_id": self.reader.id}
            )
        with self.assertRaises(AccessError), mute_logger(ACL_LOGGER):
            self.env["svcms.document.review"].with_user(self.employee_user).create({"document_id": document.id})


@tagged("post_install", "-at_install")
class TestDocumentPerformance(DocumentCommon):
    def _count_queries(self, records, field_names):
        records.with_user(self.author).search_read([("id", "in", records.ids)], field_names)  # warm caches
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        records.with_user(self.author).search_read([("id", "in", records.ids)], field_names)
        return self.cr.sql_log_count - before

    def test_listing_costs_the_same_for_10_or_100_documents(self):
        types = [self.procedure_type, self.manual_type, self.form_type]
        documents = self.env["svcms.document"].create(
            [
                {
                    "name": f"Procedure {index}",
                    "document_type_id": types[index % 3].id,
                    "management_system_id": self.system.id,
                    "department_id": self.department.id,
                    "reader_department_ids": [Command.set(self.department.ids)],
                }
                for index in range(100)
            ]
        )
        list_fields = list(
            self.env["svcms.document"].get_views([(False, "list")])["models"]["svcms.document"]["fields"]
        )
        form_computes = [
            "revision_ids",
            "required_reader_ids",
            "acknowledgement_count",
            "acknowledgement_pending_count",
            "copy_count",
            "review_count",
            "is_pending_reader",
        ]
        for field_names in (list_fields, form_computes):
            with self.subTest(fields=field_names):
                ten = self._count_queries(documents[:10], field_names)
                hundred = self._count_queries(documents, field_names)
                self.assertEqual(ten, hundred)
                self.env.invalidate_all()
                with self.assertQueryCount(ten):
                    documents.with_user(self.author).search_read([("id", "in", documents.ids)], field_names)


@tagged("post_install", "-at_install")
class TestDocumentUi(HttpCase):
    def test_document_workflow_in_browser(self):
        author = new_test_user(self.env, login="tour_doc_author", groups="svcms_base.group_svcms_user")
        reviewer = new_test_user(self.env, login="tour_doc_reviewer", groups="svcms_base.group_svcms_user")
        approver = new_test_user(self.env, login="tour_doc_approver", groups="svcms_base.group_svcms_document_approver")
        reader_user = new_test_user(self.env, login="tour_doc_reader", groups="base.group_user")
        reader = self.env["hr.employee"].create({"name": "Tour Reader", "user_id": reader_user.id})
        self.env["svcms.management.system"].create({"name": "TOURDOC system", "code": "TDOC"})

        self.start_tour("/odoo/action-svcms_base.action_svcms_document", "svcms_base_document_tour", login=author.login)
        document = self.env["svcms.document"].search([("number", "=", "MC-TDOC-P-01")])
        self.assertEqual(
            (document.name, document.state, document.submitted_by_id), ("服务台值班程序", "review", author)
        )

        document.reader_employee_ids = reader
        document.with_user(reviewer).action_mark_reviewed()
        document.with_user(approver).action_approve()
        url = f"/odoo/action-svcms_base.action_svcms_document/{document.id}"
        self.start_tour(url, "svcms_base_document_reader_tour", login=reader_user.login)
        self.assertEqual(document.acknowledgement_ids.state, "confirmed")

        self.start_tour(url, "svcms_base_document_revision_tour", login=author.login)
        revision = self.env["svcms.document"].search([("previous_revision_id", "=", document.id)])
        self.assertEqual((revision.number, revision.revision, revision.state), ("MC-TDOC-P-01", "B/0", "draft"))
        self.assertEqual(revision.change_summary, "值班交接增加未关闭工单核对")
