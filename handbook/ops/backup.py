"""`flask backup create|restore`: the database and the uploaded files in one .tar.gz with a manifest.

SQLite is copied with the online backup API (a consistent snapshot while the app writes); PostgreSQL with
`pg_dump -Fc` / `pg_restore --clean --if-exists --single-transaction`, the credentials passed in the
environment (PGPASSWORD…), never on the command line where `ps` shows them.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import make_url

from handbook.core.timeutil import local_now, utcnow
from handbook.extensions import db

FORMAT = "so-tay-dang-vien-backup"
FORMAT_VERSION = 1
APP_VERSION = "1"
# under instance/: meetings' documents, photos, regulations' attachments, admission files' scans
UPLOAD_DIRS = ("uploads", "member_photos", "regulations", "admission_files")
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup could not be made or restored; the message is for the operator (Vietnamese)."""


@dataclass
class Manifest:
    database: str
    alembic_revision: str | None
    created_at: str
    files: int
    app_version: str = APP_VERSION
    format: str = FORMAT
    format_version: int = FORMAT_VERSION


def _dialect() -> str:
    return db.engine.dialect.name


def _revision() -> str | None:
    with db.engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return heads[0] if heads else None


def _pg_env(url) -> dict:
    """libpq's own variables: the password never appears in the process list."""
    env = {**os.environ, "PGHOST": url.host or "", "PGPORT": str(url.port or 5432), "PGUSER": url.username or "",
           "PGDATABASE": url.database or ""}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    if url.query.get("sslmode"):
        env["PGSSLMODE"] = str(url.query["sslmode"])
    return env


def _run(args: list[str], env: dict) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"Không tìm thấy {args[0]}; cài gói postgresql-client cùng phiên bản máy chủ.") from exc
    if result.returncode != 0:
        raise BackupError(f"{args[0]} thất bại: {result.stderr.strip()[:500]}")


def _dump_database(target: Path) -> None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if _dialect() == "sqlite":
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # page by page, consistent even while the app writes
        finally:
            copy.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}"], _pg_env(url))


def create(output: str | None = None) -> tuple[Path, Manifest]:
    """Write a backup archive (mode 0600: it holds personal data) and return its path and manifest."""
    instance = Path(current_app.instance_path)
    if output is None:
        folder = Path(current_app.config["BACKUP_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        output = str(folder / f"so-tay-{local_now().strftime('%Y%m%d-%H%M%S')}.tar.gz")
    path = Path(output)
    with tempfile.TemporaryDirectory(prefix="backup-") as tmp:
        dump = Path(tmp) / DUMPS[_dialect()]
        revision = _revision()
        _dump_database(dump)
        files = [p for name in UPLOAD_DIRS if (instance / name).is_dir() for p in (instance / name).rglob("*")
                 if p.is_file()]
        manifest = Manifest(database=_dialect(), alembic_revision=revision, created_at=utcnow().isoformat(),
                            files=len(files))
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest.__dict__, indent=2))
        partial = path.with_name(path.name + ".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(Path(tmp) / "manifest.json", "manifest.json")
            tar.add(dump, dump.name)
            for file in files:
                tar.add(file, "files/" + file.relative_to(instance).as_posix())
        partial.replace(path)
    return path, manifest


def read_manifest(path: str) -> Manifest:
    """The archive's manifest, or BackupError for anything that is not a backup this version can restore."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            data = json.loads(member.read()) if member else None
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as exc:
        raise BackupError("Tệp này không phải bản sao lưu của Sổ tay đảng viên (không đọc được manifest).") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("Tệp này không phải bản sao lưu của Sổ tay đảng viên.")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Định dạng sao lưu phiên bản {data.get('format_version')} không được hỗ trợ "
                          f"(cần phiên bản {FORMAT_VERSION}).")
    try:
        return Manifest(**{k: data[k] for k in Manifest.__dataclass_fields__})
    except KeyError as exc:
        raise BackupError("Manifest của bản sao lưu thiếu thông tin.") from exc


def check_compatible(manifest: Manifest) -> None:
    if manifest.database != _dialect():
        raise BackupError(f"Bản sao lưu của {manifest.database}, nhưng cơ sở dữ liệu hiện tại là {_dialect()}.")
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    if manifest.alembic_revision and manifest.alembic_revision not in {r.revision for r in script.walk_revisions()}:
        raise BackupError(f"Bản sao lưu ở phiên bản cơ sở dữ liệu {manifest.alembic_revision}, mới hơn mã nguồn "
                          "này; hãy cập nhật ứng dụng trước khi khôi phục.")


def restore(path: str) -> Manifest:
    """Replace the database and the uploaded files with the archive's."""
    manifest = read_manifest(path)
    check_compatible(manifest)
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=instance) as tmp:
        with tarfile.open(path, "r:gz") as tar:
            tar.extractall(tmp, filter="data")  # no absolute paths, links out or device files
        dump = Path(tmp) / DUMPS[manifest.database]
        if not dump.is_file():
            raise BackupError("Bản sao lưu thiếu tệp cơ sở dữ liệu.")
        db.session.remove()
        db.engine.dispose()  # no pooled connection holds a lock on what is replaced
        _restore_database(dump)
        _replace_files(Path(tmp) / "files", instance)
    db.engine.dispose()
    return manifest


def _restore_database(dump: Path) -> None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if _dialect() == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(url.database)
        try:
            source.backup(target)  # replaces every page of the live file in one locked step
        finally:
            target.close()
            source.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
              f"--dbname={url.database}", str(dump)], _pg_env(url))


def _replace_files(source: Path, instance: Path) -> None:
    for name in UPLOAD_DIRS:
        target, incoming, old = instance / name, source / name, instance / f".{name}.old"
        if not incoming.is_dir():
            incoming.mkdir(parents=True)
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        shutil.move(str(incoming), str(target))
        shutil.rmtree(old, ignore_errors=True)
