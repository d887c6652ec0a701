"""Generated member rows for the demo file, the tests and the import benchmark (deterministic)."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu"]
GIVEN = ["An", "Ánh", "Ân", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh",
         "Long", "Mai", "Nam", "Ngân", "Oanh", "Ơn", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Uyên", "Ưng",
         "Vân", "Yến"]
PLACES = ["Hà Nội", "Nghệ An", "Thanh Hóa", "Huế", "Đà Nẵng", "Cần Thơ", "Nam Định", "Quảng Ngãi"]

HEADINGS = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Quê quán", "Nơi cư trú", "Số CCCD",
            "Điện thoại", "Giáo dục phổ thông", "Chuyên môn", "Lý luận chính trị", "Nghề nghiệp",
            "Ngày vào Đảng", "Ngày chính thức", "Số thẻ đảng viên"]


def make_rows(count: int, seed: int = 2026, start: int = 0) -> list[list]:
    """`count` valid rows with unique CCCD, card number and phone; dates as Excel date cells or text."""
    rng = random.Random(seed)
    rows = []
    for i in range(start, start + count):
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
        admitted = birth + timedelta(days=365 * 19 + rng.randrange(0, 365 * 10))
        admitted = min(admitted, date(2025, 1, 1))
        official = admitted.replace(year=admitted.year + 1) if not (admitted.month == 2 and admitted.day == 29) \
            else date(admitted.year + 1, 2, 28)
        woman = rng.random() < 0.45
        name = f"{rng.choice(FAMILY)} {'Thị' if woman else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        rows.append([
            name,
            birth if i % 2 else birth.strftime("%d/%m/%Y"),
            "Nữ" if woman else "Nam", "Kinh", "Không", rng.choice(PLACES), f"Số {i % 200 + 1}, phường Mẫu",
            f"{1_000_000_000_00 + i:012d}", f"09{i % 100_000_000:08d}", "12/12", "Cử nhân", "Trung cấp",
            "Cán bộ", admitted, official, f"{10_000_000 + i}",
        ])
    return rows


def write_workbook(path: Path | str, rows: list[list], headings: list[str] = HEADINGS) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    book.save(path)


def demo_rows() -> list[list]:
    """Twelve members for the demo: eight good rows and four with deliberate mistakes."""
    rows = make_rows(8, seed=7, start=900_000)
    bad = make_rows(4, seed=8, start=900_100)
    bad[0][7] = "00108501234"            # CCCD with 11 digits
    bad[1][1] = "31/02/1990"             # no such date
    bad[2][14] = bad[2][13].replace(year=bad[2][13].year + 2)  # official 24 months later, no reason
    bad[3][7] = rows[0][7]               # same CCCD as an earlier row
    return rows + bad


if __name__ == "__main__":
    target = Path(__file__).with_name("demo_import.xlsx")
    write_workbook(target, demo_rows())
    print(f"wrote {target} ({target.stat().st_size} bytes)")
