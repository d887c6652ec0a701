"""Regulations: documents (văn bản), their structure (Phần/Chương/Mục, Điều), attachments, bookmarks, reads."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.core.timeutil import utcnow
from handbook.extensions import db, enum_type
from handbook.org.models import Organisation


class DocumentKind(enum.StrEnum):
    DIEU_LE = "dieu_le"
    QUY_DINH = "quy_dinh"
    HUONG_DAN = "huong_dan"
    CHI_THI = "chi_thi"
    NGHI_QUYET = "nghi_quyet"
    KET_LUAN = "ket_luan"
    QUYET_DINH = "quyet_dinh"
    KE_HOACH = "ke_hoach"
    THONG_BAO = "thong_bao"
    KHAC = "khac"


class DocumentStatus(enum.StrEnum):
    IN_FORCE = "in_force"        # còn hiệu lực
    AMENDED = "amended"          # còn hiệu lực, đã được sửa đổi, bổ sung
    SUPERSEDED = "superseded"    # hết hiệu lực, được thay thế (see replaced_by_id)


class PartLevel(enum.StrEnum):
    PHAN = "phan"
    CHUONG = "chuong"
    MUC = "muc"


class Document(db.Model):
    __tablename__ = "regulation_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, 20), index=True)
    number: Mapped[str] = mapped_column(String(60))  # số và ký hiệu, e.g. "339-QĐ/TW"
    title: Mapped[str] = mapped_column(String(300))  # trích yếu
    issuer: Mapped[str] = mapped_column(String(200))
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    effective_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[DocumentStatus] = mapped_column(enum_type(DocumentStatus, 12), default=DocumentStatus.IN_FORCE)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("regulation_documents.id", ondelete="SET NULL"))
    # None: the whole deployment; otherwise this organisation and everything below it.
    audience_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # The organisation that issues the document (its committee): those who manage it publish, change and
    # discard it (`org.access.can_manage_document`), not the organisations it is addressed to. None: the
    # whole deployment's (admins).
    owner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                     index=True)
    preamble_html: Mapped[str] = mapped_column(Text, default="")  # sanitised text before the first article
    source_markdown: Mapped[str] = mapped_column(Text, default="")  # what the author wrote or imported
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)  # demo text, not an official document
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: a draft (preview)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    replaced_by: Mapped[Document | None] = relationship(remote_side=[id])
    audience: Mapped[Organisation | None] = relationship(foreign_keys=[audience_org_id])
    owner: Mapped[Organisation | None] = relationship(foreign_keys=[owner_org_id])
    parts: Mapped[list[DocumentPart]] = relationship(
        back_populates="document", order_by="DocumentPart.position", cascade="all, delete-orphan"
    )
    articles: Mapped[list[Article]] = relationship(
        back_populates="document", order_by="Article.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="document", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DocumentPart(db.Model):
    """A heading that groups articles: Phần, Chương or Mục (nested through parent_id)."""

    __tablename__ = "regulation_parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("regulation_documents.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regulation_parts.id", ondelete="CASCADE"))
    level: Mapped[PartLevel] = mapped_column(enum_type(PartLevel, 10))
    label: Mapped[str] = mapped_column(String(60))   # "Chương I"
    title: Mapped[str] = mapped_column(String(300), default="")  # "Những quy định chung"
    position: Mapped[int] = mapped_column(Integer)  # order within the document, shared with articles

    document: Mapped[Document] = relationship(back_populates="parts")


class Article(db.Model):
    """An Điều (or the whole body when no structure was recognised): its own URL, bookmark and search row."""

    __tablename__ = "regulation_articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("regulation_documents.id", ondelete="CASCADE"), index=True)
    part_id: Mapped[int | None] = mapped_column(ForeignKey("regulation_parts.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)  # 12 for "Điều 12"; None for an unstructured body
    label: Mapped[str] = mapped_column(String(60))  # "Điều 12" or "Toàn văn"
    heading: Mapped[str] = mapped_column(String(300), default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")  # Khoản "1." and Điểm "a)" lines inside
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised
    # Folded search text (lower case, no diacritics, đ → d), computed by handbook.regulations.textfold:
    search_title: Mapped[str] = mapped_column(Text, default="")    # the document's kind, number, title
    search_heading: Mapped[str] = mapped_column(Text, default="")  # this article's label and heading
    search_body: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[Document] = relationship(back_populates="articles")
    part: Mapped[DocumentPart | None] = relationship()

    __table_args__ = (Index("ix_regulation_articles_document_position", "document_id", "position"),)


class Attachment(db.Model):
    """A PDF/DOCX file stored under instance/regulations/ (never in git), served as a download."""

    __tablename__ = "regulation_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("regulation_documents.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))  # the name shown and offered on download
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # random name on disk
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="attachments")


class Bookmark(db.Model):
    """"Lưu": an article a user keeps for later."""

    __tablename__ = "regulation_bookmarks"
    __table_args__ = (UniqueConstraint("user_id", "article_id", name="uq_regulation_bookmarks_user_article"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("regulation_articles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    article: Mapped[Article] = relationship()


class ReadMark(db.Model):
    """The last time a user opened an article (one row per user and article): "recently read"."""

    __tablename__ = "regulation_reads"
    __table_args__ = (UniqueConstraint("user_id", "article_id", name="uq_regulation_reads_user_article"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("regulation_articles.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    article: Mapped[Article] = relationship()
