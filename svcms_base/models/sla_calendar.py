import logging
from datetime import date, datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools.translate import LazyTranslate

_logger = logging.getLogger(__name__)
MANAGER_GROUP = "svcms_base.group_svcms_manager"
_lt = LazyTranslate(__name__)

NEW_YEAR = _lt("New Year's Day")
SPRING_FESTIVAL = _lt("Spring Festival")
QINGMING = _lt("Qingming Festival")
LABOUR_DAY = _lt("Labour Day")
DRAGON_BOAT = _lt("Dragon Boat Festival")
MID_AUTUMN = _lt("Mid-Autumn Festival")
NATIONAL_DAY = _lt("National Day")
NATIONAL_DAY_MID_AUTUMN = _lt("National Day and Mid-Autumn Festival")

# Official public holidays of the People's Republic of China (State Council General Office notices),
# first and last day off. The make-up working weekends (调休上班) cannot be expressed by a weekly
# resource calendar and are not loaded: add a one-off attendance by hand if your clock must count them.
CN_PUBLIC_HOLIDAYS = {
    2025: [
        (NEW_YEAR, (1, 1), (1, 1)),
        (SPRING_FESTIVAL, (1, 28), (2, 4)),
        (QINGMING, (4, 4), (4, 6)),
        (LABOUR_DAY, (5, 1), (5, 5)),
        (DRAGON_BOAT, (5, 31), (6, 2)),
        (NATIONAL_DAY_MID_AUTUMN, (10, 1), (10, 8)),
    ],
    2026: [
        (NEW_YEAR, (1, 1), (1, 3)),
        (SPRING_FESTIVAL, (2, 15), (2, 23)),
        (QINGMING, (4, 4), (4, 6)),
        (LABOUR_DAY, (5, 1), (5, 5)),
        (DRAGON_BOAT, (6, 19), (6, 21)),
        (MID_AUTUMN, (9, 25), (9, 27)),
        (NATIONAL_DAY, (10, 1), (10, 7)),
    ],
}
# Years not in the table: the holidays whose dates do not follow the lunar calendar.
CN_FIXED_HOLIDAYS = [
    (NEW_YEAR, (1, 1), (1, 1)),
    (LABOUR_DAY, (5, 1), (5, 5)),
    (NATIONAL_DAY, (10, 1), (10, 7)),
]


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _svcms_load_cn_public_holidays(self, year=None):
        """Create the Chinese public holidays of ``year`` as closures (leaves without a resource).

        Each holiday runs from local midnight of its first day to local midnight after its last
        day, so a clock stops exactly at the boundary. Holidays already present are kept. The
        closures are written as superuser (they are company-wide), so only a service management
        manager may load them.
        """
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a service management manager may load the public holidays into working calendars.")
            )
        year = year or fields.Date.context_today(self).year
        holidays = CN_PUBLIC_HOLIDAYS.get(year)
        if holidays is None:
            _logger.warning("No official Chinese holiday table for %s: only the fixed-date holidays are loaded.", year)
            holidays = CN_FIXED_HOLIDAYS
        Leave = self.env["resource.calendar.leaves"].sudo()
        vals_list = []
        for calendar in self:
            tz = pytz.timezone(calendar.tz or "Asia/Shanghai")
            for name, (m1, d1), (m2, d2) in holidays:
                start = tz.localize(datetime.combine(date(year, m1, d1), time.min))
                end = tz.localize(datetime.combine(date(year, m2, d2) + timedelta(days=1), time.min))
                date_from = start.astimezone(pytz.utc).replace(tzinfo=None)
                date_to = end.astimezone(pytz.utc).replace(tzinfo=None)
                if Leave.search_count(
                    [
                        ("calendar_id", "=", calendar.id),
                        ("resource_id", "=", False),
                        ("date_from", "=", date_from),
                        ("date_to", "=", date_to),
                    ]
                ):
                    continue
                vals_list.append(
                    {
                        "name": f"{name} {year}",
                        "calendar_id": calendar.id,
                        "company_id": calendar.company_id.id or self.env.company.id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "time_type": "leave",
                    }
                )
        return Leave.create(vals_list)

    def action_svcms_load_cn_holidays(self):
        self._svcms_load_cn_public_holidays()
        return True

    def write(self, vals):
        result = super().write(vals)
        if {"attendance_ids", "tz"} & set(vals):
            self.env["svcms.sla.line"]._sla_replay_calendars(self)
        return result
