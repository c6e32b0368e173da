"""The ONNX backends: exported once from the sentence-transformers model, on disk, and
giving its vectors (full precision) or vectors close to them (int8)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from ingest import encoders
from ingest.embedding import Embedder
from ingest.encoders import BUNDLED_MODEL, INT8_FILE, SPEC_FILE, Backend, model_location
from ingest.errors import ConfigError

TEXTS = [
    "Azerbaijan designates the Ministry of Justice as the authority for extradition requests.",
    "The Government of France declares that Article 14 shall apply only to its metropolitan territory.",
    "Signature: 16 December 1966. Ratification: 4 November 1980.",
    "Reservation",
    "With regard to article 20, the Kingdom objects to the reservation made by the Republic, "
    "which it considers incompatible with the object and purpose of the Convention; "
    "this objection does not preclude the entry into force of the Convention between the two States.",
]


@pytest.fixture(scope="module")
def exports() -> Path:
    return Path(os.environ["TREATYQA_MODEL_CACHE"])


def cosines(model: str, exports: Path, a: Backend, b: Backend) -> np.ndarray:
    """Each text's vector by backend `a` against its vector by `b`, as ingest makes them."""
    first, second = (Embedder(model, exports=exports, backend=x).encode(TEXTS) for x in (a, b))
    return (first * second).sum(axis=1)


def test_onnx_gives_the_vectors_of_the_model_and_int8_stays_close(exports: Path) -> None:
    assert cosines(BUNDLED_MODEL, exports, "torch", "onnx").min() > 0.9999
    assert cosines(BUNDLED_MODEL, exports, "torch", "onnx-int8").min() > 0.97


def test_a_calls_texts_run_side_by_side_and_come_back_in_their_order(exports: Path) -> None:
    model = encoders.load(BUNDLED_MODEL, "onnx", exports)
    alone = np.concatenate([model.encode([text]) for text in TEXTS])
    assert np.allclose(model.encode(TEXTS), alone, atol=1e-4)


def test_the_export_is_made_once_and_again_only_when_the_model_files_change(
    exports: Path, tmp_path: Path
) -> None:
    first = encoders.export(BUNDLED_MODEL, exports)
    written = (first / SPEC_FILE).stat().st_mtime_ns
    assert encoders.export(BUNDLED_MODEL, exports) == first
    assert (first / SPEC_FILE).stat().st_mtime_ns == written
    assert not [p for p in exports.iterdir() if p.name.startswith(".export-")]  # no scratch left
    copy = shutil.copytree(model_location(BUNDLED_MODEL), tmp_path / "model")
    before = encoders._export_name(str(copy))
    (copy / "config.json").write_text((copy / "config.json").read_text() + "\n")
    assert encoders._export_name(str(copy)) != before


def sentence_transformer_with(tmp_path: Path, pooling: str, dense: bool = False) -> str:
    """The bundled model's transformer under another pooling (and a projection), saved as
    a model directory: any sentence-transformers model is configured by its path."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer

    transformer = Transformer(model_location(BUNDLED_MODEL))
    modules = [transformer, Pooling(transformer.get_embedding_dimension(), pooling_mode=pooling)]
    if dense:
        modules.append(Dense(transformer.get_embedding_dimension(), 16))
    path = tmp_path / f"{pooling}-model"
    SentenceTransformer(modules=modules, device="cpu").save(str(path))
    return str(path)


@pytest.mark.parametrize("pooling", ["cls", "max"])
def test_a_model_of_another_pooling_runs_on_onnx_as_on_torch(tmp_path: Path, pooling: str) -> None:
    model = sentence_transformer_with(tmp_path, pooling)
    assert cosines(model, tmp_path / "exports", "torch", "onnx").min() > 0.9999


def test_a_model_onnx_cannot_run_is_refused_with_the_setting_to_change(tmp_path: Path) -> None:
    model = sentence_transformer_with(tmp_path, "mean", dense=True)
    with pytest.raises(ConfigError, match="TREATYQA_EMBEDDING_BACKEND=torch"):
        encoders.load(model, "onnx-int8", tmp_path / "exports")
    assert not list((tmp_path / "exports").iterdir())  # nothing half-made is kept


def test_a_damaged_export_is_reported_with_what_to_do(exports: Path, tmp_path: Path) -> None:
    damaged = shutil.copytree(encoders.export(BUNDLED_MODEL, exports), tmp_path / "export")
    (damaged / INT8_FILE).write_bytes(b"not a model")
    with pytest.raises(ConfigError, match="delete that folder"):
        encoders.OnnxEncoder(damaged, quantized=True)
