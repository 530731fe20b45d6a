from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Metrics every consumer may use; a consumer adds its own with ``_svcms_sla_metrics``.
BUILTIN_METRICS = [
    ("first_response", _lt("First Response")),
    ("resolution", _lt("Resolution")),
]


def _split(value):
    return {item.strip() for item in (value or "").split(",") if item.strip()}


class SvcmsSlaTarget(models.Model):
    """One promise of a policy: a metric, an amount of working time, and when the clock runs.

    Conditions name the codes of the record's states (e.g. ``waiting``: the selection value, or
    the code of a many2one stage, never a database id) or the events its model declares (e.g.
    ``first_response``); the available ones are listed on the form. A policy exported from one
    database and imported into another therefore keeps its meaning.
    """

    _name = "svcms.sla.target"
    _description = "SLA Target"
    _order = "policy_id, sequence, id"
    _check_company_auto = True

    policy_id = fields.Many2one("svcms.sla.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    res_model = fields.Selection(related="policy_id.res_model")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True, help="How the promise reads, e.g. 72 hours repair.")
    metric = fields.Selection(selection="_selection_metric", required=True, default="resolution")
    duration = fields.Float(
        string="Target (Working Hours)",
        required=True,
        help="Working time allowed, in hours and minutes of the policy's calendar.",
    )
    start_on = fields.Selection(
        [
            ("create", "Record Creation"),
            ("state", "Entering a State"),
            ("event", "Event"),
        ],
        string="Clock Starts On",
        required=True,
        default="create",
    )
    start_states = fields.Char(help="Comma-separated states that start the clock.")
    start_event = fields.Char(help="Event that starts the clock.")
    stop_states = fields.Char(
        help="Comma-separated states: the first time the record reaches one of them, the target is achieved."
    )
    stop_event = fields.Char(help="Event that achieves the target (e.g. first_response).")
    pause_states = fields.Char(
        help="Comma-separated states during which the clock is paused (waiting for the customer, for parts ...)."
    )
    restart_states = fields.Char(
        help="Comma-separated states that restart an achieved target (e.g. reopened); the time in between is "
        "not counted."
    )
    cancel_states = fields.Char(help="Comma-separated states that cancel the target (e.g. cancelled).")
    warning_percent = fields.Float(
        string="Warning at (%)",
        default=80.0,
        help="Share of the target consumed when the responsible is warned. 0 disables the warning.",
    )
    escalation_ids = fields.One2many("svcms.sla.escalation", "target_id", string="Escalations", copy=True)
    available_conditions = fields.Text(compute="_compute_available_conditions")

    _duration_positive = models.Constraint("CHECK(duration > 0)", "A target needs a positive duration.")
    _warning_range = models.Constraint(
        "CHECK(warning_percent >= 0 AND warning_percent < 100)", "The warning threshold lies between 0 and 100%."
    )

    @api.model
    def _selection_metric(self):
        metrics = dict(BUILTIN_METRICS)
        mixin = self.env.registry["svcms.sla.mixin"]
        for model_class in self.env.registry.values():
            if issubclass(model_class, mixin):
                for code, label in model_class._svcms_sla_metrics:
                    metrics.setdefault(code, label)
        # a cron has no language: English labels then, without the translation warning
        lang = self.env.lang or "en_US"
        return [
            (code, label._translate(lang) if hasattr(label, "_translate") else str(label))
            for code, label in metrics.items()
        ]

    @api.depends("policy_id.res_model")
    def _compute_available_conditions(self):
        for target in self:
            target.available_conditions = target._describe_conditions()

    def _describe_conditions(self):
        model_name = self.policy_id.res_model
        if not model_name or model_name not in self.env:
            return False
        states, events = self._available_states(model_name), self.env[model_name]._svcms_sla_event_selection()
        lines = [self.env._("States: %s", ", ".join(f"{code} ({label})" for code, label in states) or "-")]
        lines.append(self.env._("Events: %s", ", ".join(f"{code} ({label})" for code, label in events) or "-"))
        return "\n".join(lines)

    @api.model
    def _available_states(self, model_name):
        model = self.env[model_name]
        field = model._fields.get(model._svcms_sla_state_field)
        if not field:
            return []
        if field.type == "selection":
            return field._description_selection(self.env)
        if field.type == "many2one":
            code_field = model._svcms_sla_stage_code_field
            stages = self.env[field.comodel_name].sudo().with_context(active_test=False)
            if code_field not in stages._fields:
                raise ValidationError(
                    self.env._(
                        "%(model)s tracks its service levels on stages (%(stages)s) that have no code field "
                        "“%(field)s”: targets name stages by code, never by database id.",
                        model=model._description,
                        stages=stages._description,
                        field=code_field,
                    )
                )
            return [(stage[code_field], stage.display_name) for stage in stages.search([]) if stage[code_field]]
        return []

    @api.constrains(
        "start_on",
        "start_states",
        "start_event",
        "stop_states",
        "stop_event",
        "pause_states",
        "restart_states",
        "cancel_states",
    )
    def _check_conditions(self):
        for target in self:
            model_name = target.policy_id.res_model
            if not model_name or model_name not in self.env:
                continue
            model = self.env[model_name]
            known_states = {code for code, _label in self._available_states(model_name)}
            known_events = {code for code, _label in model._svcms_sla_event_selection()}
            for fname in ("start_states", "stop_states", "pause_states", "restart_states", "cancel_states"):
                unknown = _split(target[fname]) - known_states
                if unknown:
                    raise ValidationError(
                        self.env._(
                            "Target %(target)s names unknown states: %(states)s.",
                            target=target.name,
                            states=", ".join(sorted(unknown)),
                        )
                    )
            for fname in ("start_event", "stop_event"):
                if target[fname] and target[fname] not in known_events:
                    raise ValidationError(
                        self.env._(
                            "Target %(target)s names an unknown event: %(event)s.",
                            target=target.name,
                            event=target[fname],
                        )
                    )
            if target.start_on == "state" and not target.start_states:
                raise ValidationError(self.env._("Target %s starts on a state: name the states.", target.name))
            if target.start_on == "event" and not target.start_event:
                raise ValidationError(self.env._("Target %s starts on an event: name the event.", target.name))
            if not target.stop_states and not target.stop_event:
                raise ValidationError(self.env._("Target %s needs a stop condition (states or an event).", target.name))
            if _split(target.pause_states) & _split(target.stop_states):
                raise ValidationError(
                    self.env._("Target %s: a state cannot both pause and stop the clock.", target.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        # open records covered by the policy get the new target's clock at their next evaluation
        self.env["svcms.sla.line"]._sla_replay_policies(targets.policy_id)
        return targets

    def write(self, vals):
        result = super().write(vals)
        if {"duration", "metric", "escalation_ids", "warning_percent"} & set(vals):
            self.env["svcms.sla.line"]._sla_replay_policies(self.policy_id)
        return result

    # ------------------------------------------------------------------ engine support
    def _sla_rules(self):
        """Plain-Python view of the targets used by the engine (read once per batch)."""
        rules = {}
        for target in self:
            steps = []
            if target.warning_percent:
                steps.append({"kind": "warning", "percent": target.warning_percent, "escalation_id": False})
            for escalation in target.escalation_ids.sorted(lambda e: (e.sequence, e.id)):
                steps.append(
                    {
                        "kind": "escalation",
                        "escalation_id": escalation.id,
                        "percent": escalation.percent if escalation.trigger == "percent" else None,
                        "after_breach_seconds": round(escalation.delay * 3600)
                        if escalation.trigger == "after_breach"
                        else None,
                    }
                )
            seconds = round(target.duration * 3600)
            steps.sort(
                key=lambda step: (step["percent"] * seconds / 100 if step["percent"] is not None else seconds)
                + (step.get("after_breach_seconds") or 0)
            )
            rules[target.id] = {
                "id": target.id,
                "policy_id": target.policy_id.id,
                "metric": target.metric,
                "seconds": seconds,
                "calendar_id": target.policy_id.calendar_id.id,
                "tz": target.policy_id.tz,
                "outside_hours": target.policy_id.notify_outside_working_hours,
                "start_on": target.start_on,
                "start_states": _split(target.start_states),
                "start_event": target.start_event or False,
                "stop_states": _split(target.stop_states),
                "stop_event": target.stop_event or False,
                "pause_states": _split(target.pause_states),
                "restart_states": _split(target.restart_states),
                "cancel_states": _split(target.cancel_states),
                "steps": steps,
            }
        return rules
