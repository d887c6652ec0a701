"""The composition counted for a subtree alone (the cells below the organisation that day) gives the whole tree's
figures for it, on a past day after a member and a cell moved between wards and on today; the quarter ends counted
with MAIN's figures only give the full count's numbers."""
from __future__ import annotations

from datetime import date
from itertools import cycle

import pytest
import time_machine
from sqlalchemy import event, select

from handbook.audit.service import Actor
from handbook.extensions import db
from handbook.members.models import Gender, MemberStatus, OccupationGroup
from handbook.members.placements import move_member
from handbook.org.history import Decision, known_on
from handbook.org.models import OrgKind, OrgVersion
from handbook.org.service import move_organisation
from handbook.reports import composition as composition_service
from handbook.reports import composition_days as service

TODAY = date(2026, 12, 6)
PAST = date(2026, 9, 30)  # before the moves
MOVED_ON = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2026-12-06 03:00:00+00:00", tick=False):
        yield


@pytest.fixture
def city(app, factory):
    """City → ward A (cells A1, A2, A3; đảng bộ D with D1) and ward B (cells B1–B4), members of every kind; on 01/11 a
    member of A1 moves to B1 and cell A2 moves under ward B."""
    with time_machine.travel("2026-06-01 03:00:00+00:00", tick=False):  # the tree recorded before the moves
        city = factory.org("Thành phố", OrgKind.DANG_BO_TINH)
        a = factory.org("Phường A", OrgKind.DANG_BO_XA, city)
        b = factory.org("Phường B", OrgKind.DANG_BO_XA, city)
        a1, a2 = factory.org("Chi bộ A1", parent=a), factory.org("Chi bộ A2", parent=a)
        d = factory.org("Đảng bộ D", OrgKind.DANG_BO_CO_SO, parent=a)
        d1 = factory.org("Chi bộ D1", parent=d)
        factory.org("Chi bộ A3", parent=a)  # no members: each ward holds at most half the tree, after the move too
        bs = [factory.org(f"Chi bộ B{n}", parent=b) for n in range(1, 5)]
        kinds = cycle([
            {"gender": Gender.NU, "ethnicity": "Kinh", "religion": None, "education": "12/12",
             "political_theory": "Sơ cấp", "occupation_group": OccupationGroup.CONG_NHAN},
            {"status": MemberStatus.DU_BI, "gender": Gender.NAM, "ethnicity": " tày ", "religion": "Phật giáo",
             "education": "12/12 ", "political_theory": "sơ  cấp", "admission_date": date(2026, 8, 1)},
            {"status": MemberStatus.MIEN_SINH_HOAT, "birth_date": None, "gender": None, "ethnicity": "KINH",
             "religion": "Không", "occupation_group": OccupationGroup.HUU_TRI, "admission_date": date(1976, 12, 6)},
            {"status": MemberStatus.TAM_MIEN, "birth_date": date(1950, 1, 1), "ethnicity": "Tày",
             "religion": "Công giáo", "education": "9/12", "political_theory": "Cao cấp",
             "admission_date": date(1986, 12, 7)},
            {"status": MemberStatus.DA_MAT},
        ])
        members = {cell.id: [factory.member(cell, **{"birth_date": date(1960 + n, 3, 1), **next(kinds)})
                             for n in range(size)]
                   for cell, size in ((a1, 4), (a2, 3), (d1, 5), *((cell, 2) for cell in bs))}
        factory.commit()
    move_member(members[a1.id][0], bs[0], on=MOVED_ON, actor=Actor())
    move_organisation(a2, b, decision=Decision("1-QĐ"), on=MOVED_ON, actor=Actor())
    db.session.commit()
    return {"city": city, "a": a, "b": b, "a1": a1, "a2": a2, "d": d, "d1": d1, "b1": bs[0]}


def _kept_cleared():
    for store in (service._kept, service._kept_scoped, service._kept_trees):
        store.clear()


@pytest.mark.parametrize("day", [PAST, TODAY])
@pytest.mark.parametrize("name", ["a", "b", "d"])
def test_a_subtree_counted_alone_equals_the_whole_tree(app, city, day, name):
    _kept_cleared()
    token = service.counts_token()
    org = city[name]
    scoped = service.day_figures(day, token, org.id)
    assert list(service._kept_scoped) and not service._kept  # counted alone, not as the whole tree
    tree = service.tree_on(day, token)
    assert set(scoped.own) < set(service._count_day(day, tree).own) or name == "d"
    whole = service._count_day(day, tree)
    for org_id in service.subtree(tree, org.id):
        assert scoped.values(org_id) == whole.values(org_id), org_id
    assert scoped.values(org.id)["total"] > 0 and scoped.texts["ethnicity"]
    report = composition_service.composition(org, day, today=TODAY)
    assert report.figures == whole.values(org.id)
    assert [c.total for c in report.children] == [whole.values(c.id)["total"] for c in report.children]


