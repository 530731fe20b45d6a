"""One intake for every record a customer opens: complaints, service requests, incidents...

A consumer inherits ``svcms.intake.mixin`` (a ``mail.thread``; add ``portal.mixin`` for the portal) and
declares, on the class, what differs:

``_svcms_intake_partner_field``
    the customer field (default ``partner_id``).
``_svcms_intake_subject_field``
    a field that takes the e-mail subject (``None``: the subject stays on the message only).
``_svcms_intake_description_field``
    the HTML field that takes the e-mail body.
``_svcms_intake_attachment_field``
    an optional many2many to ``ir.attachment`` that lists the files uploaded on the portal.
``_svcms_intake_sequence``
    the ``ir.sequence`` code of the reference (default: the model name).

It gives:

* a team (``team_id``, :class:`svcms.team`): the team's e-mail alias files mail under it;
* ``message_new``: the sender becomes the customer, found by the EXACT normalised address
  (``email_normalized``, never a pattern), created when unknown;
* ``_svcms_portal_create(values, uploaded_files)``: the portal user's own partner is the customer,
  whatever was posted; uploads are checked at the server (count, size, type guessed from the
  content) before anything is created;
* the reference is drawn from its sequence only once the user passed the access check, so a
  refused user is told about the model they were refused on.
"""

import os
import uuid

from werkzeug.datastructures import FileStorage

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, parse_contact_from_email
from odoo.tools.mimetypes import guess_mimetype

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# content type (guessed from the bytes) -> file name extensions accepted for it
ALLOWED_TYPES = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/bmp": (".bmp",),
    "image/x-ms-bmp": (".bmp",),
    "image/tiff": (".tif", ".tiff"),
    "image/heic": (".heic",),
    "image/heif": (".heif", ".heic"),
    "application/pdf": (".pdf",),
}
ALLOWED_EXTENSIONS = frozenset(ext for exts in ALLOWED_TYPES.values() for ext in exts)


