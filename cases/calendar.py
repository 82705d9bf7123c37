"""Working days: Sunday to Thursday, minus holidays (data: ``cases.models.Holiday``). Pure functions.

A deadline of *n* working days from day *d* is the *n*-th working day after *d* (*d* itself does not count: a
case received on Sunday with 1 day is due on Monday). The clock stops while a case is on hold: the working
days from the day it was held up to (not including) the day it resumed are added to its due date.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

# date.weekday(): Monday 0 ... Sunday 6. The Saudi weekend is Friday and Saturday.
WEEKEND = frozenset({4, 5})


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            days -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Working days in [start, end): how long a clock stopped on ``start`` and restarted on ``end`` waited."""
    count, day = 0, start
    while day < end:
        if is_working_day(day, holidays):
            count += 1
        day += timedelta(days=1)
    return count


def extend_after_hold(due: date, held_on: date, resumed_on: date, holidays: Collection[date] = ()) -> date:
    """The due date once a hold from ``held_on`` to ``resumed_on`` is given back (working days)."""
    return add_working_days(due, working_days_between(held_on, resumed_on, holidays), holidays)
