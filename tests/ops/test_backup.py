"""`flask backup create|restore`: a round trip gives back the same rows in every table and the same files,
after the data was changed in between; foreign or damaged files are refused; restore asks first."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from handbook.extensions import db
from handbook.members.models import Member
from handbook.org.models import Organisation, OrgKind
from tests.factories import Factory
from tests.support import build_app


def _checksums() -> dict[str, tuple[int, str]]:
    """Rows and a digest of every table's rows (in a fixed order)."""
    db.session.remove()
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
        result["alembic_version"] = (0, repr(conn.execute(text("SELECT version_num FROM alembic_version")).all()))
    return result


def _files(instance: Path) -> dict[str, bytes]:
    return {p.relative_to(instance).as_posix(): p.read_bytes()
            for name in ("uploads", "member_photos", "regulations") for p in (instance / name).rglob("*")
            if p.is_file()}


@pytest.fixture
def backup_app(tmp_path):
    app = build_app(tmp_path, "backup")
    with app.app_context():
        factory = Factory()
        cell = factory.org("Chi bộ Khu dân cư số 1", OrgKind.CHI_BO)
        for i in range(5):
            factory.member(cell, factory.user(f"dv{i}@test.vn", name=f"Nguyễn Văn {i}"), name=f"Nguyễn Văn {i}")
        factory.document(None, title="Điều lệ Đảng")
        factory.commit()
        instance = Path(app.instance_path)
        for name, content in (("uploads/meetings/a.pdf", b"%PDF-1.4 a"), ("member_photos/1-x.jpg", b"\xff\xd8\xffx"),
                              ("regulations/b.pdf", b"%PDF-1.4 b")):
            (instance / name).parent.mkdir(parents=True, exist_ok=True)
            (instance / name).write_bytes(content)
        yield app
        db.session.remove()
        db.engine.dispose()


def test_round_trip_gives_back_identical_data(backup_app, tmp_path):
    app, instance = backup_app, Path(backup_app.instance_path)
    before, files_before = _checksums(), _files(instance)
    archive = tmp_path / "backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["database"] == db.engine.dialect.name and manifest["files"] == 3
    assert manifest["alembic_revision"] and manifest["created_at"] and manifest["app_version"]

    # change everything a little: a row deleted, one added, one edited; a file removed, one added
    member = db.session.scalars(select(Member).order_by(Member.id)).first()
    db.session.delete(member)
    db.session.add(Organisation(name="Chi bộ mới", kind=OrgKind.CHI_BO))
    db.session.scalars(select(Member)).first().full_name = "Đã sửa"
    db.session.commit()
    (instance / "regulations/b.pdf").unlink()
    (instance / "uploads/meetings/new.pdf").write_bytes(b"%PDF new")
    assert _checksums() != before and _files(instance) != files_before

    result = app.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _checksums() == before
    assert _files(instance) == files_before
    assert db.session.scalar(select(Member.full_name).where(Member.id == member.id)) == "Nguyễn Văn 0"


def test_restore_asks_first_and_refuses_foreign_files(backup_app, tmp_path):
    app = backup_app
    archive = tmp_path / "b.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", "create", "-o", str(archive)]).exit_code == 0
    before = _checksums()
    db.session.add(Organisation(name="Chi bộ sau sao lưu", kind=OrgKind.CHI_BO))
    db.session.commit()
    after = _checksums()
    declined = app.test_cli_runner().invoke(args=["backup", "restore", str(archive)], input="n\n")
    assert declined.exit_code != 0 and "sẽ bị thay thế" in declined.output
    assert _checksums() == after != before

    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup at all")
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(junk), "--yes"])
    assert refused.exit_code != 0 and "không phải bản sao lưu" in refused.output

    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        data = json.dumps({"format": "something-else", "format_version": 1}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(other), "--yes"])
    assert refused.exit_code != 0 and "không phải bản sao lưu" in refused.output
    assert _checksums() == after
