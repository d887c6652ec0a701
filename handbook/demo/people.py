"""Demo people: Vietnamese names, dates, identifiers and record fields, generated fast and reproducibly.

Faker (vi_VN) supplies the name and place pools once; `random.Random` combines them per member, which is
far faster than calling Faker 140,000 times and keeps every run with the same seed identical.
"""
from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, Generic, TypeVar

from faker import Faker
from faker.providers.address.vi_VN import Provider as AddressVi
from faker.providers.person.vi_VN import Provider as PersonVi

from handbook.members.models import Gender, MemberStatus, OccupationGroup

T = TypeVar("T")

OLDEST_BIRTH_YEAR = 1940
YOUNGEST_BIRTH = date(2005, 12, 31)
ADMISSION_AGE = 18


class Weighted(Generic[T]):
    """A weighted random choice whose cumulative weights are computed once."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, table: dict[T, float]) -> None:
        self.values = list(table)
        self.cumulative = list(accumulate(table.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        """One value, drawn according to the weights."""
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


def _unique(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Concatenate name lists, keeping the first occurrence of each name."""
    return tuple(dict.fromkeys(name for group in groups for name in group))


# --- names -----------------------------------------------------------------------------------------

_LAST = {
    "Nguyễn": 30, "Trần": 10, "Lê": 10, "Phạm": 6, "Huỳnh": 6, "Võ": 6, "Phan": 5, "Hồ": 2.5, "Đặng": 2.5,
    "Trương": 2, "Bùi": 2, "Đỗ": 2, "Ngô": 2, "Hoàng": 2, "Đoàn": 1.5, "Dương": 1.5, "Vũ": 1.5, "Lương": 1,
    "Đinh": 1, "Mai": 1, "Cao": 0.8, "Thái": 0.8, "Hà": 0.8, "Lý": 0.8, "Tô": 0.6, "Châu": 0.6, "Lưu": 0.5,
    "Văn": 0.5, "Tạ": 0.4, "Ông": 0.3,
}
LAST_NAMES = Weighted({**{name: 1.0 for name in PersonVi.last_names}, **_LAST})

