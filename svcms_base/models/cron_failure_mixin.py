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
"""

import datetime
import logging

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import fields, models
from odoo.fields import Domain

_logger = logging.getLogger(__name__)

# Concurrency errors are the cron runner's business (it retries the job): never swallow them.
RETRYABLE_ERRORS = (SerializationFailure, LockNotAvailable)
CRON_FAILURE_FIELDS = ("svcms_cron_failure_count", "svcms_cron_last_error", "svcms_cron_failed_at")


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
        """Run ``function(records)`` on ``self``: one savepoint for the batch, then one per record if it fails.

        :return: the records processed successfully
        """
        if not self:
            return self
        try:
            with self.env.cr.savepoint():
                function(self)
            done = self
        except RETRYABLE_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - isolate the broken record below
            done = self.browse()
            for record in self:
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
