"""Generated audio and job dicts for the job tests (nothing binary is committed)."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

import numpy as np

from openbeats_trainer.audio import write_wav_pcm16

TINY_ARCH = {"preset": "tiny"}


def tone_clip(freq: float, seconds: float, rate: int = 16000, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    return 0.3 * np.sin(2 * np.pi * freq * t) + 0.01 * rng.standard_normal(t.size)


def make_dataset(folder: str, per_class: int = 3, seconds: float = 1.2, labels=("low", "high"),
                 multi_label: bool = False, val_per_class: int = 1) -> Dict[str, Any]:
    """Tone clips per class (low = 500 Hz, high = 3 kHz) as WAV files and a data manifest."""
    freqs = {"low": 500.0, "high": 3000.0, "mid": 1500.0}
    items: List[Dict[str, Any]] = []
    for c, label in enumerate(labels):
        for i in range(per_class + val_per_class):
            path = os.path.join(folder, f"{label}_{i}.wav")
            write_wav_pcm16(path, tone_clip(freqs[label], seconds, seed=100 * c + i), 16000)
            items.append({"id": f"{label}_{i}", "path": path, "labels": [label],
                          "split": "train" if i < per_class else "val"})
    return {"labels": list(labels), "multi_label": multi_label, "items": items}


def job(kind: str, out: str, data: Dict[str, Any], hparams: Dict[str, Any], seed: int = 7,
        model: Optional[Dict[str, Any]] = None, resume: bool = False) -> Dict[str, Any]:
    return {"type": kind, "output_dir": out, "data": data, "hparams": hparams, "resume": resume, "seed": seed,
            "device": "cpu", "model": model if model is not None else {"architecture": TINY_ARCH}}


def by_type(messages: List[Dict[str, Any]], kind: str) -> List[Dict[str, Any]]:
    return [m for m in messages if m["type"] == kind]