MALE_GIVEN = _unique(PersonVi.first_names_male, (
    "Hùng", "Cường", "Thắng", "Sơn", "Hải", "Long", "Tuấn", "Việt", "Đạt", "Hiếu", "Phong", "Thịnh", "Tài",
    "Khánh", "Lộc", "Tâm", "Toàn", "Bình", "Hòa", "Lợi", "Sang", "Tín", "Nghĩa", "Quân", "Kiên", "Trí",
    "Phát", "Thọ", "Vinh", "Hiển", "Nhân", "Thạnh", "Tiến", "Lực", "Chiến", "Đông", "Hậu", "Luân",
))
FEMALE_GIVEN = _unique(PersonVi.first_names_female, (
    "Hoa", "Hà", "Nhung", "Trang", "Hằng", "Thủy", "Nga", "Loan", "Oanh", "Phượng", "Dung", "Hạnh", "Liên",
    "Tuyết", "Nhàn", "Hiền", "Quyên", "Trinh", "Uyên", "Vy", "Nhi", "Thư", "Sương", "Thắm", "Nguyệt",
    "Hoài", "My", "Trâm", "Giang", "Huyền", "Phương", "Kiều", "Ly", "Cúc", "Huệ", "Lài", "Diễm", "Tâm",
))
MIDDLE = {
    (Gender.NAM, True): Weighted({"Văn": 60, "Đức": 6, "Hữu": 6, "Công": 5, "Thanh": 5, "Ngọc": 4, "Xuân": 4,
                                  "Quang": 4, "Minh": 3, "Đình": 3}),
    (Gender.NAM, False): Weighted({"Văn": 25, "Minh": 10, "Đức": 8, "Quang": 8, "Quốc": 7, "Hữu": 5, "Công": 5,
                                   "Thanh": 5, "Tấn": 5, "Anh": 5, "Duy": 5, "Thế": 4, "Hoàng": 4, "Trọng": 4,
                                   "Bảo": 3, "Xuân": 3, "Hải": 3, "Nhật": 3}),
    (Gender.NU, True): Weighted({"Thị": 75, "Ngọc": 5, "Thu": 4, "Thanh": 4, "Kim": 4, "Thị Thu": 3,
                                 "Thị Kim": 2, "Thị Hồng": 2, "Bích": 2}),
    (Gender.NU, False): Weighted({"Thị": 35, "Ngọc": 8, "Thu": 7, "Thanh": 6, "Thùy": 6, "Kim": 4, "Minh": 4,
                                  "Phương": 4, "Bích": 3, "Mỹ": 3, "Hồng": 3, "Diệu": 3, "Khánh": 3, "Bảo": 3,
                                  "Thị Thu": 3, "Thị Hồng": 3, "Hoài": 2, "Thị Mỹ": 2}),
}
# Family names that go with an ethnicity other than Kinh (Cơ Tu names as written in Đà Nẵng's records).
ETHNIC_LAST = {
    "Cơ Tu": ("A Lăng", "Bhling", "Zơ Râm", "Ating", "Briu", "Clâu", "Pơ Loong", "Hồ", "Coor"),
    "Tày": ("Hoàng", "Nông", "Lục", "Lương", "Hà"),
    "Nùng": ("Hoàng", "Nông", "Lý", "Vi"),
    "Hoa": ("Lâm", "Quách", "Trương", "Lý", "Mã", "Tạ"),
    "Mường": ("Bùi", "Đinh", "Quách", "Hà"),
    "Thái": ("Lò", "Cầm", "Vi", "Lường"),
    "Khmer": ("Thạch", "Sơn", "Danh", "Kim"),
    "Chăm": ("Đàng", "Thuận", "Báo", "Quảng"),
}
ETHNICITY = {
    "phuong": Weighted({"Kinh": 95.5, "Hoa": 1.2, "Cơ Tu": 0.8, "Tày": 0.6, "Mường": 0.5, "Thái": 0.4,
                        "Nùng": 0.4, "Khmer": 0.3, "Chăm": 0.3}),
    "xa": Weighted({"Kinh": 93.5, "Cơ Tu": 4, "Tày": 0.6, "Mường": 0.5, "Hoa": 0.4, "Nùng": 0.4, "Thái": 0.3,
                    "Chăm": 0.2, "Khmer": 0.1}),
}
RELIGION = Weighted({"Không": 89, "Phật giáo": 6.5, "Công giáo": 3, "Cao Đài": 0.8, "Tin lành": 0.7})

# --- record fields -----------------------------------------------------------------------------------

Job = tuple[str, tuple[str | None, ...]]  # occupation, possible qualifications (chuyên môn)

RETIRED_QUALIFICATIONS = ("Cử nhân Kinh tế", "Kỹ sư xây dựng", "Trung cấp Kế toán", "Cử nhân Sư phạm Ngữ văn",
                          "Trung cấp Y", "Cử nhân Luật", "Kỹ sư cơ khí", "Trung cấp Quân sự", "Công nhân kỹ thuật",
                          None)
