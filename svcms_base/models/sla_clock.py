"""Working-time arithmetic of the SLA engine (a helper, not a model).

A ``WorkClock`` answers two questions for one working calendar read in one timezone:
how much working time lies between two instants, and when a given amount of working time
after an instant is reached. It fetches the calendar's work intervals (attendances minus the
leaves that have no resource, i.e. public holidays and closures) once for a window of weeks and
answers every further question from memory with a binary search, so planning the deadlines of a
batch of ten thousand records costs the same few queries as planning one.

Every instant is a naive UTC datetime with whole seconds (what Odoo stores); durations are whole
seconds. Attendances are laid out in the clock's timezone, so a working day of 08:00-17:00 stays
08:00-17:00 local time on both sides of a daylight saving change.
"""

import bisect
from datetime import timedelta

import pytz

FETCH_SPAN = timedelta(days=63)
LOOKAHEAD_LIMIT = timedelta(days=3 * 366)


def _to_utc_naive(value):
    return value.astimezone(pytz.utc).replace(tzinfo=None)


class WorkClock:
    """Working time of ``calendar`` read in timezone ``tz_name`` (falls back to the calendar's)."""

    def __init__(self, calendar, tz_name=None):
        self.calendar = calendar
        self.tz = pytz.timezone(tz_name or calendar.tz or "UTC")
        self.low = self.high = None
        self.starts = []
        self.ends = []
        self.cum_start = []  # working seconds before interval i
        self.cum_end = []  # working seconds up to the end of interval i

    # ------------------------------------------------------------------ loading
    def _fetch(self, low, high):
        intervals = self.calendar._work_intervals_batch(
            pytz.utc.localize(low), pytz.utc.localize(high), tz=self.tz, compute_leaves=True
        )[False]
        result = []
        for start, stop, _meta in intervals:
            start = _to_utc_naive(start).replace(microsecond=0)
            stop = _to_utc_naive(stop)
            if stop.microsecond:
                # an attendance "until 24:00" ends at 23:59:59.999999: it really ends at midnight
                stop = stop.replace(microsecond=0) + timedelta(seconds=1)
            if stop > start:
                result.append((start, stop))
        return result

    def _set(self, intervals):
        merged = []
        for start, stop in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
            else:
                merged.append((start, stop))
        self.starts = [start for start, _stop in merged]
        self.ends = [stop for _start, stop in merged]
        self.cum_start, self.cum_end, total = [], [], 0
        for start, stop in merged:
            self.cum_start.append(total)
            total += int((stop - start).total_seconds())
            self.cum_end.append(total)

    def _cover(self, low, high):
        """Make sure the work intervals of [low, high] are loaded."""
        if self.low is None:
            self.low, self.high = low - timedelta(days=1), max(high, low + FETCH_SPAN)
            self._set(self._fetch(self.low, self.high))
            return
        current = list(zip(self.starts, self.ends, strict=True))
        if low < self.low:
            new_low = min(low - timedelta(days=1), self.low - FETCH_SPAN)
            current = self._fetch(new_low, self.low) + current
            self.low = new_low
        if high > self.high:
            new_high = max(high, self.high + FETCH_SPAN)
            current += self._fetch(self.high, new_high)
            self.high = new_high
        self._set(current)

    def _position(self, moment):
        """Working seconds from the start of the loaded window up to ``moment``."""
        index = bisect.bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0
        return self.cum_start[index] + int((min(moment, self.ends[index]) - self.starts[index]).total_seconds())

    # ------------------------------------------------------------------ questions
    def work_seconds(self, start, stop):
        """Working seconds in [start, stop)."""
        if not start or not stop or stop <= start:
            return 0
        if self.low is None or start < self.low or stop > self.high:
            self._cover(start, stop)
        return self._position(stop) - self._position(start)

    def add(self, start, seconds):
        """The instant at which ``seconds`` of working time after ``start`` have elapsed.

        Like ``resource.calendar.plan_hours``, an amount that ends exactly at the end of a working
        interval returns that end (17:00 on the day), never the start of the next one.
        Returns None when the calendar has no working time in the next three years.
        """
        if seconds <= 0:
            return start
        if self.low is None or start < self.low or start + timedelta(days=1) > self.high:
            self._cover(start, start + timedelta(days=1))
        target = self._position(start) + seconds
        while not self.cum_end or self.cum_end[-1] < target:
            if self.high - start > LOOKAHEAD_LIMIT:
                return None
            self._cover(start, self.high + FETCH_SPAN)
            target = self._position(start) + seconds
        index = bisect.bisect_left(self.cum_end, target)
        return self.starts[index] + timedelta(seconds=target - self.cum_start[index])

    def is_working(self, moment):
        """True when ``moment`` lies inside a working interval (an interval's end is outside it)."""
        if self.low is None or moment < self.low or moment >= self.high:
            self._cover(moment, moment + timedelta(days=1))
        index = bisect.bisect_right(self.starts, moment) - 1
        return index >= 0 and moment < self.ends[index]

    def next_working(self, moment):
        """``moment`` itself when it is working time, otherwise the start of the next working interval."""
        if self.is_working(moment):
            return moment
        while True:
            index = bisect.bisect_right(self.starts, moment)
            if index < len(self.starts):
                return self.starts[index]
            if self.high - moment > LOOKAHEAD_LIMIT:
                return moment
            self._cover(moment, self.high + FETCH_SPAN)


class ClockRegistry:
    """One WorkClock per (calendar, timezone), shared by every line of a batch."""

    def __init__(self, env):
        self.env = env
        self.clocks = {}

    def get(self, calendar_id, tz_name):
        key = (calendar_id, tz_name)
        if key not in self.clocks:
            calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
            self.clocks[key] = WorkClock(calendar, tz_name)
        return self.clocks[key]
