"""How a recording is cut into encoder chunks and how patches are grouped into analysis windows.

Chunks (spec §3.6): chunk c starts at sample c·2560·k of the 16 kHz signal and holds 2560·k + 240
samples (k time patches), so the patch grid runs on without gaps across chunks; the last chunk is
shorter. Time patch t starts at sample 2560·t (0.16·t s).

Windows: window w starts at sample s_w = round(w·hop·16000) and covers the time patches whose
start sample lies in [s_w, s_w + round(window·16000)). A recording of S samples has
1 + ⌊(S − W)/H⌋ windows when S ≥ W (W, H = window and hop in samples), else 1. The window
embedding is the mean of the encoder output over all patches (every frequency patch) of its
time patches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from .features import PATCH_HOP_SAMPLES, SAMPLE_RATE, chunk_samples, num_time_patches


@dataclass
class Chunk:
    index: int
    start: int  # first sample (16 kHz)
    length: int  # samples available (≤ chunk_samples(k))
    first_patch: int  # global index of its first time patch
    patches: int  # time patches it yields


def plan_chunks(total_samples: int, patches_per_chunk: int) -> List[Chunk]:
    step = PATCH_HOP_SAMPLES * patches_per_chunk
    full = chunk_samples(patches_per_chunk)
    chunks: List[Chunk] = []
    start = 0
    while start < total_samples:
        length = min(full, total_samples - start)
        patches = num_time_patches(length)
        if patches == 0:
            break
        chunks.append(Chunk(len(chunks), start, length, start // PATCH_HOP_SAMPLES, patches))
        start += step
    return chunks


def window_count(total_samples: int, window_s: float, hop_s: float) -> int:
    width = int(round(window_s * SAMPLE_RATE))
    hop = int(round(hop_s * SAMPLE_RATE))
    return 1 if total_samples < width else 1 + (total_samples - width) // hop


def window_patch_ranges(total_samples: int, time_patches: int, window_s: float, hop_s: float) -> np.ndarray:
    """[W, 2] half-open ranges [first, last) of time patches per window."""
    width = int(round(window_s * SAMPLE_RATE))
    count = window_count(total_samples, window_s, hop_s)
    starts = np.round(np.arange(count) * hop_s * SAMPLE_RATE).astype(np.int64)
    first = -(-starts // PATCH_HOP_SAMPLES)  # ceil: first patch starting at or after s_w
    last = -(-(starts + width) // PATCH_HOP_SAMPLES)  # patches starting before s_w + W
    return np.stack([np.minimum(first, time_patches), np.minimum(last, time_patches)], axis=1)


def window_means(patch_features: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """Mean of per-time-patch features [T', D] (each already averaged over the 8 frequency patches)
    over each window's range → [W, D]; a window without patches (cannot happen for windows of at
    least 0.5 s) is NaN."""
    cumulative = np.concatenate([np.zeros((1, patch_features.shape[1])), np.cumsum(patch_features, axis=0, dtype=np.float64)])
    counts = (ranges[:, 1] - ranges[:, 0]).astype(np.float64)
    sums = cumulative[ranges[:, 1]] - cumulative[ranges[:, 0]]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums / counts[:, None]).astype(np.float32)