_RESIDENT_JOBS: dict[Job, float] = {
    ("Kinh doanh", ("Trung cấp Kế toán", "Cử nhân Quản trị kinh doanh", None)): 20,
    ("Nhân viên văn phòng", ("Cử nhân Kinh tế", "Cử nhân Kế toán", "Cử nhân Luật")): 12,
    ("Lao động tự do", (None, "Sơ cấp nghề")): 10,
    ("Công nhân", ("Công nhân kỹ thuật", "Trung cấp Điện công nghiệp", "Sơ cấp nghề")): 10,
    ("Giáo viên", ("Cử nhân Sư phạm Ngữ văn", "Cử nhân Sư phạm Toán", "Cao đẳng Sư phạm")): 8,
    ("Kỹ sư", ("Kỹ sư xây dựng", "Kỹ sư điện", "Kỹ sư công nghệ thông tin", "Kỹ sư cơ khí")): 8,
    ("Cán bộ khu dân cư", ("Trung cấp Hành chính", "Cử nhân Luật")): 5,
    ("Bác sĩ", ("Bác sĩ đa khoa", "Bác sĩ chuyên khoa I")): 3,
    ("Sinh viên", (None,)): 2,
}
_AGENCY_JOBS: dict[str, dict[Job, float]] = {
    "co_quan": {
        ("Công chức", ("Cử nhân Luật", "Cử nhân Kinh tế", "Cử nhân Hành chính", "Thạc sĩ Quản lý công",
                       "Cử nhân Xây dựng Đảng và Chính quyền nhà nước", "Kỹ sư xây dựng", "Cử nhân Kế toán")): 75,
        ("Viên chức", ("Cử nhân Công nghệ thông tin", "Cử nhân Văn hóa học", "Kỹ sư môi trường")): 18,
        ("Nhân viên hợp đồng", ("Trung cấp Văn thư lưu trữ", "Trung cấp Kế toán")): 7,
    },
    "cong_an": {("Công an", ("Cử nhân An ninh nhân dân", "Cử nhân Cảnh sát nhân dân", "Trung cấp Cảnh sát",
                             "Thạc sĩ Luật")): 1},
    "quan_su": {("Quân nhân", ("Trung cấp Quân sự cơ sở", "Cao đẳng Quân sự cơ sở", "Cử nhân Chỉ huy tham mưu")): 1},
    "y_te": {
        ("Bác sĩ", ("Bác sĩ đa khoa", "Bác sĩ Y học cổ truyền", "Bác sĩ chuyên khoa I")): 30,
        ("Điều dưỡng", ("Cử nhân Điều dưỡng", "Cao đẳng Điều dưỡng")): 35,
        ("Y sĩ", ("Trung cấp Y sĩ",)): 15,
        ("Dược sĩ", ("Dược sĩ đại học", "Trung cấp Dược")): 10,
        ("Nữ hộ sinh", ("Cao đẳng Hộ sinh",)): 10,
    },
    "giao_duc": {
        ("Giáo viên", ("Cử nhân Sư phạm Toán", "Cử nhân Sư phạm Ngữ văn", "Cử nhân Sư phạm Tiếng Anh",
                       "Cử nhân Sư phạm Vật lý", "Cử nhân Giáo dục Tiểu học", "Cử nhân Giáo dục Mầm non",
                       "Thạc sĩ Lý luận và phương pháp dạy học")): 85,
        ("Nhân viên", ("Trung cấp Kế toán", "Cử nhân Thư viện")): 10,
        ("Cán bộ quản lý giáo dục", ("Thạc sĩ Quản lý giáo dục",)): 5,
    },
    "doanh_nghiep": {
        ("Kỹ sư", ("Kỹ sư xây dựng", "Kỹ sư điện", "Kỹ sư cơ khí", "Kỹ sư cầu đường")): 35,
        ("Công nhân", ("Công nhân kỹ thuật", "Trung cấp Điện công nghiệp", "Trung cấp Hàn")): 40,
        ("Nhân viên", ("Cử nhân Kế toán", "Cử nhân Quản trị kinh doanh")): 25,
    },
}
_VILLAGE_JOBS: dict[Job, float] = {
    ("Nông dân", (None, "Trung cấp Nông nghiệp", "Sơ cấp nghề")): 35,
    ("Ngư dân", (None,)): 5,
    **_RESIDENT_JOBS,
}

_RESIDENT_STATUSES = {MemberStatus.CHINH_THUC: 86.8, MemberStatus.DU_BI: 4, MemberStatus.MIEN_SINH_HOAT: 5,
                      MemberStatus.TAM_MIEN: 2, MemberStatus.CHUYEN_DI: 1.5, MemberStatus.DA_MAT: 0.7}
