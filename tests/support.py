"""What tests share besides fixtures: an app on a fresh database, signing in (through the page or directly),
CSRF tokens and TOTP codes."""
from __future__ import annotations

import os
import re

from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from handbook import create_app
from handbook.auth.models import User
from handbook.extensions import db
from tests.factories import Factory


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def database_url(tmp_dir, name: str) -> str:
    """A fresh database for this test worker: a SQLite file, or a new PostgreSQL database."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / (name + '.db')}"
    # TEST_DB_PREFIX keeps concurrent runs (e.g. two checkouts) off each other's databases.
    dbname = f"hb_{os.environ.get('TEST_DB_PREFIX', '')}{name}_{_worker()}".lower()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + dbname


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (and so its own `g` and db session), as in production,
    even though the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def build_app(tmp_dir, name: str, **overrides):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_dir, name),
            "INSTANCE_PATH": str(tmp_dir / f"instance-{name}"),
            "SECRET_KEY": "test-secret",
            # no quiet hours unless a test asks for them: otherwise what a test sees depends on the hour it runs
            "QUIET_HOURS": "",
            # no report kept between requests unless a test asks: a loaded machine could make a small one slow
            "REPORTS_KEEP_SECONDS": 0,
            **overrides,
        }
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()
    return app


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def get_csrf(client, path: str = "/login") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # what `login` gives staff who have no authenticator yet


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


def prepare_second_factor(login_name: str) -> str | None:
    """For staff (who must use TOTP): make sure they have an authenticator and that a fresh code is accepted
    (the replay guard would refuse a second login within the same 30 s). Returns the secret, or None."""
    from handbook.auth import totp
    from handbook.auth.identifiers import IdentifierError
    from handbook.auth.models import TotpCredential
    from handbook.auth.service import find_user
    from handbook.core.timeutil import utcnow

    try:
        user = find_user(login_name)
    except IdentifierError:
        return None
    if user is None or (not totp.required_for(user) and not totp.is_enrolled(user.id)):
        return None
    cred = db.session.get(TotpCredential, user.id)
    if cred is None:
        cred = TotpCredential(user_id=user.id, secret=TEST_TOTP_SECRET)
        db.session.add(cred)
    cred.confirmed_at = cred.confirmed_at or utcnow()
    cred.last_step = None
    secret = cred.secret
    db.session.commit()
    return secret


def login(client, login_name: str, password: str = Factory.PASSWORD):
    """Sign in through the login page; staff also pass the second step with a code computed from their secret.
    Returns the last response (a 302 on success)."""
    secret = prepare_second_factor(login_name) if password == Factory.PASSWORD else None
    token = get_csrf(client)
    response = client.post("/login", data={"login": login_name, "password": password, "csrf_token": token})
    if secret and response.status_code == 302 and response.headers["Location"].endswith("/login/2fa"):
        token = get_csrf(client, "/login/2fa")
        response = client.post("/login/2fa", data={"code": totp_code(secret), "csrf_token": token})
    return response


def signed_in(app, email: str):
    """A signed-in client without the password round (argon2 costs ~0.4 s); the login form has its own tests."""
    user = db.session.scalar(select(User).where(User.email == email))
    client = app.test_client()
    from handbook.auth import consent, sessions

    token = sessions.start(user, "127.0.0.1", "pytest")  # a live server-side session, as the login page makes
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["sid"] = str(user.id), True, token
        if consent.has_accepted(user.id):
            session["consent"] = consent.NOTICE_VERSION
    return client


def api_token(client, login_name="dv@test.vn", password=None) -> str:
    """A bearer token from POST /api/v1/auth/token."""
    response = client.post("/api/v1/auth/token", json={"login": login_name, "password": password or Factory.PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]