def test_the_moves_show_in_the_scoped_counts(app, city):
    _kept_cleared()
    token = service.counts_token()
    totals = {day: {name: service.day_figures(day, token, city[name].id).values(city[name].id)["total"]
                    for name in ("a", "b", "a2", "b1")} for day in (PAST, TODAY)}
    # counted (the dead left out): A1 4, A2 2, D1 4; B1 2, B2 1, B3 2, B4 1
    assert totals[PAST] == {"a": 10, "b": 6, "a2": 2, "b1": 2}
    assert totals[TODAY] == {"a": 10 - 1 - 2, "b": 6 + 1 + 2, "a2": 2, "b1": 3}


@pytest.mark.parametrize("day", [PAST, TODAY])
def test_the_wards_free_text_adds_up_to_the_citys(app, city, day):
    """The city has no members of its own: its two wards' free text, each counted alone, is the whole tree's."""
    _kept_cleared()
    token = service.counts_token()
    whole = service.day_figures(day, token, city["city"].id).texts
    wards = [service.day_figures(day, token, city[name].id).texts for name in ("a", "b")]
    assert list(service._kept) and len(service._kept_scoped) == 2
    for key, *_r in service.TEXTS:
        summed: dict[str, int] = {}
        for ward in wards:
            for value, n in ward[key]:
                summed[value] = summed.get(value, 0) + n
        assert dict(whole[key]) == summed and summed, key
    assert dict(wards[0]["ethnicity"]) == ({"kinh": 5, "tày": 5} if day == PAST else {"kinh": 3, "tày": 4})


def test_the_root_is_counted_as_the_whole_tree(app, city):
    _kept_cleared()
    service.day_figures(TODAY, service.counts_token(), city["city"].id)
    assert list(service._kept) and not service._kept_scoped


@pytest.mark.parametrize("day", [PAST, TODAY, date(2026, 6, 30)])
def test_the_main_figures_alone_equal_the_full_count(app, city, day):
    token = service.counts_token()
    tree = service.tree_on(day, token)
    for scope in (None, service.subtree(tree, city["a"].id)):
        full = service._count_day(day, tree, scope)
        main = service._count_day(day, tree, scope, main=True)
        assert main.keys == service.MAIN and not main.texts
        for org_id in full.totals:
            assert main.values(org_id) == {k: full.values(org_id)[k] for k in service.MAIN}
        assert main.values(city["a"].id)["total"] > 0


def test_the_quarter_ends_read_the_main_figures_only(app, city):
    _kept_cleared()
    statements = []
    listener = lambda _c, _cur, sql, *args: statements.append(sql)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        report = composition_service.composition(city["a"], TODAY, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    counted = [sql for sql in statements if "counted" in sql]
    assert len(counted) == 5
    assert sum("political_theory" in sql for sql in counted) == 1  # the day itself; the quarter ends are narrow
    full = service._count_day(PAST, service.tree_on(PAST, service.counts_token()))
    assert [c.values[3] for c in report.changes] == [full.values(city["a"].id)[k] for k in service.MAIN]


def test_the_days_trees_read_at_once_are_each_days_tree(app, city):
    """One read for the five days gives, for each, the versions `known_on` gives that day: before the history began
    (the first versions), before, on and after the move."""
    days = [date(2000, 1, 1), PAST, date(2026, 10, 31), MOVED_ON, TODAY]
    trees = service._read_trees(days)
    for day in days:
        expected = {org_id: (parent_id, name) for org_id, parent_id, name in db.session.execute(
            select(OrgVersion.organisation_id, OrgVersion.parent_id, OrgVersion.name).where(known_on(OrgVersion, day)))}
        tree = trees[day]
        assert {org_id: (tree.parents[org_id], tree.names[org_id]) for org_id in tree.parents} == expected, day
        assert tree.roots == [city["city"].id]
    assert city["a2"].id in trees[PAST].children[city["a"].id]
    assert city["a2"].id in trees[TODAY].children[city["b"].id]
    assert city["a2"].id not in trees[TODAY].children[city["a"].id]