_AGENCY_STATUSES = {MemberStatus.CHINH_THUC: 89.5, MemberStatus.DU_BI: 7, MemberStatus.TAM_MIEN: 2.5,
                    MemberStatus.CHUYEN_DI: 1}
THEORY = Weighted({"Sơ cấp": 68, "Trung cấp": 14, "Cao cấp": 2, None: 16})
LEADER_THEORY = Weighted({"Trung cấp": 65, "Sơ cấp": 22, "Cao cấp": 13})
CADRE_THEORY = Weighted({"Trung cấp": 45, "Sơ cấp": 35, "Cao cấp": 12, None: 8})
LANGUAGE_YOUNG = Weighted({"Tiếng Anh B1": 30, "Tiếng Anh trình độ B": 20, "Tiếng Anh A2": 10, None: 40})
LANGUAGE_OLD = Weighted({"Tiếng Nga trình độ B": 5, "Tiếng Anh trình độ A": 10, None: 85})
EDUCATION_OLD = Weighted({"10/10": 50, "12/12": 25, "9/12": 10, "7/10": 10, "8/10": 5})
EDUCATION = Weighted({"12/12": 96, "9/12": 4})
CCCD_PROVINCE = Weighted({"048": 78, "049": 15, "046": 2, "051": 2, "040": 1, "042": 1, "044": 1})
MOBILE_PREFIXES = ("90", "91", "93", "94", "96", "97", "98", "88", "86", "81", "83", "84", "85", "32", "33", "34",
                   "35", "36", "37", "38", "39", "70", "76", "77", "78", "79", "56", "58")
DA_NANG_STREETS = ("Bạch Đằng", "Hoàng Sa", "Trường Sa", "Ông Ích Khiêm", "Nguyễn Văn Thoại", "Hàm Nghi",
                   "Lê Đình Lý", "Nguyễn Tri Phương", "Núi Thành", "Hoàng Diệu", "Tôn Đức Thắng", "Âu Cơ",
                   "Phan Đăng Lưu", "Thái Thị Bôi", "Hà Huy Tập", "Nguyễn Lương Bằng", "Ngũ Hành Sơn")


_JOB_GROUPS = {
    "Công nhân": OccupationGroup.CONG_NHAN, "Nông dân": OccupationGroup.NONG_DAN, "Ngư dân": OccupationGroup.NONG_DAN,
    "Công chức": OccupationGroup.CONG_CHUC, "Viên chức": OccupationGroup.VIEN_CHUC,
    "Giáo viên": OccupationGroup.VIEN_CHUC, "Cán bộ quản lý giáo dục": OccupationGroup.VIEN_CHUC,
    "Bác sĩ": OccupationGroup.VIEN_CHUC, "Điều dưỡng": OccupationGroup.VIEN_CHUC, "Y sĩ": OccupationGroup.VIEN_CHUC,
    "Dược sĩ": OccupationGroup.VIEN_CHUC, "Nữ hộ sinh": OccupationGroup.VIEN_CHUC,
    "Công an": OccupationGroup.LUC_LUONG_VU_TRANG, "Quân nhân": OccupationGroup.LUC_LUONG_VU_TRANG,
    "Sinh viên": OccupationGroup.HOC_SINH_SINH_VIEN, "Hưu trí": OccupationGroup.HUU_TRI,
    "Nhân viên văn phòng": OccupationGroup.DN_TU_NHAN, "Kỹ sư": OccupationGroup.DN_TU_NHAN,
}
#: a company's owner (tree.COMPANY_OWNERS) → its staff's group
EMPLOYER_GROUPS = {"nha_nuoc": OccupationGroup.DN_NHA_NUOC, "tu_nhan": OccupationGroup.DN_TU_NHAN,
                   "fdi": OccupationGroup.DN_FDI}
RETIRED = "Hưu trí"


