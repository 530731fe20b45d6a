import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from .cron_failure_mixin import take_for_cron
from .workflow_mixin import Transition

_logger = logging.getLogger(__name__)

DOCUMENT_STATES = [
    ("draft", "Draft"),
    ("review", "In Review"),
    ("effective", "Effective"),
    ("superseded", "Superseded"),
    ("obsolete", "Obsolete"),
]
# Revisions in these states are the record of what was in force: their content never changes again.
LOCKED_STATES = ("effective", "superseded", "obsolete")
# What a revision says: frozen once the revision is approved. Changes go through a new revision.
CONTENT_FIELDS = (
    "name",
    "number",
    "revision",
    "document_type_id",
    "management_system_id",
    "company_id",
    "body",
    "clause_ids",
    "process_ids",
    "department_id",
    "reviewer_ids",
    "approver_id",
    "change_summary",
    "promulgation",
    "section_ids",
)
READER_FIELDS = ("reader_department_ids", "reader_job_ids", "reader_employee_ids")
USER_GROUP = "svcms_base.group_svcms_user"
APPROVER_GROUP = "svcms_base.group_svcms_document_approver"
MANAGER_GROUP = "svcms_base.group_svcms_manager"
ACTIVITY_REVIEW_REQUEST = "svcms_base.mail_activity_document_review_request"
ACTIVITY_APPROVAL_REQUEST = "svcms_base.mail_activity_document_approval_request"
ACTIVITY_PERIODIC_REVIEW = "svcms_base.mail_activity_document_periodic_review"
ACTIVITY_READ = "svcms_base.mail_activity_document_read"


