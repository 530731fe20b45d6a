import ast

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

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
    last_assigned_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned Member",
        readonly=True,
        copy=False,
        help="Round robin: the member who received the team's last record; the next one goes to the member after.",
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

    def _svcms_assign(self, records, user_field="user_id", assignee_user_field="user_id"):
        """Give each of ``records`` without a responsible one of the team's members, following the team's
        assignment policy. Every consumer (service requests, incidents, fulfilments) calls this one method.

        :param records: records of the team's model; those whose ``user_field`` is already set are left alone.
        :param user_field: the many2one receiving the member: ``res.users``, or a model (technicians,
            employees) whose ``assignee_user_field`` names the member's user.
        :return: the records that received someone.

        Policies: ``manual`` assigns nobody; ``round_robin`` gives the members their turn in order of id,
        starting after ``last_assigned_user_id`` (the team row is locked, so two batches never hand out the
        same turn); ``least_open`` picks the member with the fewest open records of the model (the model's
        ``_svcms_open_domain``; one ``_read_group`` for the batch, counts updated as the batch is handed out);
        ``competence`` keeps the members whose employee meets the competence requirement codes each record
        declares with ``_svcms_assignment_competences()``, then the least busy of them. Members absent today
        (a leave on their working time) or inactive receive nothing. The consumer may narrow the candidates with
        ``_svcms_assignment_candidates(assignees)`` (e.g. technicians whose authorisation is valid). Protected
        fields of workflow models are written through the trusted path.
        """
        empty = records.browse()
        if not self or not records:
            return empty
        self.ensure_one()
        team = self.sudo()
        if team.assignment_policy == "manual":
            return empty
        todo = records.filtered(lambda record: not record[user_field])
        if not todo:
            return empty
        by_user = team._svcms_assignees(records, user_field, assignee_user_field)
        if not by_user:
            return empty
        assignees = self.env[records._fields[user_field].comodel_name].sudo().browse([a.id for a in by_user.values()])
        if team.assignment_policy == "round_robin":
            chosen = team._svcms_assign_round_robin(todo, list(by_user.items()))
        elif team.assignment_policy == "least_open":
            counts = team._svcms_open_counts(records, user_field, assignees)
            chosen = {record: team._svcms_least_busy(list(by_user.values()), counts) for record in todo}
        else:
            chosen = team._svcms_assign_by_competence(todo, by_user, records, user_field, assignees)
        groups = {}
        for record, assignee in chosen.items():
            if assignee:
                groups.setdefault(assignee, []).append(record.id)
        assigned = empty
        protected = user_field in getattr(records, "_svcms_protected_fields", lambda: set())()
        for assignee, ids in groups.items():
            batch = records.browse(ids)
            writer = batch._svcms_trusted() if protected else batch
            writer.write({user_field: assignee.id})
            assigned |= batch
        return assigned

    def _svcms_assignees(self, records, user_field, assignee_user_field):
        """{member user: assignee record} for the members who may receive work now, in order of user id."""
        members = self.member_ids.filtered("active").sorted("id")
        if not members:
            return {}
        company = self.company_id or self.env.company
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", members.ids), ("company_id", "in", [company.id, False])])
        )
        now = fields.Datetime.now()
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "in", employees.resource_id.ids),
                    ("date_from", "<=", now),
                    ("date_to", ">=", now),
                ]
            )
        )
        absent = set(employees.filtered(lambda e: e.resource_id in leaves.resource_id).user_id.ids)
        members = members.filtered(lambda user: user.id not in absent)
        comodel = records._fields[user_field].comodel_name
        if comodel == "res.users":
            by_user = {user: user for user in members}
        else:
            candidates = self.env[comodel].sudo().search([(assignee_user_field, "in", members.ids)], order="id")
            first = {}
            for candidate in candidates:
                first.setdefault(candidate[assignee_user_field], candidate)
            by_user = {user: first[user] for user in members if user in first}
        narrow = getattr(records, "_svcms_assignment_candidates", None)
        if narrow and by_user:
            allowed = narrow(self.env[comodel].sudo().browse([a.id for a in by_user.values()]))
            by_user = {user: assignee for user, assignee in by_user.items() if assignee in allowed}
        return by_user

    def _svcms_assign_round_robin(self, todo, members):
        """Members in turn, after the last one served; the team row is locked until the transaction ends."""
        self.env.cr.execute(SQL("SELECT id FROM svcms_team WHERE id = %s FOR NO KEY UPDATE", self.id))
        self.invalidate_recordset(["last_assigned_user_id"])
        last = self.last_assigned_user_id
        # the first member after the last one served, in order of id (also when that one left the team)
        start = next((index for index, (user, _a) in enumerate(members) if user.id > last.id), 0) if last else 0
        chosen = {}
        for offset, record in enumerate(todo):
            chosen[record] = members[(start + offset) % len(members)]
        self.write({"last_assigned_user_id": chosen[todo[-1]][0].id})
        return {record: assignee for record, (_user, assignee) in chosen.items()}

    def _svcms_open_counts(self, records, user_field, assignees):
        """{assignee id: open records of the model} in one ``_read_group``."""
        domain = [(user_field, "in", assignees.ids), *(getattr(records, "_svcms_open_domain", None) or [])]
        groups = records.env[records._name].sudo()._read_group(domain, [user_field], ["__count"])
        return {assignee.id: count for assignee, count in groups}

    @staticmethod
    def _svcms_least_busy(candidates, counts):
        """The candidate with the fewest open records (the first in order on a tie); its count goes up by one."""
        if not candidates:
            return None
        best = min(candidates, key=lambda assignee: counts.get(assignee.id, 0))
        counts[best.id] = counts.get(best.id, 0) + 1
        return best

    def _svcms_assign_by_competence(self, todo, by_user, records, user_field, assignees):
        """For each record the least busy member meeting the competences it declares."""
        counts = self._svcms_open_counts(records, user_field, assignees)
        company = self.company_id or self.env.company
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", [user.id for user in by_user]), ("company_id", "in", [company.id, False])])
        )
        employee_of = {employee.user_id: employee for employee in employees}
        competent = {}
        chosen = {}
        for record in todo:
            declared = getattr(record, "_svcms_assignment_competences", None)
            codes = tuple(sorted(set(declared() if declared else ()) - {False, None}))
            if codes not in competent:
                if not codes:
                    competent[codes] = list(by_user.values())
                else:
                    gaps = employees._svcms_check_competence(list(codes), raise_if_missing=False) if employees else []
                    lacking = {gap["employee"].id for gap in gaps}
                    competent[codes] = [
                        assignee
                        for user, assignee in by_user.items()
                        if user in employee_of and employee_of[user].id not in lacking
                    ]
            chosen[record] = self._svcms_least_busy(competent[codes], counts)
        return chosen

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
