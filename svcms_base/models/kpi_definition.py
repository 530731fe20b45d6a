"""How a computed KPI is measured on live records: the KPI definition contract.

1. Measurable models. A definition counts or aggregates the records of one model, and only of a
   *measurable* model: one that ``_svcms_kpi_models()`` returns. Each addon extends that method with
   its own operational records (svcms_base: complaints, SLA lines, documents, objectives, KPIs and
   their measurements, risks, obligations, training ...; svcms_aftersales: service requests, return
   orders, recalls, return visits ...). A definition on any other model (``ir.config_parameter``,
   ``res.users`` ...) is refused with a ``ValidationError`` when it is created or written, and again
   when it is evaluated.

2. Fields and domains. ``date_field`` is a stored date or datetime field of the model: it places a
   record in a period. A period ``[date_from, date_to)`` starts and ends at midnight in the timezone
   of the evaluation (the measuring user's context). ``value_field`` (sum and average) is a stored
   numeric field. ``denominator_domain`` selects the population, ``numerator_domain`` (ratios) the
   successes within it. Domains and fields may only use stored fields not restricted to groups; a
   path (``kpi_id.source``) may only cross into measurable models; a relational field towards any
   other model may only be compared with record ids (``('create_uid', 'in', [2])``).

3. Results. Every evaluation returns, per (period, company), ``{"value", "numerator",
   "denominator"}``:

   * ratio: ``100 * successes / population``, ``None`` when the population is empty;
   * count: the population (``value = numerator = denominator``);
   * sum: the sum of ``value_field``; numerator = records with a value, denominator = population;
   * average: sum / records with a value, ``None`` when none has one;
   * method: whatever the registered Python method computes, in the same shape (below).

4. Companies. When the model has a stored ``company_id``, a KPI counts the records of its own
   company only; otherwise all the records.

5. Rights. Nothing is measured as superuser. Every evaluation, by the daily cron, by "Measure Now"
   or by code, runs as the technical user ``svcms_base.user_kpi_measurer`` (inactive, no login):
   its only group, *KPI Measuring (technical)*, reads the measurable models and nothing else
   (``_svcms_sync_kpi_measurer`` grants those read rights when the addons are installed or
   upgraded); the multi-company record rules apply to it, no group rule restricts it. So a figure is
   the same whoever triggers the measurement, and a domain cannot reach what the measurer may not
   read. The measurer is given the companies it measures on the fly (only on behalf of a manager or
   the cron).

6. Cost. A domain definition costs one ``_read_group`` over all the periods and companies asked
   (two for a ratio): never one query per record, KPI or period.

7. Methods. For figures no domain expresses (mean time to resolve, availability, evaluation
   scores), ``measure = "method"`` names a registered method of this model::

       @kpi_method(_lt("Mean time to resolve complaints (hours)"), "svcms.complaint")
       def _svcms_kpi_method_complaint_mttr(self, definition, periods): ...

   ``self`` is this model in the measuring user's environment, ``definition`` the definition,
   ``periods`` a list of ``(date_from, date_to, company)``. The method returns
   ``{(date_from, date_to, company_id): result}`` for every period at once, set-based (one
   ``_read_group`` or one SQL query built on ``definition._svcms_scope_query``, which applies the
   denominator domain, the periods, the companies and the record rules). The model, date field and
   denominator domain of the definition keep their meaning.

8. Failures. The cron measures one definition per savepoint: a definition that fails is rolled
   back, logged, and its failure count and last error are stored on it (shown in its form); its
   KPIs wait for the next daily run, the others are measured. Editing the definition clears the
   failure.

9. Lifecycle. A definition used by a KPI cannot be deleted (archive it): the measurements of the
   KPI refer to it.
"""

import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil as safe_dateutil
from odoo.tools.safe_eval import safe_eval
from odoo.tools.translate import LazyTranslate

from .cron_failure_mixin import CRON_FAILURE_FIELDS

_lt = LazyTranslate(__name__)