def occupation_group(profile_name: str, occupation: str, employer: str = "") -> OccupationGroup:
    """The occupation group committees count a member in, from the cell's profile and the member's job: a school's or
    a clinic's staff are viên chức, a company's staff (but its workers) are counted by who owns the company."""
    if occupation == RETIRED:
        return OccupationGroup.HUU_TRI
    if profile_name in ("giao_duc", "y_te"):
        return OccupationGroup.VIEN_CHUC
    if profile_name == "doanh_nghiep" and occupation != "Công nhân":
        return EMPLOYER_GROUPS.get(employer, OccupationGroup.DN_TU_NHAN)
    return _JOB_GROUPS.get(occupation, OccupationGroup.KHAC)


@dataclass(frozen=True)
class Profile:
    """Who sits in a kind of cell: gender mix, birth years, jobs and statuses."""

    female: float
    birth: tuple[int, int, int]  # low, high and most common year for official members
    jobs: Weighted[Job]
    statuses: Weighted[MemberStatus]
    retire: bool = False         # members past 60 are mostly retired
    cadre: bool = False          # political theory of civil servants


PROFILES: dict[str, Profile] = {
    "dan_cu": Profile(0.42, (1940, 2003, 1957), Weighted(_RESIDENT_JOBS), Weighted(_RESIDENT_STATUSES), True),
    "thon": Profile(0.36, (1940, 2003, 1965), Weighted(_VILLAGE_JOBS), Weighted(_RESIDENT_STATUSES), True),
    "co_quan": Profile(0.45, (1966, 2001, 1984), Weighted(_AGENCY_JOBS["co_quan"]), Weighted(_AGENCY_STATUSES),
                       cadre=True),
    "cong_an": Profile(0.12, (1970, 2002, 1990), Weighted(_AGENCY_JOBS["cong_an"]), Weighted(_AGENCY_STATUSES)),
    "quan_su": Profile(0.05, (1970, 2002, 1990), Weighted(_AGENCY_JOBS["quan_su"]), Weighted(_AGENCY_STATUSES)),
    "y_te": Profile(0.65, (1966, 2001, 1985), Weighted(_AGENCY_JOBS["y_te"]), Weighted(_AGENCY_STATUSES)),
    "giao_duc": Profile(0.72, (1966, 2001, 1984), Weighted(_AGENCY_JOBS["giao_duc"]), Weighted(_AGENCY_STATUSES)),
    "doanh_nghiep": Profile(0.3, (1966, 2001, 1986), Weighted(_AGENCY_JOBS["doanh_nghiep"]),
                            Weighted(_AGENCY_STATUSES)),
}


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass
class UsedIdentifiers:
    """Identifiers already taken (in the database or by the fixed demo members); new ones avoid them."""

    phones: set[str] = field(default_factory=set)
    cccds: set[str] = field(default_factory=set)
    cards: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)


@dataclass
class Places:
    """Address pools drawn from Faker once."""

    streets: tuple[str, ...]
    hometowns: tuple[str, ...]
    city_wards: tuple[str, ...]

    @classmethod
    def build(cls, faker: Faker, city_wards: tuple[str, ...]) -> Places:
        """Streets from Faker and Đà Nẵng, hometowns as 'xã …, tỉnh …' from Faker's communes and provinces."""
        streets = _unique(AddressVi.streets, DA_NANG_STREETS)
        hometowns = _unique([f"xã {faker.commune_name()}, tỉnh {faker.province_name()}" for _ in range(400)])
        return cls(streets, hometowns, city_wards)


