from odoo import api, fields, models, tools
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval


class SvcmsSlaPolicy(models.Model):
    """A service commitment: which records it covers, on which working time, with which targets.

    When several policies cover the same record, the first one (by sequence) that has a target for
    a metric gives that metric's target: an "urgent" or "key account" policy placed before the
    general one overrides it metric by metric.
    """

    _name = "svcms.sla.policy"
    _description = "SLA Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10, help="Policies are tried in this order; the first target per metric wins.")
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True, help="Leave empty to share the policy."
    )
    res_model = fields.Selection(
        selection="_selection_res_model",
        string="Applies To",
        required=True,
        tracking=True,
        help="Kind of record the policy covers (any model that uses the SLA engine).",
    )
    domain = fields.Char(
        string="Filter",
        default="[]",
        help="Records of that kind the policy covers (priority, type, customer, product category, service ...).",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Calendar",
        required=True,
        tracking=True,
        check_company=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working time counted by the clock; its public holidays and closures (leaves without a resource) "
        "stop the clock.",
    )
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.resource_calendar_id.tz or self.env.user.tz or "Asia/Shanghai",
        help="Timezone in which the calendar's hours are read.",
    )
    notify_outside_working_hours = fields.Boolean(
        help="Send warnings and escalations at any hour. By default they wait for the next working time.",
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Service Level Manager",
        tracking=True,
        help="Receives the notifications that have no other recipient.",
    )
    target_ids = fields.One2many("svcms.sla.target", "policy_id", string="Targets", copy=True)
    target_count = fields.Integer(compute="_compute_target_count")
    line_count = fields.Integer(compute="_compute_line_count", string="SLA Lines")
    description = fields.Html(translate=True, help="The commitment in the customer's words.")

    @api.model
    def _selection_res_model(self):
        mixin = self.env.registry["svcms.sla.mixin"]
        return sorted(
            (name, self.env[name]._description)
            for name, model_class in self.env.registry.items()
            if issubclass(model_class, mixin) and not model_class._abstract and not model_class._transient
        )

    @api.onchange("calendar_id")
    def _onchange_calendar_id(self):
        if self.calendar_id.tz:
            self.tz = self.calendar_id.tz

    def _compute_target_count(self):
        for policy in self:
            policy.target_count = len(policy.target_ids)

    def _compute_line_count(self):
        groups = self.env["svcms.sla.line"]._read_group([("policy_id", "in", self.ids)], ["policy_id"], ["__count"])
        counts = {policy.id: count for policy, count in groups}
        for policy in self:
            policy.line_count = counts.get(policy.id, 0)

    @api.constrains("domain", "res_model")
    def _check_domain(self):
        for policy in self:
            try:
                Domain(policy._get_domain()).validate(self.env[policy.res_model].sudo())
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The filter of policy %(policy)s is not valid: %(error)s", policy=policy.name, error=error
                    )
                ) from error

    @api.constrains("calendar_id")
    def _check_calendar(self):
        for policy in self:
            if policy.calendar_id.flexible_hours:
                raise ValidationError(
                    self.env._(
                        "Policy %s needs a calendar with fixed working hours: a flexible calendar has no clock.",
                        policy.name,
                    )
                )

    def _get_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]")

    # ------------------------------------------------------------------ engine support
    @api.model
    @tools.ormcache("res_model")
    def _trigger_fields(self, res_model):
        """Fields of ``res_model`` whose change may change which policy applies (cached per registry)."""
        names = set()
        policies = self.sudo().with_context(active_test=False).search([("res_model", "=", res_model)])
        for policy in policies:
            for condition in Domain(policy._get_domain()).iter_conditions():
                names.add(condition.field_expr.split(".")[0])
        return frozenset(names)

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self.env.registry.clear_cache()
        return policies

    def write(self, vals):
        applicability = {"domain", "res_model", "active", "sequence", "company_id"} & set(vals)
        result = super().write(vals)
        if applicability:
            self.env.registry.clear_cache()
        if applicability or {"calendar_id", "tz", "notify_outside_working_hours"} & set(vals):
            self.env["svcms.sla.line"]._sla_replay_policies(self, whole_model=bool(applicability))
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("svcms_base.action_svcms_sla_line")
        action["domain"] = [("policy_id", "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action
