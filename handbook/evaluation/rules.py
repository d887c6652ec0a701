"""The rules of the annual evaluation, with their sources in docs/domain.md ("Annual evaluation"): the four levels
and their score bands, the conditions of "hoàn thành xuất sắc", which self-assessment form a member uses, who is not
rated, the share of "xuất sắc" the organisation is warned about, and the app's timetable."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from handbook.core.i18n import gettext as _
from handbook.evaluation.errors import EvaluationError
from handbook.evaluation.models import FormKind, Level
from handbook.members.models import MemberStatus, OccupationGroup

#: score bands (Quy định 366-QĐ/TW, Article 11): at least this many points for the level
THRESHOLDS = ((Level.XUAT_SAC, Decimal(90)), (Level.TOT, Decimal(70)), (Level.HOAN_THANH, Decimal(50)),
              (Level.KHONG_HOAN_THANH, Decimal(0)))
MAX_SCORE = Decimal(100)
#: "xuất sắc" also needs every task done with at least this share (%) done beyond what was asked
EXCEEDING_MIN = 30
#: the organisation is warned when its "xuất sắc" exceed this share (%) of its "tốt"
EXCELLENT_CAP = 20
ORDER = tuple(level for level, _floor in THRESHOLDS)  # best first

#: the statuses that are not rated, the reason being the status (exempt members keep their other rights)
NOT_RATED = (MemberStatus.MIEN_SINH_HOAT, MemberStatus.TAM_MIEN)
#: occupation groups that work in the political system (the 2B form when they hold no leadership post)
IN_POLITICAL_SYSTEM = (OccupationGroup.CONG_CHUC, OccupationGroup.VIEN_CHUC, OccupationGroup.LUC_LUONG_VU_TRANG)

#: the app's timetable: a round opens by itself on this (month, day) of its year; self-assessments are due on the
#: other (both settings: EVALUATION_OPENS, EVALUATION_DUE)
OPENS = (11, 1)
DUE = (12, 15)

#: the sections of each form, in order (labels.SECTION_LABELS names them) — Hướng dẫn 43's forms group the criteria
#: of Quy định 366: the common criteria (30 points), the results of the tasks (70 points), then the shortcomings and
#: what the member will do about them
_COMMON = ("politics", "ethics", "discipline")
_END = ("shortcomings", "remedies")
SECTIONS = {
    FormKind.A: (*_COMMON, "tasks", "leadership", *_END),
    FormKind.B: (*_COMMON, "tasks", *_END),
    FormKind.C: (*_COMMON, "party_tasks", "residence", *_END),
}
ANSWER_MAX = 4000  # characters per section


def parse_score(raw) -> Decimal:
    """A score typed by the organisation: 0 to 100, at most one decimal ("87,5" or "87.5")."""
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if not text:
        raise EvaluationError(_("Hãy nhập điểm (từ 0 đến 100)."), "score")
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise EvaluationError(_("Điểm phải là một số từ 0 đến 100, ví dụ 85 hoặc 87,5."), "score") from None
    if not score.is_finite() or score < 0 or score > MAX_SCORE:
        raise EvaluationError(_("Điểm phải từ 0 đến 100."), "score")
    if score != score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP):
        raise EvaluationError(_("Điểm chỉ được có một chữ số thập phân, ví dụ 87,5."), "score")
    return score


def band(score: Decimal) -> Level:
    """The level of the score's band alone."""
    return next(level for level, floor in THRESHOLDS if score >= floor)


def excellent_conditions_met(all_tasks_done: bool, exceeding_share: int | None) -> bool:
    return all_tasks_done and exceeding_share is not None and exceeding_share >= EXCEEDING_MIN


def highest_level(score: Decimal, all_tasks_done: bool, exceeding_share: int | None) -> Level:
    """The best level the score and the conditions allow: a score of 90 or more without the "xuất sắc" conditions
    is "tốt" at most, and "tốt" needs every task done (otherwise "hoàn thành" at most)."""
    level = band(score)
    if level is Level.XUAT_SAC and not excellent_conditions_met(all_tasks_done, exceeding_share):
        level = Level.TOT
    if level is Level.TOT and not all_tasks_done:
        level = Level.HOAN_THANH
    return level


def decide_level(score: Decimal, asked: Level | None, all_tasks_done: bool, exceeding_share: int | None) -> Level:
    """The level recorded: the one asked for (it may be lower than the score allows — the organisation decides), or
    the highest allowed when none is asked. A level above what the score and conditions allow is refused."""
    if exceeding_share is not None and not 0 <= exceeding_share <= 100:
        raise EvaluationError(_("Tỷ lệ nhiệm vụ vượt mức phải từ 0 đến 100 %."), "exceeding_share")
    allowed = highest_level(score, all_tasks_done, exceeding_share)
    if asked is None:
        return allowed
    if ORDER.index(asked) >= ORDER.index(allowed):
        return asked
    if asked is Level.XUAT_SAC and band(score) is Level.XUAT_SAC:
        raise EvaluationError(_("Mức “Hoàn thành xuất sắc nhiệm vụ” cần hoàn thành 100 %% nhiệm vụ được giao và ít "
                                "nhất %(min)d %% tổng số nhiệm vụ hoàn thành vượt mức yêu cầu.", min=EXCEEDING_MIN),
                              "level")
    if asked is Level.TOT and band(score) in (Level.XUAT_SAC, Level.TOT):
        raise EvaluationError(_("Mức “Hoàn thành tốt nhiệm vụ” cần hoàn thành 100 % nhiệm vụ được giao."), "level")
    raise EvaluationError(_("Điểm %(score)s chỉ cho phép xếp loại từ mức “%(level)s” trở xuống.",
                            score=format_score(score), level=level_label(allowed)), "level")


def format_score(score: Decimal | None) -> str:
    if score is None:
        return "—"
    return (f"{score:.1f}" if score != score.to_integral_value() else f"{score:.0f}").replace(".", ",")


def level_label(level: Level | None) -> str:
    from handbook.evaluation.labels import LEVEL_LABELS

    return str(LEVEL_LABELS[level]) if level is not None else "—"


def form_for(holds_post: bool, occupation_group: OccupationGroup | None) -> FormKind:
    """The form a member uses unless the leaders chose another: 2A for a leadership or management post (a position
    in an organisation of the Party), 2B for others working in the political system, 2C for everyone else."""
    if holds_post:
        return FormKind.A
    if occupation_group in IN_POLITICAL_SYSTEM:
        return FormKind.B
    return FormKind.C


def not_rated(status: MemberStatus) -> bool:
    return status in NOT_RATED


def opens_on(year: int, setting: tuple[int, int] = OPENS) -> date:
    return date(year, *setting)


def due_on(year: int, setting: tuple[int, int] = DUE) -> date:
    return date(year, *setting)


def review_year(today: date, setting: tuple[int, int] = OPENS) -> int:
    """The year a page opens on: this year from its round's opening day, else the year before (whose ratings are
    often recorded in the first weeks of the next year)."""
    return today.year if today >= opens_on(today.year, setting) else today.year - 1


def excellent_over_cap(excellent: int, good: int) -> bool:
    """More "xuất sắc" than EXCELLENT_CAP % of the "tốt" (a warning; the organisation decides)."""
    return excellent * 100 > good * EXCELLENT_CAP