class SvcmsIntakeMixin(models.AbstractModel):
    _name = "svcms.intake.mixin"
    _description = "SVCMS Customer Intake"
    # a mail thread itself, so that its message_new comes before mail.thread's in every consumer
    _inherit = ["mail.thread", "svcms.lang.mixin"]

    _svcms_intake_partner_field = "partner_id"
    _svcms_intake_subject_field = None
    _svcms_intake_description_field = "description"
    _svcms_intake_attachment_field = None
    _svcms_intake_sequence = None

    team_id = fields.Many2one(
        "svcms.team",
        string="Service Team",
        default=lambda self: self.env["svcms.team"]._svcms_default_team(self._name),
        domain=lambda self: [("res_model", "=", self._name)],
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="Team that receives the record: its e-mail alias files mail under it.",
    )

    def _creation_message(self):
        # Requests come from crons, the mail gateway, deliveries and the portal: the "… created" note
        # is in the company's language, like every automated note on the record.
        return super(SvcmsIntakeMixin, self._svcms_for_company())._creation_message()

    # ------------------------------------------------------------------ reference
    @api.model_create_multi
    def create(self, vals_list):
        # refused users hear about this model, not about the sequence the reference comes from
        self.check_access("create")
        vals_list = [dict(vals) for vals in vals_list]
        Team = self.env["svcms.team"]
        teams = Team.sudo().browse({vals["team_id"] for vals in vals_list if vals.get("team_id")})
        team_company = {team.id: team.company_id.id for team in teams}
        default_company = (
            self.default_get(["company_id"]).get("company_id")
            if "company_id" in self._fields and not all(vals.get("company_id") for vals in vals_list)
            else None
        )
        default_teams = {}
        code = self._svcms_intake_sequence or self._name
        for vals in vals_list:
            if vals.get("team_id") and not vals.get("company_id") and team_company.get(vals["team_id"]):
                vals["company_id"] = team_company[vals["team_id"]]
            if "team_id" not in vals and "default_team_id" not in self.env.context:
                # the first team of the record's company (the field default only knows the current company)
                company = self.env["res.company"].browse(
                    vals.get("company_id") or default_company or self.env.company.id
                )
                if company not in default_teams:
                    default_teams[company] = Team._svcms_default_team(self._name, company)
                vals["team_id"] = default_teams[company].id
            if vals.get(self._rec_name, "/") in ("/", False, None):
                vals[self._rec_name] = self.env["ir.sequence"].sudo().next_by_code(code) or "/"
            if "access_token" in self._fields and not vals.get("access_token"):
                # portal.mixin writes the share token when a page first shows the record: given now, the
                # portal's lists and pages never write and are served by a read replica
                vals["access_token"] = str(uuid.uuid4())
        return super().create(vals_list)

    # ------------------------------------------------------------------ customer
    @api.model
    def _svcms_intake_partner(self, email_from, author_id=False):
        """The customer behind ``email_from``: the partner with exactly this normalised address.

        ``author_id`` (the partner the mail gateway found) is kept only when its address is the
        sender's. Unknown senders become new contacts."""
        Partner = self.env["res.partner"].sudo()
        email = email_normalize(email_from or "")
        author = Partner.browse(author_id or [])
        if not email:
            if author:
                return author
            raise UserError(self.env._("The message has no valid sender address: it cannot be filed."))
        if author and author.email_normalized == email:
            return author
        candidates = Partner.search([("email_normalized", "=", email)], order="id")
        if candidates:
            # a customer with a portal account first, then the oldest contact
            return min(candidates, key=lambda p: (not p.user_ids, p.id))
        name = parse_contact_from_email(email_from)[0]
        return Partner.create({"name": name or email, "email": email})

    def _get_customer_information(self):
        info = super()._get_customer_information()
        for record in self:
            partner = record[self._svcms_intake_partner_field]
            email = email_normalize(record.email_from if "email_from" in record._fields else partner.email or "")
            if partner and email:
                info.setdefault(email, {"name": partner.name})
        return info

    # ------------------------------------------------------------------ mail gateway
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Mail to a team's alias (or the gateway's fallback): the sender becomes the customer."""
        self.check_access("create")
        partner = self._svcms_intake_partner(msg_dict.get("email_from"), msg_dict.get("author_id"))
        values = {
            self._rec_name: "/",  # the gateway would otherwise use the subject as the reference
            self._svcms_intake_partner_field: partner.id,
            self._svcms_intake_description_field: msg_dict.get("body") or "<p></p>",
        }
        if "channel" in self._fields:
            values["channel"] = "email"
        if self._svcms_intake_subject_field:
            values[self._svcms_intake_subject_field] = msg_dict.get("subject") or self.env._(
                "%(kind)s by e-mail", kind=self.env["ir.model"]._get(self._name).name
            )
        if "email_from" in self._fields and msg_dict.get("email_from"):
            values["email_from"] = msg_dict["email_from"]
        values.update(custom_values or {})
        return super().message_new(msg_dict, custom_values=values)

    # ------------------------------------------------------------------ portal
    @api.model
    def _svcms_check_uploads(self, uploaded_files):
        """``[(file name, bytes)]`` of the uploads, or a ``UserError`` saying what is wrong with them.

        ``uploaded_files``: werkzeug ``FileStorage`` objects (a browser sends an empty one when no
        file was chosen: skipped) or ``(file name, bytes)`` pairs."""
        uploads = [
            upload
            for upload in uploaded_files or ()
            if (upload.filename if isinstance(upload, FileStorage) else upload and upload[0])
        ]
        if len(uploads) > MAX_FILES:
            raise UserError(
                self.env._(
                    "You attached %(count)s files: at most %(max)s files can be sent with one request.",
                    count=len(uploads),
                    max=MAX_FILES,
                )
            )
        files = []
        for upload in uploads:
            if isinstance(upload, FileStorage):
                name, content = upload.filename, upload.read(MAX_FILE_BYTES + 1)
            else:
                name, content = upload
            name = os.path.basename(name.replace("\\", "/")) or name
            if len(content) > MAX_FILE_BYTES:
                raise UserError(
                    self.env._(
                        "The file %(name)s is larger than %(max)s MB: send a smaller photo or document.",
                        name=name,
                        max=MAX_FILE_BYTES // (1024 * 1024),
                    )
                )
            mimetype = guess_mimetype(content, default="application/octet-stream")
            extension = os.path.splitext(name)[1].lower()
            if mimetype not in ALLOWED_TYPES or extension not in ALLOWED_EXTENSIONS:
                raise UserError(
                    self.env._(
                        "The file %(name)s is not accepted: attach photos (JPEG, PNG, GIF, WebP, BMP, TIFF, HEIC) "
                        "or PDF documents only.",
                        name=name,
                    )
                )
            files.append((name, content, mimetype))
        return files

    @api.model
    def _svcms_portal_create(self, values, uploaded_files=()):
        """File a record for the portal user: their own partner is the customer, never a posted one.

        The uploads are checked before anything is created: on a ``UserError`` nothing exists."""
        user = self.env.user
        partner = user.partner_id
        files = self._svcms_check_uploads(uploaded_files)
        values = dict(values)
        if "channel" in self._fields:
            values["channel"] = "portal"
        values[self._svcms_intake_partner_field] = partner.id
        company = self.env["res.company"].browse(values.get("company_id")) or user.company_id
        values["company_id"] = company.id
        with self.env.cr.savepoint():  # a refusal while filing leaves neither record nor file behind
            record = self.sudo().with_company(company).create(values)
            attachments = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": name,
                            "raw": content,
                            "mimetype": mimetype,
                            "res_model": record._name,
                            "res_id": record.id,
                        }
                        for name, content, mimetype in files
                    ]
                )
            )
            if attachments and self._svcms_intake_attachment_field:
                record[self._svcms_intake_attachment_field] = attachments
            record.message_subscribe(partner_ids=partner.ids)
        return record.with_env(self.env)