class PeopleFactory:
    """Makes member rows (dicts of Member columns, without ids) for a given kind of cell."""

    def __init__(self, rng: random.Random, places: Places, today: date, used: UsedIdentifiers) -> None:
        self.rng = rng
        self.places = places
        self.today = today
        self.used = used
        self._latest_official_admission = add_years(today, -1) - timedelta(days=1)

    # names ----------------------------------------------------------------------------------------
    def full_name(self, gender: Gender, birth_year: int, ethnicity: str = "Kinh") -> str:
        """Họ + tên đệm + tên, matching the gender and the naming habits of the birth decade."""
        rng = self.rng
        minority = ETHNIC_LAST.get(ethnicity)
        last = rng.choice(minority) if minority else LAST_NAMES.pick(rng)
        middle = MIDDLE[(gender, birth_year < 1975)].pick(rng)
        pool = MALE_GIVEN if gender is Gender.NAM else FEMALE_GIVEN
        given = rng.choice(pool)
        while given == middle.split()[-1]:
            given = rng.choice(pool)
        return f"{last} {middle} {given}"

    # identifiers ----------------------------------------------------------------------------------
    def phone(self) -> str:
        """A unique Vietnamese mobile number in E.164."""
        while True:
            number = f"+84{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10_000_000):07d}"
            if number not in self.used.phones:
                self.used.phones.add(number)
                return number

    def cccd(self, gender: Gender, birth: date) -> str:
        """Province code, gender/century digit, two-digit birth year, six random digits — unique."""
        century = 0 if birth.year < 2000 else 2
        head = f"{CCCD_PROVINCE.pick(self.rng)}{century + (gender is Gender.NU)}{birth.year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randrange(1_000_000):06d}"
            if number not in self.used.cccds:
                self.used.cccds.add(number)
                return number

    def card_number(self) -> str:
        """A unique eight-digit party card number."""
        while True:
            number = str(self.rng.randrange(10_000_000, 100_000_000))
            if number not in self.used.cards:
                self.used.cards.add(number)
                return number

    # dates ----------------------------------------------------------------------------------------
    def _random_day(self, year: int) -> date:
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def _probation_dates(self) -> tuple[date, date]:
        """Birth and admission of a dự bị member: admitted within the last twelve months."""
        admission = self.today - timedelta(days=self.rng.randint(20, 350))
        age_days = int(self.rng.triangular(18.3, 45, 23) * 365.25)
        birth = min(admission - timedelta(days=age_days), YOUNGEST_BIRTH)
        return birth, admission

    def _official_admission(self, birth: date) -> date:
        """An admission at 18 or later, at least twelve months ago (so the member is official by now)."""
        earliest = add_years(birth, ADMISSION_AGE)
        span = min((self._latest_official_admission - earliest).days, 42 * 365)
        if span <= 0:
            return earliest
        return earliest + timedelta(days=int(self.rng.triangular(0, span, min(span, 7 * 365))))

    def _birth_year(self, profile: Profile, status: MemberStatus, leader: bool) -> int:
        low, high, mode = profile.birth
        if leader:
            low, high, mode = max(low, 1952), min(high, 1994), max(min(mode, 1988), 1962)
        elif status is MemberStatus.MIEN_SINH_HOAT:
            low, high, mode = OLDEST_BIRTH_YEAR, 1952, 1944
        elif status is MemberStatus.DA_MAT:
            low, high, mode = OLDEST_BIRTH_YEAR, 1950, 1942
        latest = min(YOUNGEST_BIRTH.year, add_years(self.today, -(ADMISSION_AGE + 2)).year)
        return min(int(self.rng.triangular(low, high + 1, mode)), latest)

    # the record -----------------------------------------------------------------------------------
    def member(self, profile_name: str, place: str, *, leader: bool = False, village: bool = False,
               employer: str = "") -> dict[str, Any]:
        """A member row for a cell of `profile_name`; `place` is the cell's area for the residence; `employer` is a
        company cell's owner."""
        rng = self.rng
        profile = PROFILES[profile_name]
        status = MemberStatus.CHINH_THUC if leader else profile.statuses.pick(rng)
        gender = Gender.NU if rng.random() < profile.female else Gender.NAM
        if status is MemberStatus.DU_BI:
            birth, admission = self._probation_dates()
            official = None
        else:
            birth = self._random_day(self._birth_year(profile, status, leader))
            admission = self._official_admission(birth)
            official = add_years(admission, 1)
        ethnicity = ETHNICITY["xa" if village else "phuong"].pick(rng)
        has_phone = leader or rng.random() < (0.45 if birth.year < 1950 else 0.76)
        row = {
            "full_name": self.full_name(gender, birth.year, ethnicity), "birth_name": None,
            "birth_date": birth, "gender": gender, "ethnicity": ethnicity, "religion": RELIGION.pick(rng),
            "hometown": self._hometown(), "residence": self._residence(profile_name, place),
            "cccd": self.cccd(gender, birth), "phone": self.phone() if has_phone else None, "email": None,
            "admission_date": admission, "official_date": official, "card_number": self.card_number(),
            "dossier_number": f"48.{rng.randrange(1, 1_000_000):06d}", "status": status,
        }
        row.update(self._schooling(profile, birth, status, leader))
        row["occupation_group"] = occupation_group(profile_name, row["occupation"], employer)
        return row

    def _schooling(self, profile: Profile, birth: date, status: MemberStatus, leader: bool) -> dict[str, Any]:
        """Education, qualification, political theory, foreign language and occupation."""
        rng = self.rng
        old = birth.year < 1962
        occupation, qualifications = profile.jobs.pick(rng)
        qualification = rng.choice(qualifications)
        if profile.retire and self.today.year - birth.year >= 60 and rng.random() < 0.85:
            occupation, qualification = RETIRED, rng.choice(RETIRED_QUALIFICATIONS)
        if leader:
            theory = LEADER_THEORY.pick(rng)
        elif status is MemberStatus.DU_BI:
            theory = "Sơ cấp" if rng.random() < 0.3 else None
        else:
            theory = (CADRE_THEORY if profile.cadre else THEORY).pick(rng)
        return {
            "education": (EDUCATION_OLD if old else EDUCATION).pick(rng),
            "qualification": qualification,
            "political_theory": theory,
            "foreign_language": (LANGUAGE_OLD if birth.year < 1975 else LANGUAGE_YOUNG).pick(rng),
            "occupation": occupation,
        }

    def retire(self, row: dict[str, Any], rng: random.Random) -> None:
        """Make `row` a member past retirement age (63–74) who has retired but still meets at the former workplace:
        birth, CCCD (its year digits) and occupation change; `rng` is the caller's, so other rows stay as they were."""
        age_days = rng.randint(63 * 365 + 20, 74 * 365)
        birth = self.today - timedelta(days=age_days)
        century = 0 if birth.year < 2000 else 2
        head = f"{row['cccd'][:3]}{century + (row['gender'] is Gender.NU)}{birth.year % 100:02d}"
        number = f"{head}{row['cccd'][6:]}"
        while number in self.used.cccds:
            number = f"{head}{rng.randrange(1_000_000):06d}"
        self.used.cccds.add(number)
        row.update(birth_date=birth, cccd=number, occupation=RETIRED, occupation_group=OccupationGroup.HUU_TRI,
                   foreign_language=None)

    def _hometown(self) -> str:
        if self.rng.random() < 0.55:
            return f"{self.rng.choice(self.places.city_wards)}, thành phố Đà Nẵng"
        return self.rng.choice(self.places.hometowns)

    def _residence(self, profile_name: str, place: str) -> str:
        """A house in the cell's area for residential cells; somewhere in the city for the others."""
        rng = self.rng
        if profile_name == "thon":
            return f"{place}, thành phố Đà Nẵng"
        if profile_name != "dan_cu" and rng.random() < 0.4:
            place = rng.choice(self.places.city_wards)
        street = rng.choice(self.places.streets)
        house = f"K{rng.randint(1, 400)}/{rng.randint(1, 60)}" if rng.random() < 0.4 else str(rng.randint(1, 600))
        return f"{house} {street}, {place}, thành phố Đà Nẵng"
