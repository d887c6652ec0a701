"""Fixtures: a fake push service the app may talk to, and a cell with a leader and members."""
from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor

import pytest

from handbook.members.models import MemberStatus
from handbook.org.models import OrgKind, Role
from tests.notify.fake_push import FakePushService


@pytest.fixture
def push(app, monkeypatch):
    with FakePushService() as service:
        monkeypatch.setitem(app.config, "PUSH_ALLOWED_HOSTS", [service.host])
        monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", True)
        yield service
        assert not service.errors, service.errors


def cell_with_leader(factory, ward_name: str, cell_name: str, members: int):
    """A ward, one of its cells, the cell's bí thư (a member too) and `members` members with accounts."""
    ward = factory.org(ward_name, OrgKind.DANG_BO_XA)
    cell = factory.org(cell_name, OrgKind.CHI_BO, ward)
    leader = factory.user("bithu@test.vn", name="Bí thư")
    factory.member(cell, leader)
    factory.grant(leader, cell, Role.BI_THU)
    users = [factory.user(f"dv{i}@test.vn", name=f"Đảng viên {i}") for i in range(members)]
    for user in users:
        factory.member(cell, user)
    return cell, leader, users


@pytest.fixture
def cell_scene(factory):
    cell, leader, members = cell_with_leader(factory, "Đảng bộ phường Hải Châu", "Chi bộ khu dân cư số 3", 2)
    exempt = factory.user("mien@test.vn")
    factory.member(cell, exempt, status=MemberStatus.MIEN_SINH_HOAT)
    factory.member(cell)  # no account: cannot be notified
    factory.commit()
    return {"cell": cell, "leader": leader, "members": members, "exempt": exempt}


def run_async(coroutine):
    """`asyncio.run` in a thread of its own: on a test worker that has run the browser tests, Playwright's event
    loop is running in the main thread, and asyncio.run refuses to start another there. The thread works in a
    copy of this one's context (the app context the test holds), while this one waits."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, coroutine).result()
