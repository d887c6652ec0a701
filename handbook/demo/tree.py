"""The shape of the demo organisation: wards of Đà Nẵng and what sits under each, planned before any insert."""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from faker.providers.address.vi_VN import Provider as AddressVi

from handbook.org.models import CELL_KINDS, OrgKind, UnitType

CITY_NAME = "Đảng bộ Thành phố Đà Nẵng"
DEMO_WARD = "Hải Châu"
DEMO_CELL_NAME = "Chi bộ Khu dân cư số 3"
DEMO_CELL_NUMBER = 3
DEMO_CELL_SIZE = 25
AGENCY_SHARE = 0.3        # share of a ward's cells that are agencies, schools, police… rather than residential
AGENCY_MEMBER_CAP = 0.35  # never more than this share of a ward's members in those cells
MIN_CELL = 5

# Phường and xã of Đà Nẵng after the 2025 reorganisation (Đà Nẵng and Quảng Nam merged).
REAL_WARDS: tuple[tuple[str, str], ...] = (
    ("phường", "Hải Châu"), ("phường", "Thanh Khê"), ("xã", "Hòa Vang"),
    *(("phường", name) for name in (
        "Hòa Cường", "An Khê", "An Hải", "Sơn Trà", "Ngũ Hành Sơn", "Hòa Khánh", "Hải Vân", "Liên Chiểu",
        "Cẩm Lệ", "Hòa Xuân", "Tam Kỳ", "Quảng Phú", "Hương Trà", "Bàn Thạch", "Điện Bàn", "Điện Bàn Đông",
        "An Thắng", "Điện Bàn Bắc", "Hội An", "Hội An Đông", "Hội An Tây")),
    *(("xã", name) for name in (
        "Hòa Tiến", "Bà Nà", "Núi Thành", "Tam Mỹ", "Tam Anh", "Đức Phú", "Tam Xuân", "Tây Hồ", "Chiên Đàn",
        "Phú Ninh", "Lãnh Ngọc", "Tiên Phước", "Thạnh Bình", "Sơn Cẩm Hà", "Trà Liên", "Thăng An", "Thăng Bình",
        "Thăng Trường", "Thăng Điền", "Thăng Phú", "Đồng Dương", "Quế Sơn Trung", "Quế Sơn", "Xuân Phú",
        "Nông Sơn", "Quế Phước", "Duy Nghĩa", "Nam Phước", "Duy Xuyên", "Thu Bồn", "Điện Bàn Tây", "Gò Nổi",
        "Đại Lộc", "Hà Nha", "Thượng Đức", "Vu Gia", "Phú Thuận", "Hùng Sơn", "Tây Giang", "A Vương",
        "Đông Giang", "Sông Kôn", "Sông Vàng", "Bến Giằng", "Nam Giang", "Thạnh Mỹ", "La Êê", "Khâm Đức",
        "Phước Năng", "Phước Chánh", "Phước Thành", "Phước Hiệp", "Hiệp Đức", "Việt An", "Phước Trà", "Trà My",
        "Trà Đốc", "Trà Tân", "Trà Giáp", "Trà Leng", "Trà Tập", "Nam Trà My", "Trà Linh", "Trà Vân", "Tam Hải")),
)
# Syllables for more names, when a large seed needs more wards or villages than the real lists hold.
_FIRST = ("An", "Hòa", "Phước", "Tân", "Bình", "Điện", "Duy", "Tam", "Quế", "Đại", "Thăng", "Phú", "Cẩm",
          "Thạch", "Trung", "Đông", "Tây", "Lộc", "Mỹ", "Xuân")
_SECOND = ("Phú", "Lợi", "Thạnh", "Minh", "Hưng", "Sơn", "Hải", "Xuân", "Trung", "Thuận", "Ninh", "Khánh",
           "Lâm", "Mỹ", "Phong", "Hòa", "Tiến", "Trạch", "Long", "Thọ")
KINDERGARTENS = ("Hoa Hồng", "Sơn Ca", "Họa Mi", "Vành Khuyên", "Bình Minh", "Hoa Sen", "Sao Mai", "Tuổi Thơ")
#: who owns a company of a trade (the rest are private): its staff's occupation group
COMPANY_OWNERS = {"Cấp thoát nước": "nha_nuoc", "Môi trường đô thị": "nha_nuoc", "Điện lực": "nha_nuoc",
                  "Vận tải biển": "nha_nuoc", "Dệt may": "fdi"}