NUMERIC_TYPES = ("integer", "float", "monetary")
DATE_TYPES = ("date", "datetime")
METHOD_PREFIX = "_svcms_kpi_method_"
MEASURER_XMLID = "svcms_base.user_kpi_measurer"
MEASURER_GROUP_XMLID = "svcms_base.group_svcms_kpi_measurer"
MANAGER_GROUP_XMLID = "svcms_base.group_svcms_manager"
# Writing one of these changes what the definition measures: a past failure no longer applies.
EVALUATION_FIELDS = {
    "model_id",
    "measure",
    "method",
    "date_field",
    "value_field",
    "denominator_domain",
    "numerator_domain",
}
# Operators comparing a relational field with ids only (no look into the related model).
ID_OPERATORS = ("in", "not in")


def kpi_method(label, model):
    """Register a ``_svcms_kpi_method_<name>`` method of ``svcms.kpi.definition`` as a KPI method.

    :param label: the name users choose (a ``LazyTranslate`` string)
    :param model: the measurable model the method measures
    """

    def decorate(function):
        function._svcms_kpi_method = (label, model)
        return function

    return decorate


class SvcmsKpiDefinition(models.Model):
    _name = "svcms.kpi.definition"
    _description = "KPI Definition"
    _inherit = ["svcms.cron.failure.mixin"]
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical key other modules use to refer to this definition.")
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    model_id = fields.Many2one(
        "ir.model",
        required=True,
        ondelete="cascade",
        domain=[("transient", "=", False)],
        help="Records of this model are counted or aggregated. Only the models the installed addons "
        "declare measurable may be chosen.",
    )
    allowed_model_ids = fields.Many2many("ir.model", compute="_compute_allowed_model_ids", string="Measurable Models")
    model_name = fields.Char(related="model_id.model", store=True, string="Model Name")
    measure = fields.Selection(
        [
            ("ratio", "Ratio (%)"),
            ("count", "Count"),
            ("sum", "Sum"),
            ("avg", "Average"),
            ("method", "Python Method"),
        ],
        required=True,
        default="ratio",
        help="Ratio: 100 x records matching numerator and denominator / records matching the denominator.\n"
        "Count: records matching the denominator.\n"
        "Sum / Average: of the value field over the records matching the denominator.\n"
        "Python Method: a figure computed by a method an addon registered (e.g. mean time to resolve).",
    )
    method = fields.Selection(
        selection="_selection_method",
        help="The registered computation used by a Python method definition.",
    )
    date_field = fields.Char(
        required=True,
        help="Technical name of the date or datetime field that places a record in a period.",
    )
    denominator_domain = fields.Char(default="[]", help="Records counted (the population).")
    numerator_domain = fields.Char(
        default="[]", help="For ratios: the records of the population that count as a success."
    )
    value_field = fields.Char(help="Technical name of the numeric field summed or averaged.")
    unit = fields.Char()
    kpi_ids = fields.One2many("svcms.kpi", "definition_id", string="KPIs")

    _code_uniq = models.Constraint("UNIQUE(code)", "A KPI definition code must be unique.")

    # ------------------------------------------------------------------ registry hooks
    @api.model
    def _svcms_kpi_models(self):
        """The measurable models: addons add their own operational records (see the contract above)."""
        return {
            "svcms.complaint",
            "svcms.sla.line",
            "svcms.sla.exception",
            "svcms.document",
            "svcms.document.review",
            "svcms.document.acknowledgement",
            "svcms.objective",
            "svcms.kpi",
            "svcms.kpi.measurement",
            "svcms.process",
            "svcms.risk",
            "svcms.context.issue",
            "svcms.interested.party",
            "svcms.obligation",
            "svcms.compliance.evaluation",
            "svcms.communication.plan",
            "svcms.knowledge.article",
            "svcms.training.course",
            "svcms.training.session",
            "svcms.training.attendance",
            "svcms.competence.gap",
        }

    @api.model
    def _svcms_measurable_models(self):
        """The measurable models present in the registry."""
        return {name for name in self._svcms_kpi_models() if name in self.env}

    @api.model
    def _selection_method(self):
        methods = []
        for name in dir(type(self)):
            if name.startswith(METHOD_PREFIX):
                registration = getattr(getattr(type(self), name), "_svcms_kpi_method", None)
                if registration:
                    label, model = registration
                    label = label._translate(self.env.lang or "en_US") if hasattr(label, "_translate") else str(label)
                    methods.append((name[len(METHOD_PREFIX) :], label))
        return sorted(methods)

    def _method_registration(self):
        """(label, model) of the registered method of this definition, or None."""
        self.ensure_one()
        function = getattr(type(self), f"{METHOD_PREFIX}{self.method}", None) if self.method else None
        return getattr(function, "_svcms_kpi_method", None)

    @api.depends_context("uid")
    def _compute_allowed_model_ids(self):
        models_ = self.env["ir.model"].sudo().search([("model", "in", list(self._svcms_measurable_models()))])
        self.allowed_model_ids = models_.sudo(False)

    # ------------------------------------------------------------------ validation
    @api.constrains(
        "model_id", "measure", "method", "date_field", "value_field", "denominator_domain", "numerator_domain"
    )
    def _check_definition(self):
        for definition in self:
            definition._svcms_check_measurable()

    def _svcms_check_measurable(self):
        """Raise a ValidationError unless the definition obeys the contract (model, fields, domains, method)."""
        self.ensure_one()
        allowed = self._svcms_measurable_models()
        if self.model_name not in allowed:
            raise ValidationError(
                self.env._(
                    "KPI definition %(name)s: the model %(model)s cannot be measured. KPIs measure the operational "
                    "records of the management system only (%(allowed)s).",
                    name=self.name,
                    model=self.model_name or "-",
                    allowed=", ".join(sorted(allowed)),
                )
            )
        model = self.env[self.model_name]
        field = model._fields.get(self.date_field or "")
        if not field or field.type not in DATE_TYPES or not field.store or field.groups:
            raise ValidationError(
                self.env._(
                    "KPI definition %(name)s: %(field)s is not a stored date field of %(model)s.",
                    name=self.name,
                    field=self.date_field,
                    model=self.model_name,
                )
            )
        if self.measure in ("sum", "avg"):
            value = model._fields.get(self.value_field or "")
            if not value or value.type not in NUMERIC_TYPES or not value.store or value.groups:
                raise ValidationError(
                    self.env._(
                        "KPI definition %(name)s: a sum or an average needs a stored numeric value field.",
                        name=self.name,
                    )
                )
        if self.measure == "method":
            registration = self._method_registration()
            if not registration:
                raise ValidationError(
                    self.env._("KPI definition %(name)s: choose one of the registered methods.", name=self.name)
                )
            if registration[1] != self.model_name:
                raise ValidationError(
                    self.env._(
                        "KPI definition %(name)s: the method measures %(method_model)s, not %(model)s.",
                        name=self.name,
                        method_model=registration[1],
                        model=self.model_name,
                    )
                )
        for domain in (self.denominator_domain, self.numerator_domain):
            try:
                parsed = Domain(self._parse_domain(domain))
                parsed.validate(model)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "KPI definition %(name)s: invalid domain %(domain)s (%(error)s).",
                        name=self.name,
                        domain=domain,
                        error=error,
                    )
                ) from error
            self._svcms_check_domain_paths(model, parsed, allowed, domain)

    def _svcms_check_domain_paths(self, model, domain, allowed, text):
        """Refuse conditions that leave the measurable models or read fields restricted to groups."""
        for condition in domain.optimize(model).iter_conditions():
            field = model._fields.get(condition.field_expr.split(".")[0])
            refused = None
            if field is None or not field.store:
                refused = self.env._("%(field)s is not a stored field", field=condition.field_expr)
            elif field.groups:
                refused = self.env._("%(field)s is restricted to some groups", field=condition.field_expr)
            elif field.relational and field.comodel_name in allowed:
                if isinstance(condition.value, Domain):
                    self._svcms_check_domain_paths(self.env[field.comodel_name], condition.value, allowed, text)
            elif field.relational and not (
                condition.operator in ID_OPERATORS
                and all(isinstance(value, int) or value is False for value in condition.value)
            ):
                refused = self.env._(
                    "%(field)s leads to %(model)s, which cannot be measured: compare it with record ids only",
                    field=condition.field_expr,
                    model=field.comodel_name,
                )
            if refused:
                raise ValidationError(
                    self.env._(
                        "KPI definition %(name)s: the domain %(domain)s is refused: %(reason)s.",
                        name=self.name,
                        domain=text,
                        reason=refused,
                    )
                )

    def _parse_domain(self, domain):
        context = {
            "datetime": safe_datetime,
            "relativedelta": safe_dateutil.relativedelta.relativedelta,
            "context_today": lambda: fields.Date.context_today(self),
        }
        result = safe_eval(domain or "[]", context)
        if not isinstance(result, list | tuple):
            raise ValueError(self.env._("a domain must be a list"))
        return list(result)

    # ------------------------------------------------------------------ lifecycle
    def write(self, vals):
        if EVALUATION_FIELDS & set(vals):
            # What failed before is not what will be measured next: try again at the next run.
            vals = {**vals, **dict.fromkeys(CRON_FAILURE_FIELDS, False)}
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.env["svcms.kpi"].with_context(active_test=False).search_count([("definition_id", "in", self.ids)])
        if used:
            raise UserError(
                self.env._(
                    "%(count)s KPI(s) are measured by this definition, and their measurements refer to it: it cannot "
                    "be deleted. Archive it instead.",
                    count=used,
                )
            )

    # ------------------------------------------------------------------ the measuring user
    def _svcms_check_manager(self):
        """Only the cron (superuser) and SMS managers may change what the measuring user is given."""
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP_XMLID)):
            raise AccessError(self.env._("Only a service management manager may configure the KPI measuring user."))

    @api.model
    def _svcms_measurer(self):
        # ormcached lookup (env.ref would query the user's existence at every evaluation)
        measurer_id = self.env["ir.model.data"]._xmlid_to_res_id(MEASURER_XMLID, raise_if_not_found=False)
        measurer = self.env["res.users"].browse(measurer_id)
        if not measurer_id:
            raise UserError(
                self.env._("The KPI measuring user is missing: upgrade the Service Management (svcms_base) module.")
            )
        return measurer

    @api.model
    def _svcms_measuring_env(self, companies):
        """The environment every evaluation runs in: the measuring user, in ``companies``, never superuser."""
        measurer = self._svcms_measurer()
        missing = companies.filtered(lambda company: company.id not in measurer.sudo()._get_company_ids())
        if missing:
            if not (self.env.su or self.env.user.has_group(MANAGER_GROUP_XMLID)):
                raise UserError(
                    self.env._(
                        "KPIs of %(companies)s were never measured yet: a service management manager must measure "
                        "them once (or wait for the daily run).",
                        companies=", ".join(missing.mapped("name")),
                    )
                )
            self._svcms_check_manager()
            measurer.sudo().write({"company_ids": [Command.link(company.id) for company in missing]})
        context = dict(self.env.context, tz=self.env.tz.zone, allowed_company_ids=companies.ids, active_test=True)
        return self.env(user=measurer.id, su=False, context=context)

    @api.model
    def _svcms_sync_kpi_measurer(self):
        """Give the measuring group read access to every measurable model, and the user every company.

        Called by the data of each addon that declares measurable models, at install and upgrade.
        """
        self._svcms_check_manager()
        group = self.env.ref(MEASURER_GROUP_XMLID)
        Access = self.env["ir.model.access"].sudo()
        covered = set(Access.search([("group_id", "=", group.id), ("perm_read", "=", True)]).model_id.mapped("model"))
        IrModel = self.env["ir.model"].sudo()
        missing = IrModel.search([("model", "in", sorted(self._svcms_measurable_models() - covered))])
        Access.create(
            [
                {
                    "name": f"svcms kpi measurer: {model.model}",
                    "model_id": model.id,
                    "group_id": group.id,
                    "perm_read": True,
                    "perm_write": False,
                    "perm_create": False,
                    "perm_unlink": False,
                }
                for model in missing
            ]
        )
        measurer = self._svcms_measurer().sudo()
        companies = self.env["res.company"].sudo().search([]) - measurer.company_ids
        if companies:
            measurer.write({"company_ids": [Command.link(company.id) for company in companies]})
        return True

    # ------------------------------------------------------------------ evaluation
    def _evaluate(self, date_from, date_to, company):
        """Measure one period [date_from, date_to) for one company.

        :return: {"value": float or None, "numerator": int, "denominator": int}
        """
        self.ensure_one()
        return self._evaluate_batch([(date_from, date_to, company)])[(self.id, date_from, date_to, company.id)]

    def _evaluate_batch(self, periods):
        """Measure every definition of ``self`` on every (date_from, date_to, company) of ``periods``.

        One `_read_group` per definition covers all the periods and companies (a second one for
        the numerator of ratios): the cost depends on the number of definitions, never on the
        number of records, KPIs or periods.

        :return: {(definition_id, date_from, date_to, company_id): result} (see `_evaluate`)
        """
        periods = list(dict.fromkeys((start, end, company) for start, end, company in periods))
        results = {}
        if not periods:
            return results
        for definition in self:
            results.update(definition._evaluate_periods(periods))
        return results

    def _evaluate_periods(self, periods):
        self.ensure_one()
        # Checked again here: the registry may have changed since the definition was written.
        self._svcms_check_measurable()
        companies = self.env["res.company"].browse({company.id for _start, _end, company in periods})
        env = self._svcms_measuring_env(companies)
        if not env[self.model_name].has_access("read"):
            # A model declared measurable since the last upgrade: grant the read right now if we may.
            self._svcms_sync_kpi_measurer()
        if self.measure == "method":
            values = getattr(env[self._name], f"{METHOD_PREFIX}{self.method}")(self, periods)
            return {
                (self.id, start, end, company.id): values[(start, end, company.id)] for start, end, company in periods
            }

        model = env[self.model_name]
        domain, granularity, by_company = self._svcms_scope(model, periods)
        groupby = [f"{self.date_field}:{granularity}"] + (["company_id"] if by_company else [])
        aggregates = ["__count"]
        if self.measure in ("sum", "avg"):
            aggregates += [f"{self.value_field}:sum", f"{self.value_field}:count"]
        buckets = self._buckets(model._read_group(domain, groupby, aggregates), by_company)
        numerator_buckets = {}
        if self.measure == "ratio":
            numerator_domain = Domain.AND([domain, self._parse_domain(self.numerator_domain)])
            numerator_buckets = self._buckets(model._read_group(numerator_domain, groupby, ["__count"]), by_company)

        results = {}
        for start, end, company in periods:
            totals = self._sum_buckets(buckets, start, end, company.id if by_company else False)
            numerator = self._sum_buckets(numerator_buckets, start, end, company.id if by_company else False)[0]
            results[(self.id, start, end, company.id)] = self._result(totals, numerator)
        return results

    def _svcms_scope_query(self, model, periods):
        """The records of ``model`` (in the measuring environment) a definition looks at over ``periods``.

        Denominator domain, dates of the periods, companies of the periods and record rules: the
        starting point of registered methods.

        :return: (Query, granularity of the periods ("month" or "day"), whether records have a company)
        """
        domain, granularity, by_company = self._svcms_scope(model, periods)
        return model._search(domain), granularity, by_company

    def _svcms_scope(self, model, periods):
        """(domain, granularity, by_company) of `_svcms_scope_query`."""
        self.ensure_one()
        company_field = model._fields.get("company_id")
        by_company = bool(company_field and company_field.store and company_field.type == "many2one")
        granularity = "month" if all(d.day == 1 for start, end, _c in periods for d in (start, end)) else "day"
        domain = Domain.AND(
            [
                self._parse_domain(self.denominator_domain),
                self._period_domain(model, min(p[0] for p in periods), max(p[1] for p in periods)),
                [("company_id", "in", list({p[2].id for p in periods}))] if by_company else [],
            ]
        )
        return domain, granularity, by_company

    def _period_domain(self, model, date_from, date_to):
        if model._fields[self.date_field].type == "date":
            return [(self.date_field, ">=", date_from), (self.date_field, "<", date_to)]
        return [
            (self.date_field, ">=", self._utc_midnight(date_from)),
            (self.date_field, "<", self._utc_midnight(date_to)),
        ]

    def _utc_midnight(self, day):
        """Midnight of ``day`` in the evaluation timezone, as the naive UTC datetime Odoo stores."""
        local = self.env.tz.localize(datetime.datetime.combine(day, datetime.time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @staticmethod
    def _buckets(groups, by_company):
        """{(day, company_id): (count, value_sum, value_count)} from `_read_group` rows."""
        buckets = {}
        for row in groups:
            day = row[0]
            if isinstance(day, datetime.datetime):
                day = day.date()
            company_id = row[1].id if by_company else False
            rest = row[2:] if by_company else row[1:]
            count, value_sum, value_count = [*rest, 0.0, 0][:3]
            buckets[(day, company_id)] = (count, value_sum or 0.0, value_count or 0)
        return buckets

    @staticmethod
    def _sum_buckets(buckets, date_from, date_to, company_id):
        totals = [0, 0.0, 0]
        for (day, bucket_company), values in buckets.items():
            if bucket_company == company_id and date_from <= day < date_to:
                totals = [total + value for total, value in zip(totals, values, strict=True)]
        return totals

    def _result(self, totals, numerator, measure=None):
        count, value_sum, value_count = totals
        measure = measure or self.measure
        if measure == "ratio":
            value = 100.0 * numerator / count if count else None
            return {"value": value, "numerator": numerator, "denominator": count}
        if measure == "count":
            return {"value": float(count), "numerator": count, "denominator": count}
        if measure == "sum":
            return {"value": float(value_sum), "numerator": value_count, "denominator": count}
        value = value_sum / value_count if value_count else None
        return {"value": value, "numerator": value_count, "denominator": count}

    # ------------------------------------------------------------------ registered methods
    @api.model
    @kpi_method(_lt("Mean time to resolve complaints (hours)"), "svcms.complaint")
    def _svcms_kpi_method_complaint_mttr(self, definition, periods):
        """Mean hours from the receipt of a complaint to ``date_field`` (its resolution), per period.

        One SQL query for all the periods and companies, on the records the definition selects
        (denominator domain, record rules of the measuring user).
        """
        model = self.env[definition.model_name]
        query, granularity, by_company = definition._svcms_scope_query(model, periods)
        buckets = {}
        if not query.is_empty():
            day = model._read_group_groupby(model._table, f"{definition.date_field}:{granularity}", query)
            received = model._field_to_sql(model._table, "date_received", query)
            resolved = model._field_to_sql(model._table, definition.date_field, query)
            company = model._field_to_sql(model._table, "company_id", query) if by_company else SQL("NULL")
            hours = SQL("EXTRACT(EPOCH FROM (%s - %s)) / 3600.0", resolved, received)
            query.groupby = SQL("%s, %s", day, company)
            rows = self.env.execute_query(query.select(day, company, SQL("COUNT(*)"), SQL("SUM(%s)", hours)))
            for bucket_day, company_id, count, total in rows:
                if isinstance(bucket_day, datetime.datetime):
                    bucket_day = bucket_day.date()
                buckets[(bucket_day, company_id or False)] = (count, float(total or 0.0), count)
        return {
            (start, end, company.id): definition._result(
                self._sum_buckets(buckets, start, end, company.id if by_company else False), 0, measure="avg"
            )
            for start, end, company in periods
        }
