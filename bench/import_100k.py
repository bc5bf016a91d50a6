"""Benchmark of ``marketplace import``: 100,000 synthetic records into a fresh SQLite database.

Generates realistic records (2,000 organizations of which 1,500 SMEs with valid credit codes,
78,000 listings across the 8 categories and 20,000 needs, with Chinese titles and
descriptions), then in a temporary instance folder runs ``marketplace db upgrade``, imports the
file twice (the second import must change nothing) and exports it again, each as a separate
process, measuring wall time and peak memory (max RSS).

    .venv/bin/python bench/import_100k.py                   # print the numbers
    .venv/bin/python bench/import_100k.py --write-results   # also update bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from results import replace_section  # noqa: E402

from marketplace.reference import CHARSET, CITIES, check_character  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Bulk import (issue 3)"
COMMAND = ".venv/bin/python bench/import_100k.py --write-results"
CLI = [sys.executable, "-c", "from marketplace.cli import main; main()"]

PROVIDER_KINDS = ("service_provider", "bank", "guarantor", "investor", "tech_intermediary", "university",
                  "leasing_company", "microfinance", "government", "association", "organizer", "platform")
SME_INDUSTRIES = ("C13", "C18", "C26", "C29", "C33", "C34", "C35", "C38", "C39", "C40", "F51", "F52", "I65", "M73")
WORDS = ("智能制造", "跨境电商", "数字化转型", "专精特新", "绿色低碳", "新能源", "工业互联网", "品牌出海", "研发创新",
         "供应链", "知识产权", "人才培养", "普惠金融", "首台套", "产学研")
SUBCATEGORIES = {
    "financing": ("loan", "guarantee", "equity", "leasing", "supply_chain", "insurance"),
    "technology": ("tech_transfer", "patent_license", "rnd_cooperation", "testing", "industrial_design"),
    "training": ("management", "skills", "entrepreneurship", "executive"),
    "exhibition": ("trade_fair", "roadshow", "matchmaking_event"),
    "service": ("consulting", "legal", "ip", "it", "tax_accounting", "hr", "certification"),
    "policy": ("subsidy", "tax", "fee_reduction"),
    "procurement": ("government", "supply"),
    "space": ("incubator", "factory", "coworking"),
}
NOUNS = {
    "financing": ("科技信用贷", "订单融资", "设备融资租赁", "知识产权质押贷", "应收账款融资", "股权投资"),
    "technology": ("专利许可", "联合研发", "检测认证", "工业设计", "成果转化"),
    "training": ("经营管理研修班", "数字化技能培训", "创业训练营", "总裁高级研修班"),
    "exhibition": ("国际展会展位", "项目路演", "产融对接会"),
    "service": ("管理咨询", "法律顾问", "商标专利代理", "ERP实施", "代理记账", "人才招聘", "体系认证"),
    "policy": ("专项扶持资金", "研发费用加计扣除辅导", "减免政策申报"),
    "procurement": ("政府采购项目", "龙头企业配套采购"),
    "space": ("孵化器工位", "标准厂房", "联合办公空间"),
}
WEIGHTS = {"financing": 22, "technology": 14, "training": 12, "exhibition": 10, "service": 20,
           "policy": 8, "procurement": 6, "space": 8}


class Synthesizer:
    """Deterministic synthetic records that pass ``record_errors``."""

    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.cities = [c.code for c in CITIES]
        self.city_names = {c.code: c.name_zh for c in CITIES}

    def credit_code(self, n: int, region: str, kind: str) -> str:
        body = ""
        for _ in range(9):
            n, digit = divmod(n, len(CHARSET))
            body += CHARSET[digit]
        first17 = ("91" if kind == "sme" else "52") + region + body
        return first17 + check_character(first17)

    def organization(self, n: int, sme: bool) -> dict[str, Any]:
        rng, region = self.rng, self.rng.choice(self.cities)
        city = self.city_names[region]
        kind = "sme" if sme else PROVIDER_KINDS[n % len(PROVIDER_KINDS)]
        record: dict[str, Any] = {"type": "organization", "external_id": f"B-ORG-{n:05d}", "kind": kind}
        if sme:
            industry = rng.choice(SME_INDUSTRIES)
            employees = rng.choice((rng.randint(3, 19), rng.randint(20, 299), rng.randint(300, 900)))
            record.update(name=f"{city}{rng.choice(WORDS)}科技有限公司（{n}）", credit_code=self.credit_code(n, region, kind),
                          region=region, industry=industry, employees=employees,
                          annual_revenue_cny=employees * rng.randint(80_000, 600_000),
                          total_assets_cny=employees * rng.randint(50_000, 400_000))
        else:
            record.update(name=f"{city}{rng.choice(WORDS)}服务机构（{n}）", region=region)
            if n % 3:
                record["credit_code"] = self.credit_code(n, region, kind)
        record.update(founded_year=rng.randint(1995, 2024),
                      description=f"位于{city}，专注{rng.choice(WORDS)}与{rng.choice(WORDS)}，服务粤港澳大湾区中小企业。",
                      tags=rng.sample(WORDS, 3))
        return record

    def _dates(self, record: dict[str, Any]) -> None:
        start = date(2027, 1, 1) + timedelta(days=self.rng.randint(0, 500))
        record.update(starts_on=start.isoformat(), ends_on=(start + timedelta(days=self.rng.randint(0, 5))).isoformat(),
                      deadline=(start - timedelta(days=self.rng.randint(5, 30))).isoformat())

    def listing(self, n: int, owner: str, category: str) -> dict[str, Any]:
        rng = self.rng
        region = rng.choice(self.cities)
        noun, word = rng.choice(NOUNS[category]), rng.choice(WORDS)
        record: dict[str, Any] = {
            "type": "listing", "external_id": f"B-L{n:06d}", "organization": owner, "category": category,
            "subcategory": rng.choice(SUBCATEGORIES[category]),
            "title": f"{self.city_names[region]}{word}{noun}（第{n}期）",
            "description": f"面向{self.city_names[region]}及周边地区中小企业的{noun}，聚焦{word}，"
                           f"流程简便、响应迅速，可提供一对一辅导与全流程跟踪服务。编号{n}。",
            # Each region once (the importer refuses a repeated value); the draws are as before.
            "regions": rng.choice(([region], ["440000"], [], list(dict.fromkeys([region, rng.choice(self.cities)])))),
            "tags": rng.sample(WORDS, 2),
            "status": rng.choices(("published", "closed", "draft"), (95, 3, 2))[0],
        }
        if rng.random() < 0.3:
            record["industries"] = rng.sample(("C", "C39", "I65", "F51", "M"), 2)
        if rng.random() < 0.3:
            record["size_classes"] = ["micro", "small"]
        if category in ("financing", "policy", "procurement"):
            low = rng.randint(1, 50) * 100_000
            record.update(amount_min_cny=low, amount_max_cny=low * rng.randint(2, 20))
        if category == "financing":
            record.update(term_months_max=rng.choice((12, 24, 36, 60)), annual_rate_pct=round(rng.uniform(3, 8), 2),
                          collateral_required=rng.random() < 0.4, attributes={"documents_required": ["营业执照", "财务报表"]})
        elif category in ("training", "exhibition"):
            self._dates(record)
            record["price_cny"] = rng.randint(0, 30) * 500
            record["attributes"] = ({"seats": rng.randint(20, 200), "venue": "广州琶洲会展中心"} if category == "training"
                                    else {"booth_size": "9平方米", "expected_visitors": rng.randint(1000, 50000)})
        elif category == "technology":
            record.update(price_cny=rng.randint(1, 100) * 10_000,
                          attributes={"development_stage": rng.choice(("lab", "prototype", "pilot")),
                                      "partnership_types": ["licence", "joint_development"]})
        elif category == "service":
            record.update(price_cny=rng.randint(1, 50) * 1000, attributes={"delivery_days": rng.randint(3, 60)})
        elif category == "space":
            record.update(price_cny=rng.randint(20, 80) * 100, attributes={"area_sqm": rng.randint(10, 2000)})
        return record

    def need(self, n: int, owner: str, region: str, category: str) -> dict[str, Any]:
        rng = self.rng
        noun, word = rng.choice(NOUNS[category]), rng.choice(WORDS)
        record: dict[str, Any] = {
            "type": "need", "external_id": f"B-N{n:06d}", "organization": owner, "category": category,
            "subcategory": rng.choice(SUBCATEGORIES[category]), "title": f"寻求{noun}支持{word}项目（{n}）",
            "description": f"我司正在推进{word}相关项目，希望对接{noun}，"
                           f"要求响应及时、方案可落地，欢迎有经验的机构联系。需求编号{n}。",
            "region": region, "needed_by": (date(2027, 1, 1) + timedelta(days=rng.randint(0, 400))).isoformat(),
            "tags": rng.sample(WORDS, 2), "status": "published",
        }
        if category == "financing":
            record["amount_cny"] = rng.randint(5, 500) * 100_000
        else:
            record["budget_cny"] = rng.randint(1, 100) * 1000
        return record

    def records(self, organizations: int, smes: int, listings: int, needs: int) -> Any:
        orgs = [self.organization(n, sme=n <= smes) for n in range(1, organizations + 1)]
        yield from orgs
        providers = [o["external_id"] for o in orgs if o["kind"] != "sme"]
        sme_regions = [(o["external_id"], o["region"]) for o in orgs if o["kind"] == "sme"]
        categories, weights = list(WEIGHTS), list(WEIGHTS.values())
        for n in range(1, listings + 1):
            yield self.listing(n, self.rng.choice(providers), self.rng.choices(categories, weights)[0])
        for n in range(1, needs + 1):
            owner, region = self.rng.choice(sme_regions)
            yield self.need(n, owner, region, self.rng.choices(categories, weights)[0])


def _run_measured(args: list[str], env: dict[str, str]) -> tuple[float, int, str, str]:
    """Run a command: (seconds, its own peak RSS in MiB, stdout, stderr). Exits if it fails."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(args[3:])} failed ({process.returncode}):\n{stderr}")
    return seconds, usage.ru_maxrss // 1024, stdout, stderr


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
    return {
        "date": date.today().isoformat(),
        "cpus": f"{len(os.sched_getaffinity(0))} (nproc)",
        "cpu": model.group(1).strip() if model else platform.processor(),
        "ram": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "?",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
    }


