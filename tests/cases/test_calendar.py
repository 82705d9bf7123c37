"""Working days: Sunday-Thursday, holidays as data. Known answers (2026-12-04 is a Friday)."""

from datetime import date

import pytest

from cases.calendar import add_working_days, extend_after_hold, is_working_day, working_days_between

FRI, SAT, SUN, MON, TUE, WED, THU = (date(2026, 12, d) for d in (4, 5, 6, 7, 8, 9, 10))
NEXT_SUN, NEXT_MON, NEXT_TUE, NEXT_WED = (date(2026, 12, d) for d in (13, 14, 15, 16))


def test_the_week_is_sunday_to_thursday():
    assert [is_working_day(d) for d in (FRI, SAT, SUN, MON, TUE, WED, THU)] == [False, False] + [True] * 5


@pytest.mark.parametrize(("start", "days", "holidays", "due"), [
    (SUN, 0, (), SUN),
    (SUN, 1, (), MON),
    (THU, 1, (), NEXT_SUN),  # over the weekend
    (FRI, 1, (), SUN),  # received on the weekend: Sunday is the first day
    (WED, 3, (), NEXT_MON),  # Thu, Sun, Mon
    (SUN, 5, (), NEXT_SUN),
    (THU, 1, (NEXT_SUN,), NEXT_MON),  # a holiday does not count
    (WED, 3, (NEXT_SUN, NEXT_MON), NEXT_WED),
])
def test_add_working_days(start, days, holidays, due):
    assert add_working_days(start, days, holidays) == due


def test_working_days_between_counts_the_start_not_the_end():
    assert working_days_between(SUN, NEXT_SUN) == 5
    assert working_days_between(THU, NEXT_SUN) == 1
    assert working_days_between(TUE, TUE) == 0
    assert working_days_between(FRI, SUN) == 0
    assert working_days_between(SUN, NEXT_SUN, {MON}) == 4


def test_a_hold_gives_back_the_working_days_it_lasted():
    # due Monday 14th; held Tuesday 8th, resumed Thursday 10th: Tuesday and Wednesday are given back
    assert extend_after_hold(NEXT_MON, TUE, THU) == NEXT_WED
    # held over a weekend only: nothing
    assert extend_after_hold(NEXT_MON, FRI, SUN) == NEXT_MON
    # a holiday during the hold is not given back, and is skipped when counting forward
    assert extend_after_hold(NEXT_MON, TUE, THU, {WED}) == NEXT_TUE


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(SUN, -1)
