from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class SvcmsKnowledgeArticle(models.Model):
    """A piece of organisational knowledge (clause 7.6): a how-to, a lesson learnt, a known fix.
    Knowledge that must be controlled is promoted to a draft work instruction."""

    _name = "svcms.knowledge.article"
    _description = "Knowledge Article"
    _inherit = ["mail.thread", "mail.activity.mixin", "svcms.lang.mixin", "svcms.evidence.mixin"]
    _svcms_evidence_clauses = {"iso20000": ("7.6",), "gbt27922": ("2.2.1",)}
    _svcms_evidence_date_field = None  # the knowledge published now
    _svcms_evidence_domain = [("state", "=", "published")]
    _order = "write_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    body = fields.Html()
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")],
        required=True,
        default="draft",
        index=True,
        tracking=True,
        copy=False,
    )
    author_id = fields.Many2one("res.users", default=lambda self: self.env.user, index=True, tracking=True)
    published_date = fields.Date(readonly=True, copy=False)
    tag_ids = fields.Many2many("svcms.knowledge.tag", string="Tags")
    management_system_id = fields.Many2one("svcms.management.system", index=True, check_company=True)
    clause_ids = fields.Many2many("svcms.clause", string="Clauses")
    process_ids = fields.Many2many("svcms.process", string="Processes", check_company=True)
    document_id = fields.Many2one(
        "svcms.document",
        string="Controlled Document",
        readonly=True,
        copy=False,
        check_company=True,
        help="The work instruction this article was promoted to.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)

    def action_publish(self):
        self.write({"state": "published", "published_date": fields.Date.context_today(self)})
        return True

    def action_draft(self):
        self.write({"state": "draft"})
        return True

    def action_promote_to_document(self):
        """Create a draft work instruction from the article, once."""
        self.ensure_one()
        # Refuse before creating anything: only those who may edit the article may promote it.
        self.check_access("write")
        if self.document_id:
            raise UserError(
                self.env._(
                    "This article was already promoted to the controlled document %s.", self.document_id.display_name
                )
            )
        document = self.env["svcms.document"].create(
            {
                "name": self.name,
                "document_type_id": self._instruction_document_type().id,
                "management_system_id": self.management_system_id.id,
                "company_id": self.company_id.id,
                "body": self.body,
                "clause_ids": [fields.Command.set(self.clause_ids.ids)],
            }
        )
        self.document_id = document
        noted = self._svcms_for_company()
        noted.message_post(
            body=Markup("%s %s") % (noted.env._("Promoted to the controlled document"), document._get_html_link())
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.document",
            "res_id": document.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _instruction_document_type(self):
        domain = [("code", "=", "instruction"), ("company_id", "in", [self.company_id.id, False])]
        doc_type = self.env["svcms.document.type"].search(domain, order="company_id, id", limit=1)
        if not doc_type:
            # Document types are configuration: only a manager's promotion may create the missing one.
            if not (self.env.su or self.env.user.has_group("svcms_base.group_svcms_manager")):
                raise UserError(
                    self.env._(
                        "There is no document type with the code “instruction” (work instruction): ask a service "
                        "management manager to create it, then promote the article."
                    )
                )
            vals = {"name": self.env._("Work Instruction"), "code": "instruction", "company_id": self.company_id.id}
            doc_type = self.env["svcms.document.type"].sudo().create(vals)
        return doc_type