def _timings(stderr: str) -> tuple[str, str]:
    found = re.search(r"checked in ([\d.]+) s, (?:written|compared) in ([\d.]+) s", stderr)
    return (found.group(1), found.group(2)) if found else ("?", "?")


def benchmark(counts: dict[str, int], workdir: Path) -> dict[str, Any]:
    """Generate, migrate, import twice, export; returns the measurements."""
    source = workdir / "records.jsonl"
    synthesizer = Synthesizer()
    started = time.perf_counter()
    with source.open("w", encoding="utf-8") as f:
        for record in synthesizer.records(**counts):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    generated = time.perf_counter() - started
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP")}
    env["MARKETPLACE_INSTANCE"] = str(workdir / "instance")
    results: dict[str, Any] = {"generate_s": generated, "file_mb": source.stat().st_size / 1e6,
                               "load_before": os.getloadavg()[0]}
    results["baseline_rss_mib"] = _run_measured([*CLI, "db", "upgrade"], env)[1]
    for label in ("first", "second"):
        seconds, rss, stdout, stderr = _run_measured([*CLI, "import", str(source)], env)
        results[label] = {"seconds": seconds, "rss_mib": rss, "summary": stdout.strip(), "timings": _timings(stderr)}
    exported = workdir / "export.jsonl"
    seconds, rss, _stdout, _stderr = _run_measured([*CLI, "export", str(exported)], env)
    with exported.open(encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    results["export"] = {"seconds": seconds, "rss_mib": rss, "lines": lines}
    results["db_mb"] = (workdir / "instance" / "marketplace.db").stat().st_size / 1e6
    return results


def report(counts: dict[str, int], results: dict[str, Any], host: dict[str, str]) -> str:
    total = sum(counts[k] for k in ("organizations", "listings", "needs"))
    first, second, export = results["first"], results["second"], results["export"]
    rows = [
        f"| first import (all new) | {first['seconds']:.1f} s | {first['timings'][0]} s | {first['timings'][1]} s | {first['rss_mib']} MiB |",
        f"| second import (no change) | {second['seconds']:.1f} s | {second['timings'][0]} s | {second['timings'][1]} s | {second['rss_mib']} MiB |",
        f"| export ({export['lines']:,} lines) | {export['seconds']:.1f} s | | | {export['rss_mib']} MiB |",
    ]
    return "\n".join([
        HEADING,
        "",
        f"{total:,} synthetic records ({counts['organizations']:,} organizations of which {counts['smes']:,} SMEs "
        f"with valid credit codes, {counts['listings']:,} listings across the 8 categories, {counts['needs']:,} needs; "
        f"Chinese titles and descriptions; {results['file_mb']:.1f} MB of JSON Lines) imported with "
        "`marketplace import` into a fresh SQLite database (WAL) in a temporary instance folder. Each step is a "
        "separate process; wall time includes starting Python and the app. *Check* is reading and validating every "
        "line (JSON, schema, domain rules, ids, references, credit codes), *write* is the upsert and commit.",
        "",
        "| step | wall time | check | write | peak memory (max RSS) |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"- first import: {first['summary']}",
        f"- second import: {second['summary']}",
        f"- database size after import: {results['db_mb']:.0f} MB; peak memory of `marketplace db upgrade` "
        f"(the app alone, for comparison): {results['baseline_rss_mib']} MiB",
        "",
        f"Machine: {host['cpu']}, {host['cpus']} CPUs, {host['ram']} RAM; Python {host['python']}, "
        f"SQLite {host['sqlite']}; {host['os']}. Measured {host['date']}; 1-minute load average before the run "
        f"{results['load_before']:.2f} (other work shared the machine, so times vary by about ±20 %).",
        "",
        f"Reproduce: `{COMMAND}` (add `--records N` for another size).",
        "",
    ])


def write_results(section: str) -> None:
    replace_section(HEADING, section, RESULTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="total number of records (default 100,000)")
    parser.add_argument("--write-results", action="store_true", help=f"update the '{HEADING}' section of {RESULTS.name}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (file and database)")
    args = parser.parse_args()
    scale = args.records / 100_000
    counts = {"organizations": round(2000 * scale), "smes": round(1500 * scale), "listings": round(78_000 * scale)}
    counts["needs"] = args.records - counts["organizations"] - counts["listings"]
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        results = benchmark(counts, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    section = report(counts, results, machine())
    print(section)
    if args.keep:
        print(f"Kept {workdir}")
    if args.write_results:
        write_results(section)
        print(f"Updated {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
