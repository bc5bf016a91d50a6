"""``matching.index.VectorIndex``: filtered search equals brute force on both paths, stable ids,
persistence."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matching.eligibility import ListingFacts, ListingTable, Seeker, Vocabulary
from matching.index import METHODS, IdRows, VectorIndex

DIM = 16


def unit(rng, n):
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    ids = rng.permutation(np.arange(1000, 1600))  # not in insertion order
    return ids, unit(rng, len(ids)), unit(rng, 12)


def brute_force(ids, vectors, query, k, allowed=None):
    scores = vectors @ query
    if allowed is not None:
        scores = np.where(np.isin(ids, allowed), scores, -np.inf)
    order = np.argsort(-scores, kind="stable")[:k]
    order = order[np.isfinite(scores[order])]
    return ids[order], scores[order]


def exact_index(**options):
    return VectorIndex(DIM, **options)


def approximate_index(**options):
    # every search goes through the HNSW graph; ef_search above the size makes it exhaustive
    return VectorIndex(DIM, approximate_from=1, exact_limit=0, ef_search=1000, **options)


def search(index, query, k, allowed=None):
    """``index.search``, forcing HNSW on the approximate index (else the cost model may pick cells)."""
    return index.search(query, k, allowed, method="hnsw" if index.approximate_from == 1 else None)


class FakeEligibleSet:
    """The protocol ``search`` accepts besides an id array (as ``ListingTable.eligible`` returns)."""

    def __init__(self, ids):
        self._ids = np.asarray(ids, dtype=np.int64)

    def __len__(self):
        return len(self._ids)

    def ids(self):
        return self._ids

    def contains(self, ids):
        return np.isin(ids, self._ids)


@pytest.mark.parametrize("make", [exact_index, approximate_index], ids=["exact", "approximate"])
@pytest.mark.parametrize("fraction", [1.0, 0.3, 0.05, 0.005])
def test_filtered_search_equals_brute_force(data, make, fraction):
    ids, vectors, queries = data
    index = make()
    index.add(ids, vectors)
    rng = np.random.default_rng(1)
    allowed = rng.choice(ids, max(1, int(fraction * len(ids))), replace=False)
    for query in queries:
        expected_ids, expected_scores = brute_force(ids, vectors, query, 10, allowed)
        for given in (allowed, allowed.tolist(), FakeEligibleSet(allowed)):
            found_ids, found_scores = search(index, query, 10, given)
            assert found_ids.tolist() == expected_ids.tolist()
            np.testing.assert_allclose(found_scores, expected_scores, rtol=1e-5, atol=1e-6)
    assert (index._graph is not None) == (make is approximate_index)


@pytest.mark.parametrize("make", [exact_index, approximate_index], ids=["exact", "approximate"])
def test_unfiltered_search_and_edge_cases(data, make):
    ids, vectors, queries = data
    index = make()
    index.add(ids, vectors)
    found, _ = search(index, queries[0], 5)
    assert found.tolist() == brute_force(ids, vectors, queries[0], 5)[0].tolist()
    assert search(index, queries[0], 0)[0].size == 0
    assert search(index, queries[0], 5, np.array([], np.int64))[0].size == 0
    assert search(index, queries[0], 5, [424242])[0].size == 0  # unknown ids are not allowed ids
    assert search(index, queries[0], 50, ids[:3])[0].tolist() == brute_force(ids, vectors, queries[0], 3, ids[:3])[0].tolist()
    assert VectorIndex(DIM).search(queries[0], 5)[0].size == 0


def clustered(rng, n, clusters=30):
    centres = unit(rng, clusters)
    points = centres[rng.integers(0, clusters, n)] + 0.35 * unit(rng, n)
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_the_cells_method_finds_the_brute_force_answer():
    rng = np.random.default_rng(11)
    ids, vectors, queries = np.arange(5000) * 3, clustered(rng, 5000), clustered(rng, 20)
    index = approximate_index()
    index.add(ids, vectors)
    few = rng.choice(ids, 300, replace=False)  # at most 40·k allowed: every cell is probed
    many = rng.choice(ids, 2500, replace=False)
    recall = []
    for query in queries:
        expected = brute_force(ids, vectors, query, 10, few)[0].tolist()
        assert index.search(query, 10, few, method="cells")[0].tolist() == expected
        expected = brute_force(ids, vectors, query, 10, many)[0]
        found, scores = index.search(query, 10, many, method="cells")
        assert np.isin(found, many).all() and (np.diff(scores) <= 0).all()
        recall.append(len(set(found.tolist()) & set(expected.tolist())) / 10)
    assert np.mean(recall) >= 0.9


def test_the_method_is_chosen_by_size_and_can_be_forced(data):
    ids, vectors, queries = data
    small = exact_index()
    small.add(ids, vectors)
    assert small.method(10, len(ids)) == "exact"
    large = VectorIndex(DIM, approximate_from=100)
    large.add(ids, vectors)
    assert large.method(10, 5) == "exact" and large.method(10, len(ids)) in METHODS
    for method in METHODS:  # a forced method answers from any index
        found, _ = small.search(queries[0], 3, ids[:50], method=method)
        assert found.tolist() == brute_force(ids, vectors, queries[0], 3, ids[:50])[0].tolist()
    with pytest.raises(ValueError, match="method"):
        small.search(queries[0], 3, method="magic")


def test_the_exact_path_uses_one_product_for_most_rows(data):
    ids, vectors, queries = data
    index = exact_index()
    index.add(ids, vectors)
    allowed = ids[: len(ids) // 2]  # more than a quarter of the rows
    assert search(index, queries[1], 7, allowed)[0].tolist() == brute_force(ids, vectors, queries[1], 7, allowed)[0].tolist()


@pytest.mark.parametrize("make", [exact_index, approximate_index], ids=["exact", "approximate"])
def test_add_replace_remove_keep_ids_stable(data, make):
    ids, vectors, queries = data
    index = make()
    index.add(ids[:400], vectors[:400])
    search(index, queries[0], 3)  # builds the graph on the approximate path
    replaced, fresh = ids[:50], unit(np.random.default_rng(3), 50)
    index.add(np.concatenate([replaced, ids[400:]]), np.concatenate([fresh, vectors[400:]]))
    index.remove(ids[50:60].tolist() + [999_999])
    assert len(index) == len(ids) - 10
    assert sorted(index.ids.tolist()) == sorted(set(ids.tolist()) - set(ids[50:60].tolist()))
    assert ids[0] in index and ids[55] not in index and 999_999 not in index
    np.testing.assert_array_equal(index.vectors_of(replaced), fresh)
    with pytest.raises(KeyError):
        index.vectors_of([ids[55]])
    current = dict(zip(ids.tolist(), vectors, strict=True))
    current.update(zip(replaced.tolist(), fresh, strict=True))
    for listing_id in ids[50:60].tolist():
        del current[listing_id]
    live_ids = np.array(list(current))
    live_vectors = np.array(list(current.values()))
    for query in queries:
        expected = brute_force(live_ids, live_vectors, query, 10)[0].tolist()
        assert search(index, query, 10)[0].tolist() == expected
        assert search(index, query, 10, ids)[0].tolist() == expected  # removed ids stay out


def test_most_rows_removed_compacts_and_still_answers(data):
    ids, vectors, queries = data
    index = VectorIndex(DIM, approximate_from=100, exact_limit=0, ef_search=1000)
    for _ in range(6):  # replacing everything again and again leaves dead rows behind
        index.add(ids, vectors)
    index.remove(ids[100:])
    assert len(index) == 100 and index._n < 6 * len(ids)
    expected = brute_force(ids[:100], vectors[:100], queries[0], 5)[0].tolist()
    assert search(index, queries[0], 5)[0].tolist() == expected


@pytest.mark.parametrize("graph", [True, False])
def test_save_and_load_round_trip(tmp_path, data, graph):
    ids, vectors, queries = data
    index = approximate_index()
    index.add(ids, vectors)
    index.build()
    path = tmp_path / "listings.npz"
    index.save(path, graph=graph)
    loaded = VectorIndex.load(path, approximate_from=1, exact_limit=0, ef_search=1000)
    assert (loaded._graph is not None) == graph
    assert loaded.ids.tolist() == index.ids.tolist()
    np.testing.assert_array_equal(loaded.vectors_of(ids), vectors)
    for query in queries:
        assert search(loaded, query, 10, ids[::3])[0].tolist() == search(index, query, 10, ids[::3])[0].tolist()
    assert not list(tmp_path.glob("*.tmp*"))


def test_save_after_removals_drops_the_dead_rows(tmp_path, data):
    ids, vectors, _ = data
    index = exact_index()
    index.add(ids, vectors)
    index.remove(ids[:10])
    index.save(tmp_path / "v.npz")
    assert VectorIndex.load(tmp_path / "v.npz").ids.tolist() == ids[10:].tolist()


def test_a_corrupt_file_raises_value_error(tmp_path, data):
    ids, vectors, _ = data
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not an index at all" * 50)
    good = tmp_path / "good.npz"
    index = approximate_index()
    index.add(ids, vectors)
    index.build()
    index.save(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    missing = tmp_path / "missing.npz"
    np.savez(missing, ids=ids)
    bad_graph = tmp_path / "bad_graph.npz"
    np.savez(bad_graph, ids=ids, vectors=vectors, dim=np.int64(DIM), hnsw=np.zeros(100, np.uint8))
    for path in (garbage, truncated, missing, bad_graph, tmp_path / "absent.npz"):
        with pytest.raises(ValueError, match="cannot read vector index"):
            VectorIndex.load(path)


def test_bad_shapes_raise_value_error(data):
    ids, vectors, queries = data
    index = exact_index()
    with pytest.raises(ValueError, match="shape"):
        index.add(ids[:3], vectors[:3, :5])
    with pytest.raises(ValueError, match="shape"):
        index.add(ids[:3], vectors[0])
    with pytest.raises(ValueError, match="ids for"):
        index.add(ids[:3], vectors[:4])
    with pytest.raises(ValueError, match="distinct"):
        index.add(np.array([1, 1]), vectors[:2])
    with pytest.raises(ValueError, match="non-negative"):
        index.add(np.array([-1]), vectors[:1])
    index.add(ids, vectors)
    with pytest.raises(ValueError, match="dimensions"):
        search(index, queries[0][:5], 3)
    with pytest.raises(ValueError, match="positive"):
        VectorIndex(0)
    assert len(index) == len(ids)


def test_sparse_ids_are_looked_up_too():
    rows = IdRows()
    big = np.array([10**12, 7, 3 * 10**15], dtype=np.int64)
    rows.assign(big, np.array([0, 1, 2]))
    assert rows.lookup(np.array([7, 3 * 10**15, 8, -5])).tolist() == [1, 2, -1, -1]
    assert rows.discard(np.array([7, 8])).tolist() == [1]
    assert len(rows) == 2 and 7 not in rows and 10**12 in rows and rows.get(10**12) == 0


@pytest.mark.parametrize("order", ["same rows", "other rows"])
def test_search_takes_a_table_eligible_set(data, order):
    ids, vectors, queries = data
    vocabulary = Vocabulary(province="440000", cities=["440100", "440300"], sections={"C": ["C13", "C39"]})
    table = ListingTable(vocabulary)
    listed = ids if order == "same rows" else ids[::-1]
    table.upsert(ListingFacts(id=int(i), offered=True, regions=("440100",) if i % 4 else ()) for i in listed)
    seeker = Seeker(region="440300", industry="C39", size_class="small", amount=None, as_of=date(2026, 12, 1))
    index = approximate_index()
    index.add(ids, vectors)
    current = dict(zip(ids.tolist(), vectors, strict=True))

    def check():
        eligible = table.eligible(seeker)
        allowed = eligible.ids()
        assert set(allowed.tolist()) == {i for i in table.ids[: table.rows].tolist() if i >= 0 and i % 4 == 0}
        known = np.array(list(current))
        for method in METHODS:
            for query in queries[:4]:
                expected = brute_force(known, np.array(list(current.values())), query, 10, allowed)[0]
                assert index.search(query, 10, eligible, method=method)[0].tolist() == expected.tolist()

    check()
    fresh = unit(np.random.default_rng(5), 3)
    changed = ids[ids % 4 == 0][:3]
    index.add(changed, fresh)  # new vectors for three eligible listings: new rows in the index
    current.update(zip(changed.tolist(), fresh, strict=True))
    table.remove([int(changed[0])])
    check()
