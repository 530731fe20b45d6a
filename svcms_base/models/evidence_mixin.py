"""Clause-to-evidence: which record types evidence which clauses of the standards.

A model that evidences clauses inherits ``svcms.evidence.mixin`` and declares it once::

    class SvcmsComplaint(models.Model):
        _inherit = ["mail.thread", "svcms.evidence.mixin"]
        _svcms_evidence_clauses = {"iso20000": ("8.3.2",), "gbt27922": ("3.2.1", "3.2.2")}
        _svcms_evidence_date_field = "received_date"     # places a record in a period (default create_date)
        _svcms_evidence_domain = [("state", "!=", "draft")]  # which records count (default: all)

``svcms.clause`` then shows, for each clause, the record types that evidence it and how many records
there are in a period (``svcms.clause._svcms_evidence_counts``), and audits draw samples of them
(``_svcms_evidence_sample``). Counting is one ``_read_group`` per record type, never per record.

Optional declarations:

- ``_svcms_evidence_date_field = None``: a register (outlets, processes, risks ...) whose current records are
  the evidence whatever the period; a dotted path (``"request_id.request_date"``) dates a line by its parent.
- ``_svcms_evidence_split_field`` + ``_svcms_evidence_split``: a record type evidencing different clauses by
  the value of one selection field (service requests: installation for 2.4.1, repairs for 2.4.2)::

      _svcms_evidence_split_field = "request_type"
      _svcms_evidence_split = {("gbt27922", "2.4.1"): ("installation",)}

  A clause named in ``_svcms_evidence_split`` counts only the records with those values; the other declared
  clauses count them all. Still one aggregate (grouped by the field) per record type.
"""

import datetime

import pytz

from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL


class SvcmsEvidenceMixin(models.AbstractModel):
    _name = "svcms.evidence.mixin"
    _description = "Clause Evidence"

    # standard (svcms.clause.standard) -> clause codes this record type evidences
    _svcms_evidence_clauses = {}
    _svcms_evidence_date_field = "create_date"
    _svcms_evidence_domain = []
    # the many2one towards svcms.management.system, when records belong to one system
    _svcms_evidence_system_field = None
    # selection field splitting the records between clauses, and (standard, code) -> values of that field
    _svcms_evidence_split_field = None
    _svcms_evidence_split = {}

    @api.model
    def _svcms_evidence_date_type(self):
        """Type (``date``/``datetime``) of the field placing a record in a period, following a dotted path."""
        model = self
        *path, last = self._svcms_evidence_date_field.split(".")
        for name in path:
            model = self.env[model._fields[name].comodel_name]
        return model._fields[last].type

    @api.model
    def _svcms_evidence_period_domain(self, date_from, date_to, companies=None, system=None):
        """Records of this type in ``[date_from, date_to]`` (dates, both included) for the companies and system."""
        date_field = self._svcms_evidence_date_field
        if not date_field:
            domain = Domain.TRUE
        elif self._svcms_evidence_date_type() == "datetime":
            start, stop = self._svcms_evidence_bounds(date_from, date_to)
            domain = Domain(date_field, ">=", start) & Domain(date_field, "<", stop)
        else:
            domain = Domain(date_field, ">=", date_from) & Domain(date_field, "<=", date_to)
        domain &= Domain(self._svcms_evidence_domain)
        if companies is not None and "company_id" in self._fields and self._fields["company_id"].store:
            domain &= Domain("company_id", "in", companies.ids)
        if system and self._svcms_evidence_system_field:
            domain &= Domain(self._svcms_evidence_system_field, "in", [system.id, False])
        return domain

    @api.model
    def _svcms_evidence_bounds(self, date_from, date_to):
        """UTC datetimes of midnight before ``date_from`` and after ``date_to`` in the user's timezone."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        start = tz.localize(datetime.datetime.combine(date_from, datetime.time.min))
        stop = tz.localize(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    @api.model
    def _svcms_evidence_count(self, date_from, date_to, companies=None, system=None):
        """Number of records of this type in the period: one SQL aggregate."""
        domain = self._svcms_evidence_period_domain(date_from, date_to, companies, system)
        [(count,)] = self._read_group(domain, aggregates=["__count"])
        return count

    @api.model
    def _svcms_evidence_split_counts(self, date_from, date_to, companies=None, system=None):
        """``(total, {value of the split field: count})`` in the period: one SQL aggregate."""
        domain = self._svcms_evidence_period_domain(date_from, date_to, companies, system)
        split_field = self._svcms_evidence_split_field
        if not split_field:
            [(count,)] = self._read_group(domain, aggregates=["__count"])
            return count, {}
        by_value = dict(self._read_group(domain, [split_field], ["__count"]))
        return sum(by_value.values()), by_value

    @api.model
    def _svcms_evidence_clause_values(self, standard, code):
        """Values of the split field whose records evidence clause ``code`` (None: every record)."""
        values = self._svcms_evidence_split.get((standard, code))
        return tuple(values) if values is not None else None

    @api.model
    def _svcms_evidence_sample(self, date_from, date_to, size, companies=None, system=None, clause=None):
        """``size`` records of this type drawn at random from the period (record rules apply); with ``clause``
        (an svcms.clause), only the records evidencing that clause (split record types)."""
        domain = self._svcms_evidence_period_domain(date_from, date_to, companies, system)
        values = clause and self._svcms_evidence_clause_values(clause.standard, clause.code)
        if values is not None and clause:
            domain &= Domain(self._svcms_evidence_split_field, "in", list(values))
        query = self._search(domain)
        query.order = SQL("RANDOM()")
        query.limit = size
        return self.browse(query)

    @api.model
    def _svcms_evidence_clause_codes(self, standard):
        """Clause codes of ``standard`` this record type evidences (declared or split)."""
        codes = list(self._svcms_evidence_clauses.get(standard, ()))
        codes += [code for std, code in self._svcms_evidence_split if std == standard and code not in codes]
        return tuple(codes)
