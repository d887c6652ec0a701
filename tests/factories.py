"""Factory helpers that build organisations, accounts and members for tests."""
from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache

from handbook.auth.consent import NOTICE_VERSION
from handbook.auth.models import PrivacyConsent, User
from handbook.auth.service import hash_password
from handbook.extensions import db
from handbook.members.models import Gender, Member, MemberStatus
from handbook.members.placements import open_placement
from handbook.org.models import Organisation, OrgKind, Role, Scope
from handbook.org.service import create_organisation, grant_position

_seq = itertools.count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(Factory.PASSWORD)


class Factory:
    """Each method flushes; call `db.session.commit()` (or `commit()`) when the scene is built."""

    PASSWORD = "Matkhau@2026"

    def org(self, name: str | None = None, kind: OrgKind = OrgKind.CHI_BO, parent: Organisation | None = None):
        return create_organisation(name or f"Tổ chức {next(_seq)}", kind, parent)

    def user(self, email: str | None = None, phone: str | None = None, *, admin: bool = False,
             password: bool = True, name: str = "Người dùng", consented: bool = True) -> User:
        """An account; it has accepted the current privacy notice unless `consented=False`."""
        n = next(_seq)
        if email is None and phone is None:
            email = f"user{n}@test.vn"
        user = User(email=email, phone=phone, display_name=name, is_admin=admin,
                    password_hash=_password_hash() if password else None)
        db.session.add(user)
        db.session.flush()
        if consented:
            db.session.add(PrivacyConsent(user_id=user.id, version=NOTICE_VERSION))
            db.session.flush()
        return user

    def member(self, cell: Organisation, user: User | None = None, *, name: str | None = None, **fields) -> Member:
        n = next(_seq)
        values = {
            "full_name": name or f"Nguyễn Văn Thử {n}",
            "birth_date": date(1980, 1, 1),
            "gender": Gender.NAM,
            "status": MemberStatus.CHINH_THUC,
            "admission_date": date(2005, 5, 19),
            "official_date": date(2006, 5, 19),
        }
        values.update(fields)
        member = Member(cell_id=cell.id, user_id=user.id if user else None, **values)
        db.session.add(member)
        db.session.flush()
        open_placement(member)
        db.session.flush()
        return member

    def candidate(self, cell: Organisation, *, name: str | None = None, **fields):
        """A candidate (quần chúng ưu tú) on `cell`'s list: 25 years old, upper secondary, a Youth Union member."""
        from handbook.admission.models import Candidate, GeneralEducation

        n = next(_seq)
        values = {"full_name": name or f"Trần Thị Ứng Viên {n}", "birth_date": date(2001, 3, 15),
                  "gender": Gender.NU, "general_education": GeneralEducation.THPT, "youth_union": True,
                  "cccd": f"{n:012d}"}
        values.update(fields)
        candidate = Candidate(cell_id=cell.id, **values)
        db.session.add(candidate)
        db.session.flush()
        return candidate

    def grant(self, user: User, org: Organisation, role: Role = Role.BI_THU, scope: Scope = Scope.SUBTREE):
        position = grant_position(user.id, org, role, scope)
        db.session.flush()
        return position

    def document(self, audience: Organisation | None = None, *, body: str | None = None, published: bool = True,
                 **fields):
        """A regulation document built from Markdown `body` (structure recognised), published unless told."""
        from handbook.core.timeutil import utcnow
        from handbook.regulations.models import DocumentKind
        from handbook.regulations.service import DocumentInput, build_document

        n = next(_seq)
        values = {"kind": DocumentKind.QUY_DINH, "number": f"{n}-QĐ/TW", "title": f"Quy định thử số {n}",
                  "issuer": "Ban Chấp hành Trung ương", "issue_date": date(2024, 1, 1)}
        values.update(fields)
        body = body if body is not None else "Điều 1. Phạm vi\nNội dung điều một.\n\nĐiều 2. Hiệu lực\nNội dung hai."
        owner = values.pop("owner_org_id", None)
        data = DocumentInput(audience_org_id=audience.id if audience else None, body=body, **values)
        document = build_document(data).document
        if owner is not None:  # another organisation's document for `audience` (by default its own)
            document.owner_org_id = owner
        if published:
            document.published_at = utcnow()
        db.session.flush()
        return document

    @staticmethod
    def commit() -> None:
        db.session.commit()
