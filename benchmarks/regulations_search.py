"""Regulations search latency over 5,000 articles: the real search vs a naive LIKE baseline.

    .venv/bin/python benchmarks/regulations_search.py
    .venv/bin/python benchmarks/regulations_search.py --database-url postgresql+psycopg://postgres@127.0.0.1:5433/postgres

SQLite (a file in a temporary directory) is always measured; with --database-url the script also creates a
scratch database `hb_bench_regulations` on that PostgreSQL server (dropped and recreated) and measures it.
Each query runs --runs times as an ordinary member (scope clause included); the table shows p50/p95/p99 in
milliseconds for `search()` (FTS5 / tsvector, ranked, one hit per document, snippets) beside the baseline
(`LIKE '%word%'` on the same folded columns, same scope, same hit building), and the ratio baseline/search.
The last column is this process's CPU time per search (p95): on SQLite that is the whole cost of a query
and, unlike wall-clock time, barely moves when other processes load the machine; on PostgreSQL the
server's share is not in it. The load average is printed with the results: read wall-clock times with it.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import and_, create_engine, func, select, text  # noqa: E402

from handbook import create_app  # noqa: E402
from handbook.auth.models import User  # noqa: E402
from handbook.extensions import db  # noqa: E402
from handbook.members.models import Member  # noqa: E402
from handbook.org.access import load_access  # noqa: E402
from handbook.org.models import OrgKind  # noqa: E402
from handbook.org.service import create_organisation  # noqa: E402
from handbook.regulations import search as search_module  # noqa: E402
from handbook.regulations.models import Article, Document, DocumentKind  # noqa: E402
from handbook.regulations.search import Filters, Results, search  # noqa: E402
from handbook.regulations.service import DocumentInput, build_document  # noqa: E402
from handbook.regulations.textfold import query_terms  # noqa: E402

QUERIES = ["dang", "dang phi", "dieu le", "quy dinh 339", "sinh hoat chi bo", "ket nap dang vien", "chuyen sinh hoat",
           "danh gia xep loai", "thi", "90 phut", "zzxq"]
# Function words first, then the domain's words in a fixed shuffled order; drawn with Zipf weights
# (1/rank) as in natural text, so "đảng" is everywhere while "phí" is in a minority of articles.
FUNCTION_TEXT = ("của và các được trong theo có là người với cho này không về đã một những khi thì để "
                  "đến từ do tại trên sau trước đối việc")
VOCABULARY = ("đảng viên chi bộ sinh hoạt đảng phí kết nạp quần chúng ưu tú lý lịch thẩm tra nghị quyết chỉ thị "
         "quy định hướng dẫn kiểm tra giám sát kỷ luật khen thưởng đánh giá xếp loại hoàn thành nhiệm vụ "
         "chuyển sinh hoạt tạm thời chính thức dự bị cấp ủy bí thư phó bí thư tổ đảng thôn bản phường xã "
         "học tập làm theo tư tưởng đạo đức phong cách cán bộ công chức thanh niên phụ nữ dân tộc tôn giáo "
         "hằng tháng hằng quý trực tuyến biên bản điểm danh phút ngày tháng năm thực hiện báo cáo")
_DOMAIN = VOCABULARY.split()
WORDS = FUNCTION_TEXT.split() + ["đảng", "viên", "chi", "bộ"] + random.Random(7).sample(_DOMAIN, len(_DOMAIN))
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
KINDS = list(DocumentKind)


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, WEIGHTS, k=n)).capitalize() + "."


def build_corpus(documents: int, articles_per_doc: int, seed: int = 4) -> int:
    """An organisation, a member, and documents × articles of generated Vietnamese text; returns the user id."""
    rng = random.Random(seed)
    city = create_organisation("Thành phố", OrgKind.DANG_BO_TINH)
    wards = [create_organisation(f"Phường {i}", OrgKind.DANG_BO_XA, city) for i in range(10)]
    cell = create_organisation("Chi bộ 1", OrgKind.CHI_BO, wards[0])
    user = User(email="bench@test.vn", display_name="Bench")
    db.session.add(user)
    db.session.flush()
    db.session.add(Member(cell_id=cell.id, user_id=user.id, full_name="Nguyễn Văn Đo"))
    for d in range(documents):
        body = []
        for a in range(1, articles_per_doc + 1):
            body.append(f"Điều {a}. {sentence(rng, 4)}")
            body.extend(f"{k}. {sentence(rng, rng.randint(12, 40))}" for k in range(1, rng.randint(2, 4)))
        audience = None if d % 3 else rng.choice(wards).id  # a third addressed to one ward
        build_document(DocumentInput(
            kind=KINDS[d % len(KINDS)], number=f"{d + 1}-QĐ/TW", title=sentence(rng, 8), issuer="Ban Chấp hành",
            issue_date=date(2015 + d % 11, 1 + d % 12, 1 + d % 28), audience_org_id=audience, body="\n".join(body),
        )).document.published_at = func.now()
        if d % 50 == 49:
            db.session.commit()
    db.session.commit()
    return user.id


def naive_search(access, query: str, per_page: int = 20) -> Results:
    """The baseline: LIKE on the folded columns, same scope and hits; newest documents first, no ranking."""
    terms = query_terms(query)
    haystack = Article.search_title + " " + Article.search_heading + " " + Article.search_body
    clauses = search_module._filter_clauses(access, Filters())
    rows = db.session.execute(
        select(Article, Document).join(Document, Document.id == Article.document_id)
        .where(and_(*[haystack.like(f"%{t}%") for t in terms]), *clauses)
        .order_by(Document.issue_date.desc(), Article.position).limit(per_page * 10)
    ).all()
    seen, items = set(), []
    for article, document in rows:
        if document.id not in seen and len(items) < per_page:
            seen.add(document.id)
            items.append(search_module._hit(document, article, terms))
    return Results(items, 1, per_page, len(items), terms)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def measure(url: str, label: str, args) -> list[tuple]:
    tmp = tempfile.mkdtemp(prefix="bench-reg-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench"})
    rows = []
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        user_id = build_corpus(args.documents, args.articles)
        build_s = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        count = db.session.scalar(select(func.count(Article.id)))
        print(f"{label}: {count:,} articles in {args.documents:,} documents built in {build_s:.1f} s", file=sys.stderr)
        access = load_access(db.session.get(User, user_id))
        for query in QUERIES:
            timings, cpu = {}, {}
            for name, fn in (("search", search), ("LIKE", naive_search)):
                fn(access, query)  # warm-up
                samples, cpu_samples = [], []
                for _ in range(args.runs):
                    t0, c0 = time.perf_counter(), time.process_time()
                    fn(access, query)
                    samples.append((time.perf_counter() - t0) * 1000)
                    cpu_samples.append((time.process_time() - c0) * 1000)
                    db.session.rollback()
                timings[name], cpu[name] = percentiles(samples), percentiles(cpu_samples)
            hits = search(access, query).total
            rows.append((label, query, hits, timings["search"], timings["LIKE"], cpu["search"][1]))
        db.session.remove()
        db.engine.dispose()
    return rows


def scratch_postgres(url: str) -> str:
    name = "hb_bench_regulations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Đo độ trễ tìm kiếm văn bản (5.000 điều).")
    parser.add_argument("--database-url", help="máy chủ PostgreSQL (tạo CSDL tạm hb_bench_regulations)")
    parser.add_argument("--documents", type=int, default=250)
    parser.add_argument("--articles", type=int, default=20, help="số Điều mỗi văn bản")
    parser.add_argument("--runs", type=int, default=50, help="số lần chạy mỗi truy vấn")
    args = parser.parse_args(argv)

    rows = measure(f"sqlite:///{tempfile.mkdtemp(prefix='bench-reg-db-')}/bench.db", "sqlite", args)
    if args.database_url:
        rows += measure(scratch_postgres(args.database_url), "postgresql", args)

    header = (f"{'engine':<10} {'query':<20} {'hits':>5} | {'search p50':>10} {'p95':>7} {'p99':>7} | "
              f"{'LIKE p50':>9} {'p95':>7} {'p99':>7} | {'p95 ratio':>9} | {'search CPU p95':>14}")
    print(f"\n{args.documents * args.articles:,} articles, {args.runs} runs per query, milliseconds\n")
    print(header)
    print("-" * len(header))
    worst = {}
    for engine, query, hits, (s50, s95, s99), (l50, l95, l99), cpu95 in rows:
        worst[engine] = max(worst.get(engine, 0.0), s95)
        print(f"{engine:<10} {query:<20} {hits:>5} | {s50:>10.2f} {s95:>7.2f} {s99:>7.2f} | "
              f"{l50:>9.2f} {l95:>7.2f} {l99:>7.2f} | {l95 / s95:>8.1f}x | {cpu95:>14.2f}")
    print()
    for engine, value in worst.items():
        verdict = "OK" if value <= 30 else "OVER BUDGET"
        print(f"worst search p95 on {engine}: {value:.2f} ms (budget 30 ms) {verdict}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
