from odoo import fields, models


class SvcmsOutage(models.Model):
    """A period a service was unavailable, planned (maintenance) or not (an incident) (ISO/IEC 20000-1
    8.7.1). Skeleton: the availability area owns this file."""

    _name = "svcms.outage"
    _description = "Service Outage"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    service_id = fields.Many2one("svcms.service", required=True, index=True, check_company=True)
    incident_id = fields.Many2one("svcms.incident", index="btree_not_null", check_company=True)
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    date_start = fields.Datetime(string="Start", required=True, index=True)
    date_end = fields.Datetime(string="End")
    planned = fields.Boolean(help="A planned maintenance window, not counted against the availability target.")

    def _svcms_availability(self, services, date_from, date_to):
        """``{service id: availability %}`` of ``services`` between two datetimes: the share of the
        period not covered by unplanned outages. The availability area replaces this with SQL."""
        total = (date_to - date_from).total_seconds()
        result = {}
        for service in services:
            down = 0.0
            outages = self.search(
                [
                    ("service_id", "=", service.id),
                    ("planned", "=", False),
                    ("date_start", "<", date_to),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">", date_from),
                ]
            )
            for outage in outages:
                end = min(outage.date_end or date_to, date_to)
                down += (end - max(outage.date_start, date_from)).total_seconds()
            result[service.id] = 100.0 * (total - down) / total if total > 0 else 100.0
        return result
