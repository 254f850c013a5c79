"""How a recording is cut into encoder chunks and how patches are grouped into analysis windows.

Both rules are the app's (src-main/model/embed/chunker.ts and window-pooler.ts), so the `embed`
job and the app's onnxruntime analysis store the same windows.

Chunks (spec §3.6): chunk c starts at sample c·2560·k of the 16 kHz signal and holds 2560·k + 240
samples (k time patches), so the patch grid runs on without gaps across chunks; the last chunk is
shorter, and a last chunk shorter than 0.2 s (3200 samples) is dropped: it would add at most one
patch without context. Time patch t covers samples [2560·t, 2560·t + 2800); its centre is sample
2560·t + 1400.

Windows: with W = round(window·16000) and H = round(hop·16000) samples, window w spans samples
[w·H, w·H + W) and holds the time patches whose centre lies in it. Windows are numbered from 0;
a recording of T time patches has ⌊(2560·(T − 1) + 1400)/H⌋ + 1 windows (every window up to the
one that holds the last centre; each holds at least one centre because W ≥ 3200 > 2560). The
window embedding is the mean of the encoder output over all patches (every frequency patch) of
its time patches."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

from .features import MIN_CLIP_SAMPLES, PATCH_HOP_SAMPLES, SAMPLE_RATE, chunk_samples, num_time_patches

PATCH_CENTRE = 1400  # samples from a time patch's first sample to its centre (2800-sample span)
MIN_WINDOW_S = 0.2  # the app's smallest window: longer than one patch spacing, so never empty


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
        if patches == 0 or (chunks and length < MIN_CLIP_SAMPLES):
            break
        chunks.append(Chunk(len(chunks), start, length, start // PATCH_HOP_SAMPLES, patches))
        start += step
    return chunks


def _samples(seconds: float) -> int:
    # JavaScript's Math.round (halves round up), as the app converts seconds to samples
    return int(math.floor(seconds * SAMPLE_RATE + 0.5))


def window_grid(window_s: float, hop_s: float) -> Tuple[int, int]:
    """(W, H) in 16 kHz samples."""
    return _samples(window_s), _samples(hop_s)


def window_count(time_patches: int, window_s: float, hop_s: float) -> int:
    if time_patches <= 0:
        return 0
    _, hop = window_grid(window_s, hop_s)
    return (PATCH_HOP_SAMPLES * (time_patches - 1) + PATCH_CENTRE) // hop + 1


def window_patch_ranges(time_patches: int, window_s: float, hop_s: float) -> np.ndarray:
    """[windows, 2] half-open ranges [first, last) of time patches per window."""
    width, hop = window_grid(window_s, hop_s)
    starts = np.arange(window_count(time_patches, window_s, hop_s), dtype=np.int64) * hop
    # centre 2560·t + 1400 ∈ [s, s + W)  ⇔  ⌈(s − 1400)/2560⌉ ≤ t < ⌈(s + W − 1400)/2560⌉
    first = np.maximum(0, -((PATCH_CENTRE - starts) // PATCH_HOP_SAMPLES))
    last = -((PATCH_CENTRE - starts - width) // PATCH_HOP_SAMPLES)
    return np.stack([np.minimum(first, time_patches), np.minimum(last, time_patches)], axis=1)


def window_means(patch_features: np.ndarray, ranges: np.ndarray) -> np.ndarray:
    """Mean of per-time-patch features [T', D] (each already averaged over the 8 frequency patches)
    over each window's range → [W, D]; an empty range (impossible for windows ≥ 0.2 s) is NaN."""
    cumulative = np.concatenate([np.zeros((1, patch_features.shape[1])), np.cumsum(patch_features, axis=0, dtype=np.float64)])
    counts = (ranges[:, 1] - ranges[:, 0]).astype(np.float64)
    sums = cumulative[ranges[:, 1]] - cumulative[ranges[:, 0]]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums / counts[:, None]).astype(np.float32)
