"""MAE-style random patch masking for pre-training (spec §8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch


@dataclass
class PatchMask:
    keep_index: torch.Tensor  # [B, K] original positions of kept patches, ascending; padding rows repeat N−1
    keep_padding: Optional[torch.Tensor]  # [B, K] True where a row keeps fewer than K patches
    masked: torch.Tensor  # [B, N] True = dropped and not padding (the loss positions)
    kept: torch.Tensor  # [B, N] True = kept


def random_patch_mask(batch: int, patches: int, padding_mask: Optional[torch.Tensor], mask_ratio: float,
                      device: torch.device, generator: Optional[torch.Generator] = None) -> PatchMask:
    """Per clip keep round(N_valid·(1 − mask_ratio)) patches (at least 1) chosen uniformly at random
    (argsort of uniform noise), in their original order; padding is never kept."""
    padding = padding_mask if padding_mask is not None else torch.zeros(batch, patches, dtype=torch.bool, device=device)
    valid = (~padding).sum(dim=1)
    keep_counts = torch.round(valid.double() * (1.0 - mask_ratio)).long().clamp(min=1)
    keep_counts = torch.minimum(keep_counts, valid)
    noise = torch.rand(batch, patches, generator=generator, device="cpu" if generator is not None else device)
    noise = noise.to(device).masked_fill(padding, 2.0)  # padding sorts last, never inside the kept count
    order = torch.argsort(noise, dim=1)
    width = int(keep_counts.max())
    chosen = order[:, :width]
    unused = torch.arange(width, device=device).unsqueeze(0) >= keep_counts.unsqueeze(1)
    chosen = chosen.masked_fill(unused, patches).sort(dim=1).values  # ascending = original order
    keep_padding = chosen == patches
    keep_index = chosen.clamp(max=patches - 1)
    kept = torch.zeros(batch, patches + 1, dtype=torch.bool, device=device)
    kept.scatter_(1, chosen, True)
    kept = kept[:, :patches]
    return PatchMask(keep_index, keep_padding if bool(keep_padding.any()) else None, ~kept & ~padding, kept)


def gather_patches(x: torch.Tensor, keep_index: torch.Tensor) -> torch.Tensor:
    """[B, N, C] → [B, K, C] rows at `keep_index`."""
    return torch.gather(x, 1, keep_index.unsqueeze(-1).expand(-1, -1, x.shape[-1]))


def scatter_kept(kept_values: torch.Tensor, mask: PatchMask, filler: torch.Tensor, patches: int) -> torch.Tensor:
    """Place kept rows [B, K, C] back at their positions of an [B, N, C] sequence of `filler`
    (the mask token) — this restores the original order for the predictor."""
    batch, width, channels = kept_values.shape
    target = torch.where(mask.keep_padding, torch.full_like(mask.keep_index, patches), mask.keep_index) \
        if mask.keep_padding is not None else mask.keep_index
    out = filler.to(kept_values.dtype).expand(batch, patches + 1, channels).clone()
    out.scatter_(1, target.unsqueeze(-1).expand(-1, -1, channels), kept_values)
    return out[:, :patches]
