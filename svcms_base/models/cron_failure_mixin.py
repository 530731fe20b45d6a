"""Failure bookkeeping for the items a scheduled action processes one batch at a time.

A daily cron (KPI measurements, risk reviews, certification renewals) must not stop on one broken
item, nor skip it silently. Its consumers inherit ``svcms.cron.failure.mixin`` and process their
batch with ``records._svcms_cron_process(function)``:

* the whole batch runs in one savepoint (the cheap, normal case);
* if it fails, every item runs again in its own savepoint: the good ones are kept, each broken one
  is rolled back, logged, and its failure counter, last error and time of failure are stored on it
  (shown in its form);
* an item that failed today is left out of the rest of today's runs (``_svcms_cron_retry_domain``),
  so that it cannot keep a batch busy; the next daily run tries it again and either clears its
  failure or counts one more.

Two workers (two cron threads or processes, "Run manually" while the scheduler runs, two crons on
the same records) must never process a record twice. Odoo locks the ``ir_cron`` row, so one job
never runs twice at once through the scheduler, but nothing else prevents the overlap. Before
processing, ``_svcms_cron_process`` therefore *takes* its batch (``take_for_cron``), in one
statement::

    UPDATE <table> SET write_date = write_date
     WHERE id IN (SELECT id FROM <table> WHERE id IN <batch> FOR NO KEY UPDATE SKIP LOCKED)
    RETURNING id

and processes only the rows it returns:

* a row that another worker has taken and not yet committed is locked: it is skipped (SKIP LOCKED),
  the other worker processes it;
* a row that another worker took and committed after this transaction began (Odoo runs REPEATABLE
  READ, so this worker's search still saw it due) raises a serialization failure when locked. The
  batch is then taken again row by row, each in a savepoint: such rows are skipped (the other worker
  processed them; the next run sees their new state), the others are taken;
* the UPDATE is the mark that makes the second case work. Processing often only *creates* rows
  (activities, messages, measurements, visits) without updating the processed row itself, and a row
  that was merely locked and then released does not conflict; a row that was updated does. The
  UPDATE changes no value (``write_date`` keeps its value, no ORM field is modified) but writes a new
  row version, so it is the same for every model, needs no column and triggers nothing.

The lock and the mark are held until the worker commits (the cron's ``_commit_progress``), so the
records of one batch are processed by exactly one worker. Crons that do not process through
``_svcms_cron_process`` call ``take_for_cron`` themselves or say why they are idempotent under
concurrency (``test_cron_concurrency.py`` runs them in two workers at once).
"""

import datetime
import logging

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

# Concurrency errors are the cron runner's business (it retries the job): never swallow them.
RETRYABLE_ERRORS = (SerializationFailure, LockNotAvailable)
CRON_FAILURE_FIELDS = ("svcms_cron_failure_count", "svcms_cron_last_error", "svcms_cron_failed_at")


def _take(cr, table, ids):
    cr.execute(
        SQL(
            """
            UPDATE %(table)s SET write_date = write_date
             WHERE id IN (SELECT id FROM %(table)s WHERE id IN %(ids)s FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING id
            """,
            table=SQL.identifier(table),
            ids=tuple(ids),
        )
    )
    return {row[0] for row in cr.fetchall()}


def take_for_cron(records):
    """Lock and mark the rows of ``records`` for this transaction; return the records taken, in order.

    Rows locked by another transaction, or updated by one that committed after this transaction's
    snapshot, are left out: another worker is processing them or has processed them (module docstring).
    """
    ids = [record_id for record_id in records.ids if record_id]
    if not ids:
        return records.browse()
    cr = records.env.cr
    taken = set()
    for chunk in split_every(cr.IN_MAX, ids):
        try:
            with cr.savepoint(flush=False):
                taken |= _take(cr, records._table, chunk)
        except SerializationFailure:
            # some rows were processed by a worker that committed since this transaction began
            for record_id in chunk:
                try:
                    with cr.savepoint(flush=False):
                        taken |= _take(cr, records._table, [record_id])
                except SerializationFailure:  # pylint: disable=except-pass; another worker did it: skip the row
                    pass
    skipped = len(ids) - len(taken)
    if skipped:
        _logger.info("%s: %s record(s) left to another worker processing them.", records._name, skipped)
    return records.browse([record_id for record_id in ids if record_id in taken])


class SvcmsCronFailureMixin(models.AbstractModel):
    _name = "svcms.cron.failure.mixin"
    _description = "SVCMS Scheduled Action Failures"

    svcms_cron_failure_count = fields.Integer(
        string="Failed Scheduled Runs",
        readonly=True,
        copy=False,
        help="Consecutive scheduled runs that failed on this record; reset by the next successful run.",
    )
    svcms_cron_last_error = fields.Text(string="Last Scheduled Run Error", readonly=True, copy=False)
    svcms_cron_failed_at = fields.Datetime(
        string="Last Failed On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The scheduled action leaves the record out of its runs for the rest of that day.",
    )

    def _svcms_cron_retry_domain(self, path=None):
        """Records (or the records reached through ``path``) that did not fail today."""
        start_of_day = datetime.datetime.combine(fields.Date.today(), datetime.time.min)
        condition = Domain("svcms_cron_failed_at", "=", False) | Domain("svcms_cron_failed_at", "<", start_of_day)
        return Domain(path, "any", condition) if path else condition

    def _svcms_cron_failed(self, error):
        """Log ``error`` and store it on ``self`` (called after the savepoint was rolled back)."""
        _logger.warning(
            "%s %s: scheduled processing failed and was skipped: %s",
            self._name,
            self.ids,
            error,
            exc_info=error,
        )
        message = f"{type(error).__name__}: {error}"
        now = fields.Datetime.now()
        for record in self:
            record.write(
                {
                    "svcms_cron_failure_count": record.svcms_cron_failure_count + 1,
                    "svcms_cron_last_error": message,
                    "svcms_cron_failed_at": now,
                }
            )

    def _svcms_cron_succeeded(self):
        failed = self.filtered("svcms_cron_failure_count")
        if failed:
            failed.write(dict.fromkeys(CRON_FAILURE_FIELDS, False))

    def _svcms_cron_process(self, function):
        """Run ``function(records)`` on the records of ``self`` this worker takes (``take_for_cron``): one
        savepoint for the batch, then one per record if it fails.

        :return: the records processed successfully
        """
        records = take_for_cron(self)
        if not records:
            return records
        try:
            with self.env.cr.savepoint():
                function(records)
            done = records
        except RETRYABLE_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - isolate the broken record below
            done = records.browse()
            for record in records:
                try:
                    with self.env.cr.savepoint():
                        function(record)
                except RETRYABLE_ERRORS:
                    raise
                except Exception as error:  # noqa: BLE001 - recorded on the record, the rest goes on
                    record._svcms_cron_failed(error)
                else:
                    done |= record
        done._svcms_cron_succeeded()
        return done
