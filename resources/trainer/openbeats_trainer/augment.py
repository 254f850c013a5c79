"""Training-time augmentation on normalised fbank batches: SpecAugment-style masking and mixup.
All randomness comes from the step's generator, so a resumed run repeats it exactly."""

from __future__ import annotations

from typing import Tuple

import numpy as np
import torch


def spec_augment(fbank: torch.Tensor, frame_lengths: torch.Tensor, generator: torch.Generator, time_masks: int,
                 max_time_width: int, freq_masks: int, max_freq_width: int) -> torch.Tensor:
    """Zero (the normalised mean) `time_masks` bands of ≤ `max_time_width` frames inside each clip's
    valid frames and `freq_masks` bands of ≤ `max_freq_width` mel bins; widths uniform in [0, max]."""
    out = fbank.clone()
    batch, _, bins = fbank.shape
    for b in range(batch):
        valid = int(frame_lengths[b])
        for _ in range(time_masks):
            width = int(torch.randint(0, max_time_width + 1, (1,), generator=generator))
            width = min(width, valid)
            start = int(torch.randint(0, valid - width + 1, (1,), generator=generator))
            out[b, start:start + width, :] = 0.0
        for _ in range(freq_masks):
            width = min(int(torch.randint(0, max_freq_width + 1, (1,), generator=generator)), bins)
            start = int(torch.randint(0, bins - width + 1, (1,), generator=generator))
            out[b, :, start:start + width] = 0.0
    return out


def mixup(fbank: torch.Tensor, target: torch.Tensor, frame_lengths: torch.Tensor, generator: torch.Generator,
          alpha: float, prob: float) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """With probability `prob`, mix the batch with a seeded permutation of itself: λ ~ Beta(α, α),
    λ ← max(λ, 1 − λ) so each clip stays the dominant one; inputs and targets mix with the same λ;
    a mixed clip is valid up to the longer of its two sources."""
    if alpha <= 0 or prob <= 0 or fbank.shape[0] < 2:
        return fbank, target, frame_lengths
    if float(torch.rand((), generator=generator)) >= prob:
        return fbank, target, frame_lengths
    seed = int(torch.randint(0, 2 ** 31 - 1, (1,), generator=generator))
    lam = float(np.random.default_rng(seed).beta(alpha, alpha))
    lam = max(lam, 1.0 - lam)
    perm = torch.randperm(fbank.shape[0], generator=generator)
    mixed = lam * fbank + (1.0 - lam) * fbank[perm]
    mixed_target = lam * target + (1.0 - lam) * target[perm]
    return mixed, mixed_target, torch.maximum(frame_lengths, frame_lengths[perm])
