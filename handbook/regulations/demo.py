"""Demo documents: sample text written for the demo, NOT the text of any real document.

Each one says so at its top and is flagged `is_sample`. They exercise search (đảng phí, Điều lệ, Quy định
numbered 339), structure (Phần/Chương/Mục/Điều/Khoản/Điểm) and a superseded document with its replacement.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from handbook.extensions import db
from handbook.org.models import Organisation, OrgKind
from handbook.regulations.models import Document, DocumentKind, DocumentStatus
from handbook.regulations.service import SAMPLE_NOTICE, DocumentInput, build_document

ISSUER = "Ban Chấp hành Đảng bộ mẫu (dữ liệu trình diễn)"
DEMO_MEMBER = "dangvien@demo.vn"


def _notice() -> str:
    return f"> **{SAMPLE_NOTICE}.**\n"


DIEU_LE = """
## Chương I. ĐẢNG VIÊN

Điều 1. Đảng viên
1. Đảng viên là người tự nguyện phấn đấu, gương mẫu trong công tác và đời sống, được tổ chức đảng xem xét kết nạp.
2. Công dân từ đủ 18 tuổi trở lên, thừa nhận và tự nguyện thực hiện Điều lệ mẫu này thì được xem xét kết nạp.

Điều 2. Nhiệm vụ của đảng viên
1. Chấp hành nghiêm các nghị quyết, quy định của tổ chức đảng.
2. Tham gia sinh hoạt chi bộ đầy đủ, đóng đảng phí đúng quy định.
3. Giữ gìn đoàn kết, thực hiện tự phê bình và phê bình.

Điều 3. Quyền của đảng viên
1. Được thông tin và thảo luận các vấn đề về nghị quyết, quy định của tổ chức.
2. Được trình bày ý kiến khi tổ chức đảng nhận xét, quyết định công tác đối với mình.

## Chương II. TỔ CHỨC CƠ SỞ ĐẢNG

Điều 4. Chi bộ
1. Chi bộ có ít nhất ba đảng viên chính thức.
2. Chi bộ sinh hoạt thường kỳ mỗi tháng một lần; sinh hoạt chuyên đề ít nhất mỗi quý một lần.
3. Chi bộ có nhiều đảng viên có thể chia thành các tổ đảng.

Điều 5. Nhiệm vụ của chi bộ
1. Lãnh đạo thực hiện nhiệm vụ chính trị của đơn vị.
2. Giáo dục, quản lý, phân công công việc cho đảng viên.
3. Làm công tác phát triển đảng viên: bồi dưỡng quần chúng ưu tú, xem xét đề nghị kết nạp.
"""

SINH_HOAT_CU = """
## Chương I. QUY ĐỊNH CHUNG

Điều 1. Phạm vi áp dụng
Quy định mẫu này áp dụng đối với các chi bộ trong Đảng bộ mẫu.

## Chương II. SINH HOẠT CHI BỘ

Điều 2. Thời gian sinh hoạt
1. Chi bộ sinh hoạt thường kỳ mỗi tháng một lần vào ngày do chi bộ tự chọn.
2. Thời gian mỗi buổi sinh hoạt không ít hơn 60 phút.

Điều 3. Nội dung sinh hoạt
Chi bộ đánh giá công việc tháng trước, đề ra nhiệm vụ tháng tới.
"""

SINH_HOAT_MOI = """
## Chương I. QUY ĐỊNH CHUNG

Điều 1. Phạm vi áp dụng
Quy định mẫu này áp dụng đối với các chi bộ, tổ đảng trong Đảng bộ mẫu; thay thế quy định mẫu năm 2019.

## Chương II. SINH HOẠT CHI BỘ

### Mục 1. SINH HOẠT THƯỜNG KỲ

Điều 2. Thời gian sinh hoạt thường kỳ
1. Chi bộ sinh hoạt thường kỳ vào ngày 03 hằng tháng; chi bộ có thể chọn ngày khác phù hợp và báo cáo cấp ủy cấp trên.
2. Mỗi buổi sinh hoạt không ít hơn 90 phút; khi kết hợp sinh hoạt chuyên đề thì không ít hơn 120 phút.

Điều 3. Chuẩn bị sinh hoạt
1. Chi ủy hoặc bí thư chi bộ thống nhất nội dung trước khi sinh hoạt.
2. Tài liệu sinh hoạt được gửi đến đảng viên chậm nhất 01 ngày trước buổi sinh hoạt.

### Mục 2. SINH HOẠT CHUYÊN ĐỀ VÀ TRỰC TUYẾN

Điều 4. Sinh hoạt chuyên đề
Chi bộ sinh hoạt chuyên đề ít nhất mỗi quý một lần; sinh hoạt chuyên đề không thay thế sinh hoạt thường kỳ.

Điều 5. Sinh hoạt trực tuyến
1. Chi bộ được sinh hoạt trực tuyến khi quá nửa số đảng viên không thể sinh hoạt trực tiếp, gồm:
a) Đảng viên làm việc xa nơi cư trú, học tập xa;
b) Đảng viên làm nhiệm vụ trên biển, hải đảo;
c) Trường hợp đặc biệt khác do cấp ủy cấp trên quyết định.
2. Biên bản buổi sinh hoạt trực tuyến được lưu như buổi sinh hoạt trực tiếp.
"""

DANG_PHI = """
## Chương I. QUY ĐỊNH CHUNG

Điều 1. Đối tượng
Mọi đảng viên có trách nhiệm đóng đảng phí hằng tháng theo hướng dẫn mẫu này.

## Chương II. MỨC ĐÓNG VÀ CÁCH THU, NỘP ĐẢNG PHÍ

