"""Recognising a document's structure (Phần / Chương / Mục / Điều / Khoản / Điểm) in plain or Markdown text.

`parse_structure(text)` finds the headings; an article's own text keeps its Khoản ("1.") and Điểm ("a)")
lines, which `split_clauses` reads for rendering and for the API.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from handbook.core.i18n import lazy_gettext as _l
from handbook.regulations.models import PartLevel
from handbook.regulations.textfold import fold_char

_MD_DECOR = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(.*?)\s*(?:\*\*|__)?\s*$")
_SEP = re.compile(r"^[\s.:\-–—)*_]+")
# Matched against the line with diacritics removed and lower-cased (same length, punctuation kept).
_PART_PATTERNS = (
    (PartLevel.PHAN, re.compile(r"^phan (thu [a-z]+|[ivxlc]+|\d+)(?![a-z0-9])")),
    (PartLevel.CHUONG, re.compile(r"^chuong ([ivxlc]+|\d+)(?![a-z0-9])")),
    (PartLevel.MUC, re.compile(r"^muc ([ivxlc]+|\d+)(?![a-z0-9])")),
)
_ARTICLE = re.compile(r"^dieu (\d+)\s*[.:]")
_KHOAN = re.compile(r"^\s*(\d{1,3})\.\s+")
_DIEM = re.compile(r"^\s*([a-zđ])\)\s+")
_LEVEL_ORDER = {PartLevel.PHAN: 0, PartLevel.CHUONG: 1, PartLevel.MUC: 2}
MAX_HEADING = 300

NO_STRUCTURE_WARNING = _l(
    "Không nhận ra cấu trúc văn bản (Chương, Điều…); toàn bộ nội dung được nhập thành một phần duy nhất."
)
UNSTRUCTURED_LABEL = _l("Toàn văn")


def _loose(text: str) -> str:
    return "".join(fold_char(c) if c.isalnum() else c.lower() for c in text)


@dataclass
class ParsedPart:
    level: PartLevel
    label: str
    title: str
    position: int
    parent: int | None  # index in ParsedDocument.parts


@dataclass
class ParsedArticle:
    label: str
    number: int | None
    heading: str
    position: int
    part: int | None  # index in ParsedDocument.parts
    lines: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass
class ParsedDocument:
    preamble: str = ""
    parts: list[ParsedPart] = field(default_factory=list)
    articles: list[ParsedArticle] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _heading(line: str):
    """(kind, label, title) when `line` is a heading; kind is a PartLevel or "dieu"."""
    plain = _MD_DECOR.match(line).group(1).strip()
    if not plain or len(plain) > MAX_HEADING:
        return None
    loose = _loose(plain)
    article = _ARTICLE.match(loose)
    if article:
        label_end = loose.index(article.group(1)) + len(article.group(1))
        return "dieu", plain[:label_end], _SEP.sub("", plain[label_end:]).rstrip("*_ ").strip()
    for level, pattern in _PART_PATTERNS:
        match = pattern.match(loose)
        if match:
            return level, plain[: match.end()], _SEP.sub("", plain[match.end():]).rstrip("*_ ").strip()
    return None


def parse_structure(text: str) -> ParsedDocument:
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = ParsedDocument()
    preamble: list[str] = []
    stack: list[int] = []  # indexes of the open parts, outermost first
    position = 0
    pending_title: ParsedPart | None = None  # a part whose title may come on the next line
    for line in lines:
        found = _heading(line)
        if found is None:
            stripped = line.strip()
            if pending_title is not None and stripped:
                if stripped.upper() == stripped and len(stripped) <= MAX_HEADING:
                    pending_title.title = _MD_DECOR.match(stripped).group(1).strip()
                    pending_title = None
                    continue
                pending_title = None
            (doc.articles[-1].lines if doc.articles else preamble).append(line)
            continue
        kind, label, title = found
        position += 1
        if kind == "dieu":
            number = int(re.search(r"\d+", label).group())
            doc.articles.append(ParsedArticle(label, number, title, position, stack[-1] if stack else None))
            pending_title = None
            continue
        while stack and _LEVEL_ORDER[doc.parts[stack[-1]].level] >= _LEVEL_ORDER[kind]:
            stack.pop()
        doc.parts.append(ParsedPart(kind, label, title, position, stack[-1] if stack else None))
        stack.append(len(doc.parts) - 1)
        pending_title = doc.parts[-1] if not title else None

    if not doc.articles:
        body = "\n".join(lines).strip("\n")
        doc.parts = []
        doc.articles = [ParsedArticle(str(UNSTRUCTURED_LABEL), None, "", 1, None, body.split("\n") if body else [])]
        doc.warnings.append(str(NO_STRUCTURE_WARNING))
        return doc
    doc.preamble = "\n".join(preamble).strip("\n")
    numbers = [a.number for a in doc.articles]
    if len(set(numbers)) != len(numbers):
        doc.warnings.append(str(_l("Có số Điều bị trùng; vui lòng kiểm tra lại văn bản.")))
    return doc


@dataclass
class Point:
    letter: str
    text: str


@dataclass
class Clause:
    number: str | None  # None: text before the first Khoản
    text: str
    points: list[Point] = field(default_factory=list)


def split_clauses(body: str) -> list[Clause]:
    """An article's text as Khoản ("1. …") holding Điểm ("a) …"); lines run on until the next marker."""
    clauses: list[Clause] = []
    for line in (body or "").split("\n"):
        khoan = _KHOAN.match(line)
        diem = _DIEM.match(line)
        if khoan:
            clauses.append(Clause(khoan.group(1), line[khoan.end():]))
        elif diem:
            if not clauses:
                clauses.append(Clause(None, ""))
            clauses[-1].points.append(Point(diem.group(1), line[diem.end():]))
        elif clauses and clauses[-1].points:
            clauses[-1].points[-1].text += "\n" + line
        elif clauses:
            clauses[-1].text += "\n" + line
        elif line.strip() or clauses:
            clauses.append(Clause(None, line))
    for clause in clauses:
        clause.text = clause.text.strip("\n")
        for point in clause.points:
            point.text = point.text.strip("\n")
    return [c for c in clauses if c.text or c.points or c.number]
