"""Who should meet whom at a matchmaking event: every participant's needs against the other
participants' offers, both ways, by the matcher's embeddings.

Framework-free: items (a need or an offer of a participant, with its unit vector) in, ranked
partners with the pair of items that explains each out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NEED = "need"
OFFER = "offer"


@dataclass(frozen=True)
class Item:
    """Something a participant brings: ``kind`` is ``need`` or ``offer``; ``vector`` a unit
    vector (needs encoded as queries, offers as passages, as the matcher does)."""

    owner: int
    kind: str
    key: str
    vector: np.ndarray


@dataclass(frozen=True)
class Partner:
    """A recommended partner: ``score`` is the best cosine similarity between one's need and
    the other's offer; ``mine``/``theirs`` are the two items; ``they_offer`` tells the
    direction (True: their offer fits my need)."""

    participant: int
    score: float
    mine: str
    theirs: str
    they_offer: bool


def _matrix(items: Sequence[Item]) -> np.ndarray:
    if not items:
        return np.zeros((0, 0), np.float32)
    return np.stack([np.asarray(i.vector, np.float32).reshape(-1) for i in items])


def _grouped(items: Sequence[Item]) -> tuple[list[Item], np.ndarray, np.ndarray]:
    """Items sorted by owner, the distinct owners and where each owner's run starts."""
    ordered = sorted(items, key=lambda i: i.owner)
    owners = np.array([i.owner for i in ordered], np.int64)
    distinct, starts = np.unique(owners, return_index=True)
    return ordered, distinct, starts


def recommend(items: Sequence[Item], k: int = 10, *, exclude: set[tuple[int, int]] | None = None,
              only: Sequence[int] | None = None) -> dict[int, list[Partner]]:
    """The ``k`` best partners of every owner (or of the owners in ``only``), best first, ties
    by partner id. A pair's score is the best similarity of one's need to the other's offer, in
    either direction. ``exclude``: pairs (either order) never to recommend."""
    banned = exclude or set()
    needs, need_owners, need_starts = _grouped([i for i in items if i.kind == NEED])
    offers, offer_owners, offer_starts = _grouped([i for i in items if i.kind == OFFER])
    if not needs or not offers:
        return {}
    sims = _matrix(needs) @ _matrix(offers).T
    # Best similarity per (need owner, offer owner).
    by_owner = np.maximum.reduceat(np.maximum.reduceat(sims, need_starts, axis=0), offer_starts, axis=1)
    owners = np.union1d(need_owners, offer_owners)
    position = {int(o): n for n, o in enumerate(owners)}
    full = np.full((len(owners), len(owners)), -np.inf, np.float32)
    rows = np.array([position[int(o)] for o in need_owners])
    cols = np.array([position[int(o)] for o in offer_owners])
    full[np.ix_(rows, cols)] = by_owner
    both = np.maximum(full, full.T)  # either direction
    np.fill_diagonal(both, -np.inf)
    need_rows = {int(o): range(a, b) for o, a, b in zip(need_owners, need_starts, [*need_starts[1:], len(needs)], strict=True)}
    offer_cols = {int(o): range(a, b) for o, a, b in zip(offer_owners, offer_starts, [*offer_starts[1:], len(offers)], strict=True)}

    def explain(me: int, other: int, score: float) -> Partner:
        """The pair of items behind a pair's score."""
        best: tuple[float, str, str, bool] | None = None
        for asker, giver in ((me, other), (other, me)):
            rows_, cols_ = need_rows.get(asker), offer_cols.get(giver)
            if not rows_ or not cols_:
                continue
            block = sims[rows_.start : rows_.stop, cols_.start : cols_.stop]
            r, c = np.unravel_index(int(np.argmax(block)), block.shape)
            value = float(block[r, c])
            if best is None or value > best[0]:
                need, offer = needs[rows_.start + r].key, offers[cols_.start + c].key
                best = (value, *((need, offer) if asker == me else (offer, need)), asker == me)
        assert best is not None
        return Partner(other, score, best[1], best[2], best[3])

    out: dict[int, list[Partner]] = {}
    wanted = owners if only is None else [o for o in only if o in position]
    for owner in wanted:
        row = both[position[int(owner)]]
        order = np.lexsort((owners, -row))
        found = []
        for j in order.tolist():
            if not np.isfinite(row[j]):
                break
            other = int(owners[j])
            if (int(owner), other) in banned or (other, int(owner)) in banned:
                continue
            found.append(explain(int(owner), other, float(row[j])))
            if len(found) == k:
                break
        if found:
            out[int(owner)] = found
    return out
