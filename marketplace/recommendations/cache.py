"""Embeddings cached on disk, keyed by the model and a hash of the exact text embedded, so that
nothing is embedded twice and a model change never mixes vector spaces."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


class EmbeddingCache:
    def __init__(self, path: Path, model: str, dim: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model, self.dim = model, dim
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, tokens TEXT NOT NULL)")
        self._db.commit()

    def key(self, kind: str, text: str) -> str:
        return hashlib.sha256(f"{self.model}\x00{kind}\x00{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for key, blob in self._db.execute(f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", chunk):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if len(vector) == self.dim:
                        found[key] = vector
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
            self._db.commit()

    def embed(self, kind: str, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray], limit: int | None = None) -> list[np.ndarray | None]:
        """Vectors for the texts: cached ones, plus up to ``limit`` newly encoded ones (None for the rest)."""
        keys = [self.key(kind, t) for t in texts]
        found = self.get_many(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if limit is not None:
            missing = missing[:limit]
        for start in range(0, len(missing), 64):
            batch = missing[start : start + 64]
            vectors = encode([texts[i] for i in batch])
            fresh = {keys[i]: vectors[j] for j, i in enumerate(batch)}
            self.put_many(fresh)
            found.update(fresh)
        return [found.get(k) for k in keys]

    def tokens(self, texts: Sequence[str], tokenize: Callable[[str], list[str]], version: str) -> list[list[str]]:
        """BM25 tokens of the texts: cached, or computed (jieba is the slow part) and cached."""
        keys = [hashlib.sha256(f"{version}\x00{t}".encode()).hexdigest() for t in texts]
        found: dict[str, list[str]] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for key, joined in self._db.execute(f"SELECT key, tokens FROM tokens WHERE key IN ({marks})", chunk):
                    found[key] = joined.split("\t") if joined else []
        fresh = {key: tokenize(text) for key, text in zip(keys, texts, strict=True) if key not in found}
        if fresh:
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO tokens (key, tokens) VALUES (?, ?)",
                    [(key, "\t".join(tokens)) for key, tokens in fresh.items()],
                )
                self._db.commit()
            found.update(fresh)
        return [found[key] for key in keys]

    def close(self) -> None:
        self._db.close()
