import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil as safe_dateutil
from odoo.tools.safe_eval import safe_eval

NUMERIC_TYPES = ("integer", "float", "monetary")
DATE_TYPES = ("date", "datetime")


class SvcmsKpiDefinition(models.Model):
    """How a computed KPI is measured on live records (see KPI_CONTRACT.md).

    Every evaluation is a handful of SQL aggregates (`_read_group`): the records themselves are
    never loaded, so measuring costs the same for ten records or a million.
    """

    _name = "svcms.kpi.definition"
    _description = "KPI Definition"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical key other modules use to refer to this definition.")
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    model_id = fields.Many2one(
        "ir.model",
        string="Model",
        required=True,
        ondelete="cascade",
        domain=[("transient", "=", False)],
        help="Records of this model are counted or aggregated.",
    )
    model_name = fields.Char(related="model_id.model", store=True, string="Model Name")
    measure = fields.Selection(
        [
            ("ratio", "Ratio (%)"),
            ("count", "Count"),
            ("sum", "Sum"),
            ("avg", "Average"),
        ],
        required=True,
        default="ratio",
        help="Ratio: 100 x records matching numerator and denominator / records matching the denominator.\n"
        "Count: records matching the denominator.\n"
        "Sum / Average: of the value field over the records matching the denominator.",
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

    # ------------------------------------------------------------------ validation
    @api.constrains("model_id", "measure", "date_field", "value_field", "denominator_domain", "numerator_domain")
    def _check_definition(self):
        for definition in self:
            model = self.env.get(definition.model_name)
            if model is None:
                raise ValidationError(self.env._("The model of KPI definition %s is not available.", definition.name))
            field = model._fields.get(definition.date_field)
            if not field or field.type not in DATE_TYPES or not field.store:
                raise ValidationError(
                    self.env._(
                        "KPI definition %(name)s: %(field)s is not a stored date field of %(model)s.",
                        name=definition.name,
                        field=definition.date_field,
                        model=definition.model_name,
                    )
                )
            if definition.measure in ("sum", "avg"):
                value = model._fields.get(definition.value_field or "")
                if not value or value.type not in NUMERIC_TYPES or not value.store:
                    raise ValidationError(
                        self.env._(
                            "KPI definition %(name)s: a sum or an average needs a stored numeric value field.",
                            name=definition.name,
                        )
                    )
            for domain in (definition.denominator_domain, definition.numerator_domain):
                try:
                    Domain(definition._parse_domain(domain)).validate(model.sudo())
                except Exception as error:
                    raise ValidationError(
                        self.env._(
                            "KPI definition %(name)s: invalid domain %(domain)s (%(error)s).",
                            name=definition.name,
                            domain=domain,
                            error=error,
                        )
                    ) from error

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
        # Computed KPIs measure what happened, whoever asks: the company filter is explicit.
        model = self.env[self.model_name].sudo().with_context(tz=self.env.tz.zone)
        company_field = model._fields.get("company_id")
        by_company = bool(company_field and company_field.store and company_field.type == "many2one")
        granularity = "month" if all(d.day == 1 for start, end, _c in periods for d in (start, end)) else "day"
        groupby = [f"{self.date_field}:{granularity}"] + (["company_id"] if by_company else [])
        domain = Domain.AND(
            [
                self._parse_domain(self.denominator_domain),
                self._period_domain(model, min(p[0] for p in periods), max(p[1] for p in periods)),
                [("company_id", "in", list({p[2].id for p in periods}))] if by_company else [],
            ]
        )
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

    def _result(self, totals, numerator):
        count, value_sum, value_count = totals
        if self.measure == "ratio":
            value = 100.0 * numerator / count if count else None
            return {"value": value, "numerator": numerator, "denominator": count}
        if self.measure == "count":
            return {"value": float(count), "numerator": count, "denominator": count}
        if self.measure == "sum":
            return {"value": float(value_sum), "numerator": value_count, "denominator": count}
        value = value_sum / value_count if value_count else None
        return {"value": value, "numerator": value_count, "denominator": count}
