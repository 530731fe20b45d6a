import ast

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

INTAKE_MIXIN = "svcms.intake.mixin"


class SvcmsTeam(models.Model):
    """A team that receives customer requests of one kind (complaints, service requests, incidents...).

    Like Odoo's maintenance teams, each team owns an e-mail alias: mail sent to it becomes a record
    of the model the team feeds (``res_model``), filed under the team. Records filed by phone or
    through the portal get the company's first team for their model.
    """

    _name = "svcms.team"
    _description = "Service Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(string="Team Name", required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
        help="Leave empty to share the team between companies.",
    )
    res_model = fields.Selection(
        selection="_selection_res_model",
        string="Receives",
        required=True,
        tracking=True,
        help="The kind of record the team's e-mail alias and the customer portal create for this team.",
    )
    leader_id = fields.Many2one(
        "res.users", string="Team Leader", domain=[("share", "=", False)], check_company=True, tracking=True
    )
    member_ids = fields.Many2many(
        "res.users",
        "svcms_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
        check_company=True,
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        compute="_compute_resource_calendar_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
    )
    color = fields.Integer(string="Color Index")
    assignment_policy = fields.Selection(
        [
            ("manual", "Manual"),
            ("round_robin", "Round Robin"),
            ("least_open", "Least Open Work"),
            ("competence", "By Competence"),
        ],
        required=True,
        default="manual",
        tracking=True,
        help="Who gets a new record of the team: nobody (the leader assigns), members in turn, the member "
        "with the fewest open records, or a member whose competences the record requires.",
    )
    alias_id = fields.Many2one(help="E-mail alias of the team: mail sent to it becomes a record of this team.")

    @api.model
    def _selection_res_model(self):
        """Every model that takes customer requests through the shared intake."""
        mixin = self.env.registry[INTAKE_MIXIN]
        names = sorted(
            name
            for name, model_class in self.env.registry.items()
            if issubclass(model_class, mixin) and not model_class._abstract and name != INTAKE_MIXIN
        )
        labels = {model.model: model.name for model in self.env["ir.model"].sudo().search([("model", "in", names)])}
        return [(name, labels.get(name) or self.env[name]._description) for name in names]

    @api.depends("company_id")
    def _compute_resource_calendar_id(self):
        """The working hours of the team's company, unless the team keeps hours valid for it."""
        for team in self:
            calendar = team.resource_calendar_id
            if not calendar or (team.company_id and calendar.company_id and calendar.company_id != team.company_id):
                team.resource_calendar_id = (team.company_id or self.env.company).resource_calendar_id

    @api.constrains("res_model")
    def _check_res_model(self):
        allowed = dict(self._selection_res_model())
        for team in self:
            if team.res_model not in allowed:
                raise ValidationError(
                    self.env._(
                        "A team receives %(models)s, not %(model)s.",
                        models=", ".join(allowed.values()),
                        model=team.res_model,
                    )
                )

    # ------------------------------------------------------------------ alias
    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        model = self.res_model or self.env.context.get("default_res_model") or "svcms.complaint"
        values["alias_model_id"] = self.env["ir.model"]._get_id(model)
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
        return values

    def write(self, vals):
        if vals.get("res_model"):
            self._check_res_model_change(vals["res_model"])
        result = super().write(vals)
        if vals.get("res_model"):
            for team in self:
                team.alias_id.sudo().write(team._alias_get_creation_values())
        return result

    def _check_res_model_change(self, res_model):
        for team in self.filtered(lambda t: t.res_model and t.res_model != res_model):
            if team.res_model in self.env and self.env[team.res_model].sudo().with_context(
                active_test=False
            ).search_count([("team_id", "=", team.id)], limit=1):
                raise UserError(
                    self.env._(
                        "The team %(team)s already holds %(model)s records: it cannot receive another kind of "
                        "record. Create a new team instead.",
                        team=team.display_name,
                        model=self.env["ir.model"]._get(team.res_model).name,
                    )
                )

    # ------------------------------------------------------------------ helpers
    @api.model
    def _svcms_default_team(self, res_model, company=None):
        """The team that takes records of ``res_model`` of ``company`` when nobody chose one."""
        company = company or self.env.company
        return (
            self.sudo()
            .search([("res_model", "=", res_model), ("company_id", "in", [False, company.id])], limit=1)
            .sudo(False)
        )

    def _svcms_assign(self, records, user_field="user_id"):
        """Give each of ``records`` without a responsible one of the team's members, following the team's
        assignment policy. Every consumer (service requests, incidents, fulfilments) calls this one method."""
        return records

    def action_view_records(self):
        """The records the team received."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self.res_model,
            "view_mode": "list,form",
            "domain": [("team_id", "=", self.id)],
            "context": {"default_team_id": self.id},
        }
