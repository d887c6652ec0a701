"""A report slow to compute (a province's) is kept for a few minutes and the page says when it was computed;
`?fresh=1` computes it again; a fast one (a ward's) is always computed afresh; kept figures never bypass access."""
from __future__ import annotations

import time

import pytest
import time_machine

from handbook.extensions import db
from handbook.org.models import Role
from handbook.reports import compliance, kept
from tests.reports.test_meetings_compliance import NOW, build
from tests.support import get_csrf, signed_in


@pytest.fixture
def scene(app, factory):
    with time_machine.travel(NOW, tick=False):
        found = build(factory)
        factory.grant(factory.user("canbo@test.vn"), found["ward"], Role.CAN_BO)
        factory.grant(factory.user("canbo@khac.vn"), found["other"], Role.CAN_BO)
        db.session.commit()
    kept.forget()
    app.config.update(REPORTS_KEEP_SECONDS=600, REPORTS_KEEP_SLOWER_THAN_MS=0)  # everything counts as slow
    yield found
    app.config.update(REPORTS_KEEP_SECONDS=0, REPORTS_KEEP_SLOWER_THAN_MS=250)
    kept.forget()


def test_a_slow_report_is_kept_and_said_so(app, scene, monkeypatch):
    calls = []
    real = compliance.compliance_report
    monkeypatch.setattr(compliance, "compliance_report", lambda *a, **k: calls.append(1) or real(*a, **k))
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        first = client.get("/reports/meetings?month=2026-11").get_data(as_text=True)
        assert "Số liệu tính lúc" not in first and len(calls) == 1
        second = client.get("/reports/meetings?month=2026-11").get_data(as_text=True)
        assert len(calls) == 1 and "Số liệu tính lúc 10:00 06/12/2026" in second and "fresh=1" in second
        client.get("/reports/meetings?month=2026-11&fresh=1")
        assert len(calls) == 2
        # kept figures are still only for those who may see them
        other = signed_in(app, "canbo@khac.vn")
        assert other.get(f"/reports/meetings?organisation_id={scene['ward'].id}&month=2026-11").status_code == 404


def test_a_fast_report_is_computed_every_time(app, scene):
    app.config.update(REPORTS_KEEP_SLOWER_THAN_MS=60_000)
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        client.get("/reports/reach")
        assert "Số liệu tính lúc" not in client.get("/reports/reach").get_data(as_text=True)


def test_kept_results_expire(app, scene):
    app.config.update(REPORTS_KEEP_SECONDS=1)
    with app.test_request_context("/"):
        made = []
        assert kept.kept("x", (1,), lambda: made.append(1) or len(made)) == 1
        assert kept.kept("x", (1,), lambda: made.append(1) or len(made)) == 1
        time.sleep(1.05)
        assert kept.kept("x", (1,), lambda: made.append(1) or len(made)) == 2


def test_a_kept_report_serves_every_request_and_language(app, scene):
    """The kept report's organisation belongs to the request that computed it: later requests read their own (the
    page after the workbook, the print after the page), in their own language, whatever their query says."""
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, "canbo@test.vn")
        for path in ("/reports/meetings.xlsx?month=2026-11", "/reports/meetings?month=2026-11",
                     "/reports/meetings/print?month=2026-11", "/reports/reach", "/reports/reach.xlsx",
                     "/reports/reach", "/reports/composition", "/reports/composition.xlsx", "/reports/composition",
                     "/reports", "/reports"):
            assert client.get(path).status_code == 200, path
        crafted = client.get("/reports/meetings?month=2026-11&endpoint=x&_method=POST")
        assert crafted.status_code == 200 and "fresh=1" in crafted.get_data(as_text=True)
        client.post("/language/en", data={"csrf_token": get_csrf(client, "/activate")})
        english = client.get("/reports/composition").get_data(as_text=True)
        assert "Total members" in english and "Tổng số đảng viên" not in english
