"""Click-through, engagement and win rates of recommendations shown, by category, rank, ranking
and surface (``marketplace matching report``). Every rate is per impression; what counts as
engaged or won is :func:`marketplace.recommendations.feedback.impression_outcomes`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from marketplace.recommendations.feedback import ATTRIBUTION_DAYS, impression_outcomes
from marketplace.timeutil import utcnow

#: Rank groups: (label, lowest rank, highest rank).
RANK_GROUPS = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3", 3, 3),
    ("4-5", 4, 5),
    ("6-10", 6, 10),
    ("11+", 11, None),
)


@dataclass
class Rates:
    impressions: int = 0
    clicks: int = 0
    engaged: int = 0
    won: int = 0

    def add(self, impressions: int, clicks: int, engaged: int, won: int) -> None:
        self.impressions += impressions
        self.clicks += clicks
        self.engaged += engaged
        self.won += won

    def _rate(self, count: int) -> float | None:
        return count / self.impressions if self.impressions else None

    @property
    def click_through(self) -> float | None:
        return self._rate(self.clicks)

    @property
    def engagement(self) -> float | None:
        return self._rate(self.engaged)

    @property
    def win(self) -> float | None:
        return self._rate(self.won)

    def as_dict(self) -> dict[str, Any]:
        rounded = lambda value: round(value, 4) if value is not None else None  # noqa: E731
        return {
            "impressions": self.impressions,
            "clicks": self.clicks,
            "engaged": self.engaged,
            "won": self.won,
            "click_through_rate": rounded(self.click_through),
            "engagement_rate": rounded(self.engagement),
            "win_rate": rounded(self.win),
        }


@dataclass
class Report:
    since_days: int
    total: Rates = field(default_factory=Rates)
    by_category: dict[str, Rates] = field(default_factory=dict)
    by_rank: dict[str, Rates] = field(default_factory=dict)
    by_ranking: dict[str, Rates] = field(default_factory=dict)
    by_surface: dict[str, Rates] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        views = {
            name: {key: rates.as_dict() for key, rates in getattr(self, name).items()}
            for name in ("by_category", "by_rank", "by_ranking", "by_surface")
        }
        return {
            "since_days": self.since_days,
            "attribution_days": ATTRIBUTION_DAYS,
            "total": self.total.as_dict(),
            **views,
        }


def build_report(session: Session, since_days: int, now: datetime | None = None) -> Report:
    """Counts and rates of the impressions shown in the last ``since_days`` days (one grouped
    query). Raises ValueError for a period that is not positive."""
    if since_days < 1:
        raise ValueError("since_days must be at least 1")
    shown = impression_outcomes((now or utcnow()) - timedelta(days=since_days)).subquery()
    group = case(
        *((shown.c.rank <= high, label) for label, _low, high in RANK_GROUPS if high is not None),
        else_=RANK_GROUPS[-1][0],
    )
    rows = session.execute(
        select(
            shown.c.ranking,
            shown.c.surface,
            shown.c.category,
            group.label("ranks"),
            func.count(),
            func.sum(shown.c.clicked),
            func.sum(shown.c.engaged),
            func.sum(shown.c.won),
        ).group_by(shown.c.ranking, shown.c.surface, shown.c.category, group)
    ).all()
    report = Report(since_days)
    report.by_rank = {label: Rates() for label, _low, _high in RANK_GROUPS}
    for ranking, surface, category, ranks, *counts in rows:
        numbers = [int(n or 0) for n in counts]
        report.total.add(*numbers)
        report.by_category.setdefault(category, Rates()).add(*numbers)
        report.by_rank[ranks].add(*numbers)
        report.by_ranking.setdefault(ranking, Rates()).add(*numbers)
        report.by_surface.setdefault(surface, Rates()).add(*numbers)
    report.by_category = dict(sorted(report.by_category.items()))
    report.by_ranking = dict(sorted(report.by_ranking.items()))
    report.by_surface = dict(sorted(report.by_surface.items()))
    return report


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def report_lines(report: Report) -> list[str]:
    """The report as a plain-text table per view."""
    lines = [
        f"Recommendations shown in the last {report.since_days} days (engagements counted up to "
        f"{ATTRIBUTION_DAYS} days after a showing; rates per impression)."
    ]
    views = (
        ("category", report.by_category),
        ("rank", report.by_rank),
        ("ranking", report.by_ranking),
        ("surface", report.by_surface),
    )
    for title, view in views:
        lines += [
            "",
            f"{'by ' + title:<24} {'impressions':>11} {'clicks':>7} {'CTR':>7} {'engaged':>8} "
            f"{'eng. rate':>9} {'won':>5} {'win rate':>8}",
        ]
        for key, rates in [*view.items(), ("all", report.total)]:
            lines.append(
                f"{key:<24} {rates.impressions:>11} {rates.clicks:>7} {_percent(rates.click_through):>7} "
                f"{rates.engaged:>8} {_percent(rates.engagement):>9} {rates.won:>5} {_percent(rates.win):>8}"
            )
    return lines