class SvcmsDocument(models.Model):
    """One revision of a controlled document (manual, procedure, instruction, form, external).

    Its status and approval trail move only through the declared transitions of
    ``svcms.workflow.mixin``: author, submitter, reviewer and approver are four roles, and with
    separation of duties (on by default) nobody reviews what they wrote or submitted, nor approves
    what they wrote, submitted or reviewed.
    """

    _name = "svcms.document"
    _description = "Controlled Document"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.workflow.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.5", "7.5.1", "7.5.2", "7.5.3"), "gbt27922": ("1.4.2",)}
    _svcms_evidence_date_field = "effective_date"
    _svcms_evidence_domain = [("state", "in", ("effective", "superseded", "obsolete"))]
    _svcms_evidence_system_field = "management_system_id"
    _order = "number, id desc"
    _check_company_auto = True
    _rec_names_search = ["number", "name"]
    # Readers may comment on (ask about) the revisions they read; editing stays restricted.
    _mail_post_access = "read"

    _svcms_transitions = {
        "submit": Transition(
            ("draft",),
            "review",
            "submitted_by_id",
            "submitted_date",
            USER_GROUP,
            schedule=(ACTIVITY_REVIEW_REQUEST, "reviewer_ids"),
        ),
        "mark_reviewed": Transition(
            ("review",),
            None,
            "reviewed_by_id",
            "reviewed_date",
            USER_GROUP,
            ("author_id", "submitted_by_id"),
            schedule=(ACTIVITY_APPROVAL_REQUEST, "approver_id"),
            done=(ACTIVITY_REVIEW_REQUEST,),
        ),
        "approve": Transition(
            ("review",),
            "effective",
            "approved_by_id",
            "approved_date",
            APPROVER_GROUP,
            ("author_id", "submitted_by_id", "reviewed_by_id"),
            done=(ACTIVITY_REVIEW_REQUEST, ACTIVITY_APPROVAL_REQUEST),
        ),
        "reset_draft": Transition(("review",), "draft", group=USER_GROUP),
        "obsolete": Transition(
            ("effective",), "obsolete", date_field="obsolete_date", group=f"{APPROVER_GROUP},{MANAGER_GROUP}"
        ),
        # done by the approval of the next revision
        "supersede": Transition(("effective",), "superseded", date_field="superseded_date", group=APPROVER_GROUP),
        # the revision stays as it is: a new draft revision starts from it
        "new_revision": Transition(("effective",), group=USER_GROUP),
        # "still adequate": restarts the review interval
        "review_periodically": Transition(("effective",)),
        "request_acknowledgements": Transition(("effective",), group=USER_GROUP),
    }
    _svcms_workflow_fields = (
        "effective_date",
        "superseded_by_id",
        # which revisions a supersede touches: set when the revision is prepared, never rewritten
        "previous_revision_id",
        "origin_id",
        "last_review_date",
        "review_reminder_sent",
        "review_reminder_failure_count",
        "review_reminder_failed_date",
        "manual_annex_snapshot",
    )
    _svcms_creator_fields = ("author_id",)
    _svcms_frozen_fields = CONTENT_FIELDS
    _svcms_editable_states = ("draft", "review")
    _svcms_deletable_states = ("draft",)
    _svcms_separation_default = True
    _svcms_lock_chatter = True

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    number = fields.Char(
        index=True,
        copy=False,
        tracking=True,
        help="Document number, kept by every revision. Left empty, it is drawn from the numbering of the type "
        "and management system, e.g. MC-SM-P-07.",
    )
    revision = fields.Char(copy=False, tracking=True, index=True, help="Revision code, e.g. A/0, A/1, B/0.")
    document_type_id = fields.Many2one(
        "svcms.document.type", required=True, string="Type", tracking=True, index=True, check_company=True
    )
    document_type_code = fields.Selection(
        related="document_type_id.code", store=True, index=True, string="Document Kind"
    )
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    body = fields.Html()
    clause_ids = fields.Many2many("svcms.clause", string="Clauses Covered")
    process_ids = fields.Many2many(
        "svcms.process",
        "svcms_document_svcms_process_rel",
        "svcms_document_id",
        "svcms_process_id",
        string="Processes",
        check_company=True,
    )
    state = fields.Selection(
        DOCUMENT_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True
    )
    department_id = fields.Many2one("hr.department", string="Owner Department", tracking=True, check_company=True)
    author_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        tracking=True,
        index=True,
        help="Whoever prepared this revision: set when it is created, never rewritten.",
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Document Owner",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        help="Keeps the document current: receives the periodic review activities.",
    )
    reviewer_ids = fields.Many2many(
        "res.users", "svcms_document_reviewer_rel", "document_id", "user_id", string="Reviewers"
    )
    approver_id = fields.Many2one(
        "res.users",
        tracking=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref(APPROVER_GROUP).ids)],
        help="Left empty, any document approver other than the author may approve.",
    )
    change_summary = fields.Text(help="What changed in this revision and why (修订内容).")
    promulgation = fields.Html(
        string="Promulgation Order", help="Manuals: the promulgation order (发布令) signed by top management."
    )
    section_ids = fields.One2many("svcms.manual.section", "document_id", string="Sections", copy=True)

    # revisions
    origin_id = fields.Many2one(
        "svcms.document",
        string="First Revision",
        compute="_compute_origin_id",
        store=True,
        recursive=True,
        index=True,
        ondelete="set null",
    )
    previous_revision_id = fields.Many2one("svcms.document", copy=False, readonly=True, index=True, ondelete="restrict")
    superseded_by_id = fields.Many2one("svcms.document", copy=False, readonly=True)
    revision_ids = fields.Many2many(
        "svcms.document", compute="_compute_revision_ids", string="Revision History", compute_sudo=False
    )

    # approval trail
    submitted_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    submitted_date = fields.Datetime(string="Submitted On", copy=False, readonly=True)
    reviewed_by_id = fields.Many2one("res.users", copy=False, readonly=True, tracking=True)
    reviewed_date = fields.Datetime(string="Reviewed On", copy=False, readonly=True)
    approved_by_id = fields.Many2one("res.users", copy=False, readonly=True, tracking=True)
    approved_date = fields.Datetime(string="Approved On", copy=False, readonly=True)
    effective_date = fields.Date(copy=False, readonly=True, tracking=True, index=True)
    superseded_date = fields.Date(copy=False, readonly=True)
    obsolete_date = fields.Date(copy=False, readonly=True)

    # periodic review
    review_interval_months = fields.Integer(
        string="Review Interval (Months)",
        compute="_compute_review_interval_months",
        store=True,
        readonly=False,
        precompute=True,
        help="Taken from the document type. 0 (no periodic review) only where the type asks for none.",
    )
    last_review_date = fields.Date(copy=False, readonly=True)
    next_review_date = fields.Date(
        compute="_compute_next_review_date", store=True, readonly=False, copy=False, index=True, tracking=True
    )
    review_reminder_date = fields.Date(compute="_compute_review_reminder_date", store=True, index=True)
    review_reminder_sent = fields.Boolean(compute="_compute_review_reminder_sent", store=True, copy=False)
    review_reminder_failure_count = fields.Integer(
        string="Failed Review Reminders",
        readonly=True,
        copy=False,
        help="Times the scheduled action could not give this document its periodic review activity.",
    )
    review_reminder_failed_date = fields.Date(string="Last Failed Reminder", readonly=True, copy=False)
    review_ids = fields.One2many("svcms.document.review", "document_id", string="Periodic Reviews")
    review_count = fields.Integer(compute="_compute_review_count")

    # read-and-understood
    reader_department_ids = fields.Many2many(
        "hr.department",
        "svcms_document_reader_department_rel",
        "document_id",
        "department_id",
        string="Reader Departments",
    )
    reader_job_ids = fields.Many2many(
        "hr.job", "svcms_document_reader_job_rel", "document_id", "job_id", string="Reader Jobs"
    )
    reader_employee_ids = fields.Many2many(
        "hr.employee", "svcms_document_reader_employee_rel", "document_id", "employee_id", string="Reader Employees"
    )
    required_reader_ids = fields.Many2many(
        "hr.employee", compute="_compute_required_reader_ids", string="Required Readers", compute_sudo=True
    )
    acknowledgement_ids = fields.One2many("svcms.document.acknowledgement", "document_id", string="Acknowledgements")
    acknowledgement_count = fields.Integer(compute="_compute_acknowledgement_stats")
    acknowledgement_pending_count = fields.Integer(compute="_compute_acknowledgement_stats", string="Not Confirmed")
    is_pending_reader = fields.Boolean(compute="_compute_is_pending_reader", string="To Confirm")

    # manual annexes (procedure list, responsibility allocation, organisation chart) when approved
    manual_annex_snapshot = fields.Json(string="Annexes at Approval", readonly=True, copy=False)

    # workflow buttons
    can_submit = fields.Boolean(compute="_compute_svcms_can")
    can_mark_reviewed = fields.Boolean(compute="_compute_svcms_can")
    can_approve = fields.Boolean(compute="_compute_svcms_can")
    can_reset_draft = fields.Boolean(compute="_compute_svcms_can")
    can_obsolete = fields.Boolean(compute="_compute_svcms_can")
    can_new_revision = fields.Boolean(compute="_compute_svcms_can")
    can_review_periodically = fields.Boolean(compute="_compute_svcms_can")
    can_request_acknowledgements = fields.Boolean(compute="_compute_svcms_can")

    # controlled copies
    copy_ids = fields.One2many("svcms.document.copy", "document_id", string="Controlled Copies")
    copy_count = fields.Integer(compute="_compute_copy_count", string="Issued Copies")

    _number_revision_uniq = models.Constraint(
        "UNIQUE(number, revision, company_id)",
        "A document number and revision must be unique per company.",
    )

    # ------------------------------------------------------------------ computes

    @api.depends("previous_revision_id.origin_id")
    def _compute_origin_id(self):
        for document in self:
            previous = document.previous_revision_id
            document.origin_id = (previous.origin_id or previous) if previous else document

    def _compute_revision_ids(self):
        origins = self.origin_id.filtered("id")
        revisions = self.search([("origin_id", "in", origins.ids)], order="id") if origins else self.browse()
        by_origin = defaultdict(lambda: self.browse())
        for revision in revisions:
            by_origin[revision.origin_id.id] |= revision
        for document in self:
            document.revision_ids = by_origin.get(document.origin_id.id) or document

    @api.depends("document_type_id")
    def _compute_review_interval_months(self):
        for document in self:
            document.review_interval_months = document.document_type_id.review_interval_months

    @api.depends("state", "effective_date", "last_review_date", "review_interval_months")
    def _compute_next_review_date(self):
        for document in self:
            start = document.last_review_date or document.effective_date
            if document.state == "effective" and start and document.review_interval_months > 0:
                document.next_review_date = start + relativedelta(months=document.review_interval_months)
            else:
                document.next_review_date = False

    @api.depends("next_review_date", "document_type_id.review_notice_days")
    def _compute_review_reminder_date(self):
        for document in self:
            notice = document.document_type_id.review_notice_days
            document.review_reminder_date = document.next_review_date and document.next_review_date - timedelta(
                days=notice
            )

    @api.depends("next_review_date")
    def _compute_review_reminder_sent(self):
        # a new due date deserves a new reminder
        self.review_reminder_sent = False

    @api.depends("review_ids")
    def _compute_review_count(self):
        counts = dict(
            self.env["svcms.document.review"]._read_group(
                [("document_id", "in", self.ids)], ["document_id"], ["__count"]
            )
        )
        for document in self:
            document.review_count = counts.get(document, 0)

    @api.depends("reader_department_ids", "reader_job_ids", "reader_employee_ids", "company_id")
    def _compute_required_reader_ids(self):
        departments = self.reader_department_ids
        jobs = self.reader_job_ids
        named = self.reader_employee_ids
        employees = self.env["hr.employee"]
        if departments or jobs or named:
            # one search for the whole batch, split per document below
            employees = (
                self.env["hr.employee"]
                .sudo()
                .search(
                    [
                        "|",
                        "|",
                        ("id", "in", named.ids),
                        ("department_id", "in", departments.ids),
                        ("job_id", "in", jobs.ids),
                    ]
                )
            )
        for document in self:
            document.required_reader_ids = employees.filtered(
                lambda e, d=document: e.company_id == d.company_id
                and (
                    e in d.reader_employee_ids
                    or e.department_id in d.reader_department_ids
                    or e.job_id in d.reader_job_ids
                )
            )

    @api.depends("acknowledgement_ids.state")
    def _compute_acknowledgement_stats(self):
        groups = self.env["svcms.document.acknowledgement"]._read_group(
            [("document_id", "in", self.ids), ("state", "!=", "cancelled")], ["document_id", "state"], ["__count"]
        )
        total = defaultdict(int)
        pending = defaultdict(int)
        for document, state, count in groups:
            total[document] += count
            if state == "pending":
                pending[document] += count
        for document in self:
            document.acknowledgement_count = total[document]
            document.acknowledgement_pending_count = pending[document]

    @api.depends("acknowledgement_ids.state")
    @api.depends_context("uid")
    def _compute_is_pending_reader(self):
        pending = self.env["svcms.document.acknowledgement"].search(
            [("document_id", "in", self.ids), ("user_id", "=", self.env.uid), ("state", "=", "pending")]
        )
        for document in self:
            document.is_pending_reader = document in pending.document_id

    @api.depends("copy_ids.state")
    def _compute_copy_count(self):
        counts = dict(
            self.env["svcms.document.copy"]._read_group(
                [("document_id", "in", self.ids), ("state", "=", "issued")], ["document_id"], ["__count"]
            )
        )
        for document in self:
            document.copy_count = counts.get(document, 0)

    @api.depends("reviewed_by_id", "reviewer_ids", "approver_id", "author_id", "submitted_by_id")
    def _compute_svcms_can(self):
        return super()._compute_svcms_can()

    @api.depends("number", "revision", "name")
    def _compute_display_name(self):
        for document in self:
            reference = " ".join(part for part in (document.number, document.revision) if part)
            document.display_name = f"[{reference}] {document.name}" if reference else document.name

    # ------------------------------------------------------------------ constraints

    @api.constrains("number", "company_id", "previous_revision_id")
    def _check_number_belongs_to_one_document(self):
        for document in self.filtered("number"):
            previous = document.previous_revision_id
            if previous and previous.number != document.number:
                raise ValidationError(self.env._("A revision keeps the number of its document: %s.", previous.number))
            others = self.sudo().search(
                [
                    ("number", "=", document.number),
                    ("company_id", "=", document.company_id.id),
                    ("origin_id", "!=", document.origin_id.id),
                    ("id", "!=", document.id),
                ],
                limit=1,
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "Number %(number)s is already used by “%(title)s”: a number identifies one document, "
                        "whose revisions all share it.",
                        number=document.number,
                        title=others.name,
                    )
                )

    @api.constrains("review_interval_months", "document_type_id")
    def _check_review_interval(self):
        for document in self:
            document._check_review_interval_value(document.review_interval_months, document.document_type_id)

    def _check_review_interval_value(self, months, doc_type):
        if months < 0:
            raise ValidationError(self.env._("The review interval cannot be negative."))
        if months < 1 and doc_type.review_interval_months >= 1:
            raise ValidationError(
                self.env._(
                    "%(document)s must be reviewed periodically: its type asks for a review every %(months)s "
                    "months. The interval can be shortened or lengthened, not switched off.",
                    document=self.display_name,
                    months=doc_type.review_interval_months,
                )
            )

    def _check_review_not_silenced(self, vals):
        """The periodic review stays on: an effective revision's may be brought forward, never removed nor postponed.

        Checked before anything is written (the constraint above backs it up for every other path).
        """
        if "review_interval_months" in vals:
            doc_type = self.env["svcms.document.type"].browse(vals.get("document_type_id"))
            for document in self:
                document._check_review_interval_value(
                    vals["review_interval_months"] or 0, doc_type or document.document_type_id
                )
        if "next_review_date" not in vals:
            return
        new_date = fields.Date.to_date(vals["next_review_date"])
        for document in self.filtered(lambda d: d.state == "effective"):
            start = document.last_review_date or document.effective_date
            interval = vals.get("review_interval_months", document.review_interval_months)
            due = start and interval > 0 and start + relativedelta(months=interval)
            if due and (not new_date or new_date > due):
                raise UserError(
                    self.env._(
                        "The periodic review of %(document)s is due by %(due)s at the latest: it can be brought "
                        "forward, not removed or postponed.",
                        document=document.display_name,
                        due=fields.Date.to_string(due),
                    )
                )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")  # before numbers are drawn for a refused creation
        for vals in vals_list:
            # only the New Revision step links revisions (the mixin refuses the link to anyone else)
            previous = self.browse(vals.get("previous_revision_id") if self._svcms_in_transition() else None)
            if previous:
                # a revision is the same document: same number, type, system and company
                previous._check_new_revision_allowed()
                vals.update(
                    number=previous.number,
                    document_type_id=previous.document_type_id.id,
                    management_system_id=previous.management_system_id.id,
                    company_id=previous.company_id.id,
                )
            doc_type = self.env["svcms.document.type"].browse(vals.get("document_type_id"))
            if not doc_type:
                continue
            if not vals.get("revision"):
                vals["revision"] = (
                    doc_type._next_revision(previous.revision) if previous else doc_type._first_revision()
                )
            if not vals.get("number"):
                vals["number"] = self._next_number(
                    doc_type,
                    self.env["svcms.management.system"].browse(vals.get("management_system_id")),
                    self.env["res.company"].browse(vals.get("company_id")) or self.env.company,
                )
        # hr.employee is private to HR officers: the readers picked from the public employee directory are
        # linked as superuser, once the documents themselves passed the usual access checks
        reader_commands = [vals.pop("reader_employee_ids", None) for vals in vals_list]
        documents = super().create(vals_list)
        for document, commands in zip(documents, reader_commands, strict=True):
            if commands is not None:
                # deliberately the parent's write: this record's own write() checks do not apply here
                # pylint: disable-next=super-method-mismatch
                super(SvcmsDocument, document.sudo()).write({"reader_employee_ids": commands})
        return documents

    def write(self, vals):
        if self.env.su:
            # not even server code running as superuser rewrites an approved revision
            self._svcms_check_unlocked(vals)
        self._check_review_not_silenced(vals)
        changed = set(vals)
        vals = dict(vals)
        reader_commands = vals.pop("reader_employee_ids", None)
        result = super().write(vals)
        if reader_commands is not None:
            # see create(): hr.employee is private to HR officers
            self.check_access("write")
            super(SvcmsDocument, self.sudo()).write({"reader_employee_ids": reader_commands})
        if changed & set(READER_FIELDS):
            self.filtered(lambda d: d.state == "effective")._request_acknowledgements()
        return result

    def _svcms_check_unlocked(self, names):  # pylint: disable=missing-return; the parent returns None
        try:
            super()._svcms_check_unlocked(names)
        except UserError as error:
            raise UserError(
                self.env._("%(refusal)s Create a new revision to change it.", refusal=error.args[0])
            ) from None

    def update_field_translations(self, field_name, translations, source_lang=""):
        self._svcms_check_unlocked({field_name})
        return super().update_field_translations(field_name, translations, source_lang=source_lang)

    def copy_data(self, default=None):
        default = dict(default or {})
        vals_list = super().copy_data(default=default)
        if "name" not in default and "previous_revision_id" not in default:
            for document, vals in zip(self, vals_list, strict=True):
                vals["name"] = self.env._("%s (copy)", document.name)
        return vals_list

    def _check_can_update_message_content(self, messages):
        self._svcms_check_chatter_unlocked()
        return super()._check_can_update_message_content(messages)

    # ------------------------------------------------------------------ numbering

    @api.model
    def _number_prefix(self, doc_type, system):
        base = self.env["ir.config_parameter"].sudo().get_param("svcms_base.document_number_prefix", "MC")
        parts = [base, system.code, doc_type.prefix or doc_type.code[:1].upper()]
        return "-".join(part for part in parts if part) + "-"

    @api.model
    def _next_number(self, doc_type, system, company):
        """Next free number for this type and management system, e.g. MC-SM-P-07."""
        code = f"svcms.document.{doc_type.id}.{system.id or 0}"
        sequences = self.env["ir.sequence"].sudo()
        sequence = sequences.search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        if not sequence:
            # Two first documents of a kind at once: the second blocks on this row, then fails to serialize
            # and is retried by Odoo with a snapshot that sees the sequence the first one created.
            self.env.cr.execute(
                SQL("UPDATE svcms_document_type SET write_date = write_date WHERE id = %s", doc_type.id)
            )
            sequence = sequences.create(
                {
                    "name": self.env._(
                        "Controlled documents: %(type)s %(system)s", type=doc_type.name, system=system.code or ""
                    ),
                    "code": code,
                    "padding": 2,
                    "implementation": "no_gap",
                    "company_id": company.id,
                }
            )
        prefix = self._number_prefix(doc_type, system)
        all_documents = self.sudo().with_context(active_test=False)
        while True:
            number = prefix + sequence._next()
            # skip numbers given by hand (imported legacy documents)
            if not all_documents.search_count([("number", "=", number), ("company_id", "=", company.id)], limit=1):
                return number

    # ------------------------------------------------------------------ workflow

    def _svcms_check_transition(self, action):  # pylint: disable=missing-return; the parent returns None
        """The mixin's guard, plus who the revision designates as its reviewers and approver."""
        super()._svcms_check_transition(action)
        user = self.env.user
        for document in self:
            if action == "mark_reviewed":
                if document.reviewed_by_id:
                    raise UserError(self.env._("%s has already been reviewed.", document.display_name))
                if document.reviewer_ids and user not in document.reviewer_ids:
                    raise UserError(self.env._("Only the designated reviewers may review %s.", document.display_name))
            elif action == "approve":
                if not document.reviewed_by_id:
                    raise UserError(self.env._("%s must be reviewed before it is approved.", document.display_name))
                if document.approver_id and document.approver_id != user:
                    raise UserError(
                        self.env._(
                            "%(document)s is to be approved by %(approver)s.",
                            document=document.display_name,
                            approver=document.approver_id.name,
                        )
                    )

    def action_submit(self):
        for document in self:
            if document.previous_revision_id and not (document.change_summary or "").strip():
                raise UserError(
                    self.env._(
                        "Describe what changed in revision %(revision)s before submitting it for review.",
                        revision=document.revision,
                    )
                )
        return self._svcms_transition("submit", {"reviewed_by_id": False, "reviewed_date": False})

    def action_mark_reviewed(self):
        return self._svcms_transition("mark_reviewed")

    def action_approve(self):
        self._svcms_check_transition("approve")
        today = fields.Date.context_today(self)
        for document in self:
            values = {"effective_date": today}
            if document.document_type_code == "manual":
                # the manual printed later shows its annexes as they are today
                values["manual_annex_snapshot"] = document._get_manual_annex_data()
            document._svcms_transition("approve", values)
        self._supersede_previous_revisions()
        self.sudo()._request_acknowledgements()
        return True

    def action_reset_draft(self):
        self._svcms_transition(
            "reset_draft",
            {"submitted_by_id": False, "submitted_date": False, "reviewed_by_id": False, "reviewed_date": False},
        )
        self.sudo().activity_unlink([ACTIVITY_REVIEW_REQUEST, ACTIVITY_APPROVAL_REQUEST])
        return True

    def action_obsolete(self):
        self._svcms_transition("obsolete")
        # a note on the record, read by everybody who follows it: in the company's language
        for document in self.sudo()._svcms_for_company():
            document.message_post(
                body=document.env._("Revision %s withdrawn: marked obsolete.", document.revision),
                message_type="notification",
            )
        self.sudo()._on_withdrawn()
        return True

    def _supersede_previous_revisions(self):
        """The revisions these newly effective ones replace stop being in force."""
        previous = self.search(
            [("origin_id", "in", self.origin_id.ids), ("state", "=", "effective"), ("id", "not in", self.ids)]
        )
        for document in self:
            replaced = previous.filtered(lambda d, doc=document: d.origin_id == doc.origin_id)
            if not replaced:
                continue
            replaced._svcms_transition("supersede", {"superseded_by_id": document.id})
            for old in replaced.sudo()._svcms_for_company():
                old.message_post(
                    body=old.env._(
                        "Revision %(old)s superseded by revision %(new)s.", old=old.revision, new=document.revision
                    ),
                    message_type="notification",
                )
            replaced.sudo()._on_withdrawn()

    def _on_withdrawn(self):
        """A revision left force: its copies come back, nobody still has to read it or review it."""
        self.env["svcms.document.copy"].search([("document_id", "in", self.ids), ("state", "=", "issued")])._withdraw()
        self.env["svcms.document.acknowledgement"].search(
            [("document_id", "in", self.ids), ("state", "=", "pending")]
        )._cancel()
        self.activity_unlink([ACTIVITY_PERIODIC_REVIEW, ACTIVITY_READ])

    # ------------------------------------------------------------------ new revision

    def action_new_revision(self):
        self.ensure_one()
        self._check_new_revision_allowed()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Revision"),
            "res_model": "svcms.document.new.revision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.id},
        }

    def _check_new_revision_allowed(self):
        self.check_access("read")
        self._svcms_check_transition("new_revision")
        open_revisions = self.search(
            [("origin_id", "in", self.origin_id.ids), ("state", "in", ("draft", "review")), ("id", "not in", self.ids)]
        )
        if open_revisions:
            raise UserError(
                self.env._(
                    "Revision %(revision)s of %(number)s is already in preparation: finish or delete it first.",
                    revision=open_revisions[0].revision,
                    number=open_revisions[0].number,
                )
            )

    def _create_new_revision(self, major=False, change_summary=""):
        """Copy this effective revision into a new draft with the next revision code and the same number.

        Whoever prepares it is its author. Its link to this revision is written here only (it decides
        which revisions the approval supersedes), and it keeps every required reader of this revision,
        even those the preparing user may not read (employees are private to HR officers).
        """
        self.ensure_one()
        self._check_new_revision_allowed()
        new = self._svcms_trusted().copy(
            {
                "previous_revision_id": self.id,
                "number": self.number,
                "name": self.name,
                "revision": self.document_type_id._next_revision(self.revision, major=major),
                "change_summary": change_summary,
                "author_id": self.env.uid,
            }
        )
        source = self.sudo()
        new.sudo().write(
            {
                "reader_department_ids": [Command.set(source.reader_department_ids.ids)],
                "reader_job_ids": [Command.set(source.reader_job_ids.ids)],
                "reader_employee_ids": [Command.set(source.reader_employee_ids.ids)],
            }
        )
        new = new.with_env(self.env)
        noted = new._svcms_for_company()
        noted.message_post(
            body=noted.env._("New revision prepared from revision %s.", self.revision), message_type="notification"
        )
        return new

    # ------------------------------------------------------------------ periodic review

    def action_review_no_change(self):
        self.ensure_one()
        self.env["svcms.document.review"].create({"document_id": self.id, "result": "no_change"})
        return True

    @api.model
    def _cron_schedule_periodic_reviews(self, batch_size=200):
        """Give each owner one review activity when their effective document's review comes due.

        Each document is handled in its own savepoint: one that fails is logged, counted on the document
        and skipped until the next day, while the others are processed.
        """
        today = fields.Date.context_today(self)
        domain = [
            ("state", "=", "effective"),
            ("review_reminder_sent", "=", False),
            ("review_reminder_date", "<=", today),
            "|",
            ("review_reminder_failed_date", "=", False),
            ("review_reminder_failed_date", "<", today),
        ]
        documents = self.sudo().search(domain, limit=batch_size, order="review_reminder_date, id")
        failed = self.browse()
        # only the documents this worker takes: never two review activities from two workers
        for document in take_for_cron(documents):
            try:
                with self.env.cr.savepoint():
                    document._schedule_periodic_review_activities()
                    document._svcms_write_workflow({"review_reminder_sent": True, "review_reminder_failure_count": 0})
            except Exception:
                _logger.exception(
                    "Controlled document %s (id %s): its periodic review activity could not be scheduled; "
                    "skipped until tomorrow.",
                    document.display_name,
                    document.id,
                )
                failed |= document
        failed._record_review_reminder_failure(today)
        remaining = self.sudo().search_count(domain) if len(documents) == batch_size else 0
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress(len(documents), remaining=remaining)
        return True

    def _record_review_reminder_failure(self, today):
        for document in self.sudo():
            with self.env.cr.savepoint():
                count = document.review_reminder_failure_count + 1
                document._svcms_write_workflow(
                    {"review_reminder_failure_count": count, "review_reminder_failed_date": today}
                )
                if count == 1:
                    document = document._svcms_for_company()
                    document.message_post(
                        body=document.env._(
                            "The periodic review activity of this document could not be scheduled. "
                            "It is tried again every day; see the server log for the cause."
                        ),
                        message_type="notification",
                    )

    def _schedule_periodic_review_activities(self):
        activity_type = self.env.ref(ACTIVITY_PERIODIC_REVIEW)
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": document.id,
                    "user_id": (document.owner_id or document.author_id).id,
                    "date_deadline": document.next_review_date,
                    "summary": addressed.env._("Periodic review of %s", addressed.display_name),
                    "automated": True,
                }
                for document in self
                if document.owner_id or document.author_id
                # in the language of whoever gets the activity (the cron has none)
                for addressed in [document._svcms_for_user(document.owner_id or document.author_id)]
            ]
        )

    # ------------------------------------------------------------------ read-and-understood

    def action_request_acknowledgements(self):
        self._svcms_check_transition("request_acknowledgements")
        created = self.sudo()._request_acknowledgements()
        message = (
            self.env._("%s readers asked to confirm.", len(created))
            if created
            else self.env._("Every required reader has already been asked.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "info", "sticky": False},
        }

    def _request_acknowledgements(self):
        """One pending acknowledgement per required reader with a user, for each effective revision."""
        documents = self.filtered(lambda d: d.state == "effective")
        if not documents:
            return self.env["svcms.document.acknowledgement"]
        acknowledgements = self.env["svcms.document.acknowledgement"].sudo()
        existing = {
            (ack.document_id.id, ack.employee_id.id)
            for ack in acknowledgements.search([("document_id", "in", documents.ids)])
        }
        return acknowledgements.create(
            [
                {"document_id": document.id, "employee_id": employee.id}
                for document in documents
                for employee in document.required_reader_ids
                if employee.user_id and (document.id, employee.id) not in existing
            ]
        )

    def action_confirm_read(self):
        self.check_access("read")
        lines = self.env["svcms.document.acknowledgement"].search(
            [("document_id", "in", self.ids), ("user_id", "=", self.env.uid), ("state", "=", "pending")]
        )
        if not lines:
            raise UserError(self.env._("You have no pending read confirmation for this document."))
        lines.action_confirm()
        return True

    # ------------------------------------------------------------------ buttons and reports

    def action_view_copies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_document_copy")
        action["domain"] = [("document_id", "=", self.id)]
        action["context"] = {"default_document_id": self.id}
        return action

    def action_view_acknowledgements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_document_acknowledgement")
        action["domain"] = [("document_id", "=", self.id)]
        action["context"] = {"search_default_filter_pending": 1}
        return action

    def action_view_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_document_review")
        action["domain"] = [("document_id", "=", self.id)]
        action["context"] = {"default_document_id": self.id}
        return action

    def action_print_manual(self):
        self.ensure_one()
        if self.document_type_code != "manual":
            raise UserError(self.env._("%s is not a manual.", self.display_name))
        # data={}: XML-RPC cannot carry the None report_action() puts there by default
        return self.env.ref("svcms_base.action_report_manual").report_action(self, data={})

    def _get_manual_procedures(self):
        """Annex 1, live: effective procedures of the manual's management system."""
        self.ensure_one()
        return (
            self.sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("management_system_id", "=", self.management_system_id.id),
                    ("document_type_code", "=", "procedure"),
                    ("state", "=", "effective"),
                ],
                order="number",
            )
            .with_env(self.env)
        )

    def _get_manual_raci(self):
        """Annex 2, live: responsibility allocation table (processes x roles) of the manual's management system."""
        self.ensure_one()
        processes = (
            self.env["svcms.process"]
            .sudo()
            .search(
                [("company_id", "=", self.company_id.id), ("management_system_id", "=", self.management_system_id.id)]
            )
        )
        roles = {}
        cells = defaultdict(list)
        for line in processes.raci_line_ids:
            key = (line.department_id.id, line.job_id.id)
            if key not in roles:
                roles[key] = " / ".join(name for name in (line.department_id.name, line.job_id.name) if name)
            cells[line.process_id.id, key].append(line.raci)
        # departments first, then jobs, in a stable order: the table's columns
        role_keys = sorted(roles, key=lambda key: (not key[0], key[0] or key[1]))
        rows = [
            {
                "process": process.display_name,
                "cells": ["/".join(sorted(set(cells[process.id, key]), key="RACI".index)) for key in role_keys],
            }
            for process in processes
            if process.raci_line_ids
        ]
        return {"roles": [roles[key] for key in role_keys], "rows": rows}

    def _get_manual_departments(self):
        """Annex 3, live: the departments of the management system's company, with their managers."""
        self.ensure_one()
        company = self.management_system_id.company_id or self.company_id
        departments = self.env["hr.department"].sudo().search([("company_id", "=", company.id)], order="name")
        return [
            {
                "id": department.id,
                "name": department.name,
                "manager": department.manager_id.name or "",
                "parent_id": department.parent_id.id if department.parent_id in departments else False,
            }
            for department in departments
        ]

    def _get_manual_annex_data(self):
        """The three annexes as plain data: what the approval stores on the revision."""
        self.ensure_one()
        return {
            "procedure_ids": self._get_manual_procedures().ids,
            "raci": self._get_manual_raci(),
            "departments": self._get_manual_departments(),
        }

    def _get_manual_annexes(self):
        """The annexes to print: as approved for an approved revision, live for a draft or one in review.

        Revisions that became effective without an approval snapshot (imported, or approved before
        snapshots existed) print live data.
        """
        self.ensure_one()
        data = self.manual_annex_snapshot if self.state != "draft" and self.manual_annex_snapshot else None
        data = data or self._get_manual_annex_data()
        # effective revisions never change their number, title, revision or date: read them as they are
        procedures = self.sudo().browse(data.get("procedure_ids") or []).exists().sorted("number")
        departments_by_parent = defaultdict(list)
        for department in data.get("departments") or []:
            departments_by_parent[department["parent_id"] or False].append(department)
        return {
            "procedures": [
                {
                    "number": procedure.number,
                    "name": procedure.with_context(lang=self.env.lang).name,
                    "revision": procedure.revision,
                    "effective_date": procedure.effective_date,
                }
                for procedure in procedures
            ],
            "raci": data.get("raci") or {"roles": [], "rows": []},
            "departments_by_parent": departments_by_parent,
            "snapshot": bool(self.state != "draft" and self.manual_annex_snapshot),
        }

    def _get_manual_revisions(self):
        self.ensure_one()
        return self.revision_ids.filtered(lambda d: d.state in LOCKED_STATES or d == self)