#: where a cell's members work or live, by its profile (people.PROFILES)
PROFILE_UNIT_TYPES = {
    "dan_cu": UnitType.DAN_CU, "thon": UnitType.DAN_CU, "co_quan": UnitType.CO_QUAN, "giao_duc": UnitType.SU_NGHIEP,
    "y_te": UnitType.SU_NGHIEP, "doanh_nghiep": UnitType.DOANH_NGHIEP, "quan_su": UnitType.QUAN_DOI,
    "cong_an": UnitType.CONG_AN,
}
COMPANY_TRADES = ("Xây lắp", "Cấp thoát nước", "Môi trường đô thị", "Vận tải biển", "Cơ khí", "Dệt may",
                  "Thủy sản", "Điện lực")


@dataclass(frozen=True)
class Ward:
    """A phường or xã: `prefix` is "phường" or "xã"."""

    prefix: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.prefix} {self.name}"

    @property
    def is_village(self) -> bool:
        return self.prefix == "xã"


@dataclass
class OrgNode:
    """An organisation to create; cells carry how many members they get and which people sit there."""

    name: str
    kind: OrgKind
    profile: str = ""   # cells: a key of people.PROFILES
    place: str = ""     # cells: the area members live in
    size: int = 0       # cells: members
    groups: int = 0     # cells: tổ đảng inside
    demo: bool = False  # the cell of the demo accounts
    employer: str = ""  # cells of a company: people.EMPLOYER_GROUPS key (state, private, foreign-invested)
    children: list[OrgNode] = field(default_factory=list)

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def unit_type(self) -> UnitType | None:
        """A cell's type by its profile; a branch takes its cells' type when they agree (a company's đảng bộ, a
        khu vực of residential cells); a ward or the city, which hold every kind, states none."""
        if self.profile:
            return PROFILE_UNIT_TYPES[self.profile]
        types = {cell.unit_type for cell in self.walk() if cell.is_cell}
        return types.pop() if len(types) == 1 else None

    def walk(self) -> Iterator[OrgNode]:
        """This node and everything below it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()


def syllable_names(rng: random.Random) -> list[str]:
    """Two-syllable place names ("Hòa Phú", "An Thuận"…) in a shuffled order."""
    names = [f"{a} {b}" for a in _FIRST for b in _SECOND if a != b]
    rng.shuffle(names)
    return names


def ward_names(count: int, rng: random.Random) -> list[Ward]:
    """`count` distinct wards: the real ones first (Hải Châu first), then Faker's communes, then made-up ones."""
    wards = [Ward(prefix, name) for prefix, name in REAL_WARDS[:count]]
    taken = {ward.name for ward in wards}
    syllables = syllable_names(rng)
    extra = [*AddressVi.communes, *syllables, *(f"{name} {side}" for side in ("Bắc", "Nam") for name in syllables)]
    number = 1
    while len(wards) < count:
        name = extra.pop(0) if extra else f"Hòa Bình {number}"
        number += not extra
        if name not in taken:
            taken.add(name)
            wards.append(Ward("xã" if len(wards) % 3 == 2 else "phường", name))
    return wards


def ward_budgets(total: int, wards: int, rng: random.Random, first_min: int) -> list[int]:
    """Split `total` members over wards with uneven weights; the first (demo) ward gets at least `first_min`."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(wards)]
    scale = total / sum(weights)
    budgets = [int(w * scale) for w in weights]
    budgets[0] += total - sum(budgets)
    if budgets[0] < first_min and wards > 1:
        shortfall = min(first_min - budgets[0], total - first_min)
        budgets[0] += shortfall
        for i in range(shortfall):
            budgets[1 + i % (wards - 1)] -= 1
    return budgets


def residential_size(rng: random.Random) -> int:
    """Members of a residential cell: mostly 10–50, a few large city cells up to about 150."""
    if rng.random() < 0.06:
        return rng.randint(55, 145)
    return int(rng.triangular(10, 50, 24))


def agency_size(rng: random.Random) -> int:
    """Members of an agency, school, police or company cell."""
    return int(rng.triangular(8, 34, 16))


def split_sizes(total: int, rng: random.Random) -> list[int]:
    """Residential cell sizes summing exactly to `total`; the last cell takes what is left."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = residential_size(rng)
        if left - size < MIN_CELL:
            size = left
        sizes.append(size)
        left -= size
    return sizes


