"""Elasticsearch's vector graph: build time and recall for HNSW settings.

Loads ``--vectors`` clustered synthetic unit vectors (384 dims, drawn like sentence embeddings:
``bench/matching_speed.py``'s generator) into a fresh index per setting (vectors only, one bulk
request in flight), waits for merges, then runs 200 queries drawn the same way: ``knn`` with
k=10 / 100 candidates and k=100 / 200 candidates (what the search engine asks), recall against
exact cosine neighbours computed with numpy.

    .venv/bin/python bench/es_hnsw.py --url http://127.0.0.1:9200 '{"m": 16, "ef_construction": 100}' \\
        '{"m": 16, "ef_construction": 64}'

(start a server with ``scripts/elasticsearch-test-server.sh start``). The index ``bench-hnsw``
is deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import matching_speed  # noqa: E402
from elasticsearch import Elasticsearch, helpers  # noqa: E402

from search.backends.elastic import _SERIALIZERS  # noqa: E402

INDEX = "bench-hnsw"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("settings", nargs="+", help="index_options of the dense_vector field, as JSON (type hnsw if not given)")
    parser.add_argument("--url", default="http://127.0.0.1:9200")
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    opts = parser.parse_args()
    es = Elasticsearch(opts.url, request_timeout=600, serializers=_SERIALIZERS)
    embeddings = matching_speed.Embeddings(7)
    vectors, queries = embeddings.draw(opts.vectors), embeddings.draw(opts.queries)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :100]
    for setting in opts.settings:
        options = {"type": "hnsw", **json.loads(setting)}
        es.options(ignore_status=404).indices.delete(index=INDEX)
        es.indices.create(index=INDEX, mappings={"_source": {"enabled": False}, "properties": {
            "id": {"type": "long"},
            "vector": {"type": "dense_vector", "dims": vectors.shape[1], "index": True, "similarity": "cosine",
                       "index_options": options}}},
            settings={"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1",
                      "translog.durability": "async"})
        started = time.perf_counter()
        helpers.bulk(es, ({"_index": INDEX, "_id": str(i), "id": i, "vector": vectors[i]} for i in range(len(vectors))),
                     chunk_size=1000)
        es.indices.refresh(index=INDEX)
        while es.indices.stats(index=INDEX, metric="merge")["_all"]["total"]["merges"]["current"]:
            time.sleep(0.5)
        built = time.perf_counter() - started
        segments = len(es.cat.segments(index=INDEX, format="json"))
        recalls = {}
        for k, candidates in ((10, 100), (100, 200)):
            found = []
            for q in range(len(queries)):
                hits = es.search(index=INDEX, knn={"field": "vector", "query_vector": queries[q].tolist(), "k": k,
                                                   "num_candidates": candidates},
                                 size=k, docvalue_fields=["id"], stored_fields=["_none_"])["hits"]["hits"]
                ids = {int(h["fields"]["id"][0]) for h in hits}
                found.append(len(ids & set(exact[q, :k].tolist())) / k)
            recalls[k] = (float(np.mean(found)), float(np.min(found)))
        print(f"{json.dumps(options)}: built and merged in {built:.1f} s ({len(vectors) / built:,.0f} vectors/s, "
              f"{segments} segments); recall@10 (100 candidates) {recalls[10][0]:.3f} (min {recalls[10][1]:.2f}); "
              f"recall@100 (200 candidates) {recalls[100][0]:.3f} (min {recalls[100][1]:.2f})", flush=True)
    es.options(ignore_status=404).indices.delete(index=INDEX)


if __name__ == "__main__":
    main()