Điều 2. Mức đóng đảng phí
1. Đảng viên có tham gia bảo hiểm xã hội đóng 1% tiền lương làm căn cứ đóng bảo hiểm xã hội của tháng trước.
2. Đảng viên hưởng lương hưu đóng 0,5% tiền lương hưu.
3. Các trường hợp khác:
a) Đảng viên là học sinh, sinh viên đóng 5.000 đồng/tháng;
b) Đảng viên khác trong độ tuổi lao động đóng từ 4.000 đồng đến 10.000 đồng/tháng tùy địa bàn;
c) Đảng viên có hoàn cảnh khó khăn được chi bộ xem xét miễn, giảm.

Điều 3. Thu, nộp đảng phí
1. Đảng viên nộp đảng phí cho chi bộ bằng tiền mặt hoặc qua cổng dịch vụ công.
2. Chi bộ lập sổ thu đảng phí và báo cáo cấp ủy cấp trên hằng tháng.

Điều 4. Xử lý vi phạm
Đảng viên không đóng đảng phí ba tháng trong năm mà không có lý do chính đáng thì chi bộ xem xét, đề nghị xóa tên.
"""

QD_339 = """
## Phần thứ nhất. NHỮNG VẤN ĐỀ CHUNG

Điều 1. Mục đích
Quy định mẫu số 339 dùng để trình diễn cách tra cứu văn bản theo số hiệu trong sổ tay.

## Phần thứ hai. ĐÁNH GIÁ, XẾP LOẠI

## Chương I. TIÊU CHÍ

Điều 2. Tiêu chí đánh giá
1. Kết quả thực hiện nhiệm vụ được giao trong năm.
2. Việc tham gia sinh hoạt chi bộ và đóng đảng phí.

Điều 3. Mức xếp loại
1. Đảng viên được chấm trên thang 100 điểm và xếp thành bốn mức:
a) Hoàn thành xuất sắc nhiệm vụ: từ 90 điểm;
b) Hoàn thành tốt nhiệm vụ: từ 70 đến dưới 90 điểm;
c) Hoàn thành nhiệm vụ: từ 50 đến dưới 70 điểm;
d) Không hoàn thành nhiệm vụ: dưới 50 điểm.
"""

KE_HOACH = """
Điều 1. Mục tiêu
Tổ chức cho toàn thể đảng viên cài đặt và sử dụng sổ tay đảng viên điện tử trong sinh hoạt chi bộ.

Điều 2. Nhiệm vụ
1. Các chi bộ hướng dẫn đảng viên đăng nhập, tra cứu văn bản và đăng ký nhận nhắc lịch.
2. Bí thư chi bộ ghi nhận điểm danh trên sổ tay từ kỳ sinh hoạt tháng tới.
"""


def _documents(ward_id: int | None) -> list[DocumentInput]:
    return [
        DocumentInput(DocumentKind.DIEU_LE, "01-ĐL/MẪU", "Điều lệ mẫu của Đảng bộ trình diễn", ISSUER,
                      date(2021, 2, 1), date(2021, 2, 1), body=DIEU_LE),
        DocumentInput(DocumentKind.QUY_DINH, "12-QĐ/MẪU", "Quy định mẫu về sinh hoạt chi bộ (năm 2019)", ISSUER,
                      date(2019, 5, 10), date(2019, 6, 1), body=SINH_HOAT_CU),
        DocumentInput(DocumentKind.QUY_DINH, "45-QĐ/MẪU", "Quy định mẫu về sinh hoạt chi bộ (năm 2025)", ISSUER,
                      date(2025, 7, 15), date(2025, 8, 1), body=SINH_HOAT_MOI),
        DocumentInput(DocumentKind.HUONG_DAN, "01-HD/MẪU", "Hướng dẫn mẫu về thu, nộp và quản lý đảng phí",
                      ISSUER, date(2026, 1, 5), date(2026, 2, 1), body=DANG_PHI),
        DocumentInput(DocumentKind.QUY_DINH, "339-QĐ/MẪU", "Quy định mẫu về đánh giá, xếp loại đảng viên",
                      ISSUER, date(2025, 3, 20), date(2025, 4, 1), body=QD_339),
        DocumentInput(DocumentKind.KE_HOACH, "07-KH/MẪU", "Kế hoạch mẫu triển khai sổ tay đảng viên điện tử",
                      ISSUER, date(2026, 9, 1), date(2026, 9, 1), audience_org_id=ward_id, body=KE_HOACH),
    ]


def _demo_ward_id() -> int | None:
    """The ward above the demo member's cell (so the ward's plan shows to the demo accounts), else the first."""
    from handbook.auth.models import User
    from handbook.members.models import Member

    cell_path = db.session.scalar(
        select(Organisation.path).join(Member, Member.cell_id == Organisation.id)
        .join(User, User.id == Member.user_id).where(User.email == DEMO_MEMBER)
    )
    ancestors = [int(part) for part in (cell_path or "").strip("/").split("/") if part]
    query = select(Organisation.id).where(Organisation.kind == OrgKind.DANG_BO_XA)
    if ancestors:
        found = db.session.scalar(query.where(Organisation.id.in_(ancestors)))
        if found:
            return found
    return db.session.scalar(query.order_by(Organisation.id).limit(1))


def seed_demo_documents(now: datetime) -> int:
    """Add the sample documents once (none if any sample exists), published at `now`; returns how many."""
    if db.session.scalar(select(Document.id).where(Document.is_sample.is_(True)).limit(1)):
        return 0
    ward_id = _demo_ward_id()
    built = []
    for data in _documents(ward_id):
        data.body = _notice() + data.body
        data.is_sample = True
        document = build_document(data).document
        document.published_at = now
        built.append(document)
    old, new = built[1], built[2]
    old.status, old.replaced_by_id = DocumentStatus.SUPERSEDED, new.id
    db.session.commit()
    return len(built)
