from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class SvcmsKnownError(models.Model):
    """A problem whose cause is known, with its workaround, shared in the knowledge base (ISO/IEC 20000-1
    8.6.3)."""

    _name = "svcms.known.error"
    _description = "Known Error"
    _inherit = ["mail.thread", "svcms.lang.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    problem_id = fields.Many2one("svcms.problem", index="btree_not_null", check_company=True, tracking=True)
    category_id = fields.Many2one("svcms.incident.category", index=True, check_company=True)
    ci_ids = fields.Many2many("svcms.ci", string="Configuration Items", check_company=True)
    symptoms = fields.Html()
    root_cause = fields.Html()
    workaround = fields.Html()
    article_id = fields.Many2one(
        "svcms.knowledge.article",
        string="Knowledge Article",
        readonly=True,
        copy=False,
        check_company=True,
        help="The knowledge base article this known error is published as.",
    )
    published = fields.Boolean(compute="_compute_published")
    incident_count = fields.Integer(compute="_compute_incident_count", string="Workaround Used")

    @api.depends("article_id.state")
    def _compute_published(self):
        for known_error in self:
            known_error.published = known_error.article_id.sudo().state == "published"

    def _compute_incident_count(self):
        counts = dict(
            self.env["svcms.incident"]._read_group(
                [("known_error_id", "in", self.ids)], ["known_error_id"], ["__count"]
            )
        )
        for known_error in self:
            known_error.incident_count = counts.get(known_error, 0)

    @api.model_create_multi
    def create(self, vals_list):
        # a known error created from its problem takes over the problem's analysis
        problems = self.env["svcms.problem"].browse(
            [vals["problem_id"] for vals in vals_list if vals.get("problem_id")]
        )
        problems.fetch(["root_cause", "workaround", "category_id", "ci_ids", "company_id"])
        for vals in vals_list:
            problem = problems.browse(vals.get("problem_id"))
            if problem:
                vals.setdefault("root_cause", problem.root_cause)
                vals.setdefault("workaround", problem.workaround)
                vals.setdefault("category_id", problem.category_id.id)
                vals.setdefault("ci_ids", [(6, 0, problem.ci_ids.ids)])
                vals.setdefault("company_id", problem.company_id.id)
        return super().create(vals_list)

    def _svcms_article_body(self):
        self.ensure_one()
        article = self._svcms_for_company()
        env = article.env
        parts = [(env._("Symptoms"), self.symptoms), (env._("Root Cause"), self.root_cause)]
        parts.append((env._("Workaround"), self.workaround))
        if self.ci_ids:
            parts.append((env._("Configuration Items"), Markup("<p>%s</p>") % ", ".join(self.ci_ids.mapped("name"))))
        body = Markup()
        for title, html in parts:
            if html:
                body += Markup("<h3>%s</h3>%s") % (title, html)
        return body

    def action_publish_knowledge(self):
        """Create or update the knowledge base article of each known error and publish it."""
        self.check_access("write")
        for known_error in self:
            if not html2plaintext(known_error.workaround or "").strip():
                raise UserError(
                    self.env._(
                        "Known error %(name)s has no workaround: describe it before publishing to the knowledge base.",
                        name=known_error.display_name,
                    )
                )
        Article = self.env["svcms.knowledge.article"]
        for known_error in self:
            vals = {"name": known_error.name, "body": known_error._svcms_article_body()}
            article = known_error.article_id
            if article:
                article.write(vals)
            else:
                article = Article.create({**vals, "company_id": known_error.company_id.id})
                known_error.sudo().article_id = article
            if article.state != "published":
                article.action_publish()
            known_error.message_post(
                body=Markup("%s %s") % (self.env._("Published to the knowledge base:"), article._get_html_link())
            )
        return True

    def action_open_article(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "svcms.knowledge.article",
            "res_id": self.article_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
