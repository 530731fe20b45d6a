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

    @api.model
    def _svcms_evidence_period_domain(self, date_from, date_to, companies=None, system=None):
        """Records of this type in ``[date_from, date_to]`` (dates, both included) for the companies and system."""
        field = self._fields[self._svcms_evidence_date_field]
        start, stop = date_from, date_to
        if field.type == "datetime":
            start, stop = self._svcms_evidence_bounds(date_from, date_to)
            domain = Domain(field.name, ">=", start) & Domain(field.name, "<", stop)
        else:
            domain = Domain(field.name, ">=", start) & Domain(field.name, "<=", stop)
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
    def _svcms_evidence_sample(self, date_from, date_to, size, companies=None, system=None):
        """``size`` records of this type drawn at random from the period (record rules apply)."""
        domain = self._svcms_evidence_period_domain(date_from, date_to, companies, system)
        query = self._search(domain)
        query.order = SQL("RANDOM()")
        query.limit = size
        return self.browse(query)

    @api.model
    def _svcms_evidence_clause_codes(self, standard):
        return tuple(self._svcms_evidence_clauses.get(standard, ()))