def group_count(size: int, rng: random.Random) -> int:
    """Tổ đảng in a cell: none below 30 members, then 2–5 growing with the cell."""
    if size < 30:
        return 0
    return max(2, min(5, size // 25 + rng.randint(0, 1)))


def _cell(name: str, kind: OrgKind, profile: str, place: str) -> OrgNode:
    return OrgNode(name, kind, profile=profile, place=place)


def _branch(name: str, kind: OrgKind, cells: list[OrgNode]) -> OrgNode:
    return OrgNode(name, kind, children=cells)


def _police(ward: Ward, rng: random.Random, big: bool) -> OrgNode:
    if not big:
        return _cell(f"Chi bộ Công an {ward.label}", OrgKind.CHI_BO_CO_SO, "cong_an", ward.label)
    names = ("Chi bộ Cảnh sát khu vực", "Chi bộ An ninh – Trật tự", "Chi bộ Tổng hợp")[: rng.randint(2, 3)]
    cells = [_cell(name, OrgKind.CHI_BO, "cong_an", ward.label) for name in names]
    return _branch(f"Đảng bộ Công an {ward.label}", OrgKind.DANG_BO_CO_SO, cells)


def _high_school(ward: Ward, rng: random.Random, street: str) -> OrgNode:
    names = ("Chi bộ Tổ Toán – Tin", "Chi bộ Tổ Ngữ văn – Lịch sử", "Chi bộ Tổ Khoa học tự nhiên",
             "Chi bộ Hành chính – Văn phòng")[: rng.randint(2, 4)]
    cells = [_cell(name, OrgKind.CHI_BO, "giao_duc", ward.label) for name in names]
    return _branch(f"Đảng bộ Trường THPT {street}", OrgKind.DANG_BO_CO_SO, cells)


def _company(ward: Ward, rng: random.Random) -> OrgNode:
    """A company's đảng bộ cơ sở with its office cell and two đảng bộ bộ phận (enterprises)."""
    trade = rng.choice(COMPANY_TRADES)
    name = f"Đảng bộ Công ty Cổ phần {trade} {ward.name}"
    children = [_cell("Chi bộ Văn phòng Công ty", OrgKind.CHI_BO, "doanh_nghiep", ward.label)]
    for unit in (1, 2):
        cells = [_cell(f"Chi bộ Phân xưởng {unit}.{k}", OrgKind.CHI_BO, "doanh_nghiep", ward.label)
                 for k in range(1, rng.randint(2, 3) + 1)]
        children.append(_branch(f"Đảng bộ bộ phận Xí nghiệp {unit}", OrgKind.DANG_BO_BO_PHAN, cells))
    company = _branch(name, OrgKind.DANG_BO_CO_SO, children)
    employer = COMPANY_OWNERS.get(trade, "tu_nhan")
    for cell in company.walk():
        cell.employer = employer
    return company


def agency_candidates(ward: Ward, rng: random.Random, streets: tuple[str, ...], big: bool) -> list[OrgNode]:
    """Party organisations of the ward's offices, police, militia, clinic, schools and companies, in order."""
    base = OrgKind.CHI_BO_CO_SO
    named = rng.sample(streets, 6)
    fixed = [
        _cell(f"Chi bộ Cơ quan Đảng – Đoàn thể {ward.label}", base, "co_quan", ward.label),
        _police(ward, rng, big),
        _cell(f"Chi bộ Quân sự {ward.label}", base, "quan_su", ward.label),
        _cell(f"Chi bộ Cơ quan Ủy ban nhân dân {ward.label}", base, "co_quan", ward.label),
        _cell(f"Chi bộ Trạm Y tế {ward.label}", base, "y_te", ward.label),
    ]
    others = [
        _cell(f"Chi bộ Trường THCS {named[0]}", base, "giao_duc", ward.label),
        _cell(f"Chi bộ Trường Tiểu học {named[1]}", base, "giao_duc", ward.label),
        _cell(f"Chi bộ Trường Mầm non {rng.choice(KINDERGARTENS)}", base, "giao_duc", ward.label),
        _cell(f"Chi bộ Trường THCS {named[2]}", base, "giao_duc", ward.label),
        _cell(f"Chi bộ Trường Tiểu học {named[3]}", base, "giao_duc", ward.label),
        _high_school(ward, rng, named[4]),
        _company(ward, rng),
    ]
    rng.shuffle(others)
    return fixed + others


def _take_agencies(candidates: list[OrgNode], budget: int, rng: random.Random) -> tuple[list[OrgNode], int]:
    """Agencies that fit the ward's quota of cells and members, with their sizes set; returns them and members."""
    cell_quota = round(budget / 28 * AGENCY_SHARE)
    member_cap = int(budget * AGENCY_MEMBER_CAP)
    taken: list[OrgNode] = []
    cells = members = 0
    for node in candidates:
        node_cells = [n for n in node.walk() if n.is_cell]
        sizes = [agency_size(rng) for _ in node_cells]
        if cells + len(node_cells) > cell_quota or members + sum(sizes) > member_cap:
            continue
        for cell, size in zip(node_cells, sizes, strict=True):
            cell.size = size
        taken.append(node)
        cells += len(node_cells)
        members += sum(sizes)
    return taken, members


def _villages(ward: Ward, count: int, rng: random.Random) -> list[OrgNode]:
    """Thôn cells of a xã, each a chi bộ cơ sở directly under the xã."""
    names = syllable_names(rng)
    cells = []
    for i in range(count):
        name = names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")
        cells.append(_cell(f"Chi bộ Thôn {name}", OrgKind.CHI_BO_CO_SO, "thon", f"thôn {name}, {ward.label}"))
    return cells


def _areas(cells: list[OrgNode], rng: random.Random) -> list[OrgNode]:
    """Group khu dân cư cells into đảng bộ bộ phận "Khu vực n" of 4–7 cells each."""
    areas: list[OrgNode] = []
    while cells:
        take = rng.randint(4, 7)
        if len(cells) - take < 3:
            take = len(cells)
        areas.append(_branch(f"Đảng bộ bộ phận Khu vực {len(areas) + 1}", OrgKind.DANG_BO_BO_PHAN, cells[:take]))
        cells = cells[take:]
    return areas


def _neighbourhoods(ward: Ward, count: int, rng: random.Random, demo: bool) -> list[OrgNode]:
    """Khu dân cư cells of a phường: directly under it when few, else grouped into khu vực."""
    numbers = [n for n in range(1, count + 2) if not (demo and n == DEMO_CELL_NUMBER)][:count]
    cells = [_cell(f"Chi bộ Khu dân cư số {n}", OrgKind.CHI_BO, "dan_cu", ward.label) for n in numbers]
    if demo:
        cells.insert(0, OrgNode(DEMO_CELL_NAME, OrgKind.CHI_BO, "dan_cu", ward.label, demo=True))
    elif len(cells) < 6:
        for cell in cells:
            cell.kind = OrgKind.CHI_BO_CO_SO
        return cells
    return _areas(cells, rng)


def plan_ward(ward: Ward, budget: int, rng: random.Random, streets: tuple[str, ...], demo: bool = False) -> OrgNode:
    """The ward's đảng bộ with every organisation and cell below it; cell sizes add up to `budget`."""
    candidates = agency_candidates(ward, rng, streets, big=budget >= 700)
    agencies, agency_members = _take_agencies(candidates, budget, rng)
    rest = budget - agency_members
    demo_size = (rest if rest - DEMO_CELL_SIZE < MIN_CELL else DEMO_CELL_SIZE) if demo else 0
    sizes = split_sizes(rest - demo_size, rng)
    if ward.is_village and not demo:
        residential = _villages(ward, len(sizes), rng)
    else:
        residential = _neighbourhoods(ward, len(sizes), rng, demo)
    node = _branch(f"Đảng bộ {ward.label}", OrgKind.DANG_BO_XA, agencies + residential)
    unsized = iter(sizes)
    for cell in node.walk():
        if cell.demo:
            cell.size, cell.groups = demo_size, 2
        elif cell.is_cell:
            cell.size = cell.size or next(unsized)
            cell.groups = group_count(cell.size, rng)
    return node
