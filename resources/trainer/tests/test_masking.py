"""Random patch masking of pre-training (spec §8)."""

from __future__ import annotations

import torch

from openbeats_trainer.masking import gather_patches, random_patch_mask, scatter_kept


def _padding() -> torch.Tensor:
    pad = torch.zeros(3, 48, dtype=torch.bool)
    pad[1, 32:] = True  # 4 of 6 time patches valid
    pad[2, 8:] = True  # 1 time patch valid
    return pad


def test_keeps_round_quarter_of_valid_patches_in_order_and_never_padding():
    torch.manual_seed(3)
    pad = _padding()
    mask = random_patch_mask(3, 48, pad, 0.75, torch.device("cpu"))
    valid = (~pad).sum(1)
    expected_kept = [round(int(n) * 0.25) for n in valid]
    assert expected_kept == [12, 8, 2]
    assert mask.kept.sum(1).tolist() == expected_kept
    assert not bool((mask.kept & pad).any())
    assert torch.equal(mask.masked, ~mask.kept & ~pad)
    assert mask.masked.sum(1).tolist() == [36, 24, 6]
    assert mask.keep_padding is not None and mask.keep_index.shape == (3, 12)
    for row in range(3):
        count = expected_kept[row]
        kept = mask.keep_index[row, :count]
        assert torch.all(kept[1:] > kept[:-1])  # original order, no repeats
        assert torch.equal(kept, torch.nonzero(mask.kept[row]).flatten())
        assert bool(mask.keep_padding[row, count:].all()) and not bool(mask.keep_padding[row, :count].any())


def test_different_seeds_choose_different_patches_and_same_seed_repeats():
    pad = _padding()
    torch.manual_seed(1)
    a = random_patch_mask(3, 48, pad, 0.75, torch.device("cpu")).kept
    torch.manual_seed(1)
    b = random_patch_mask(3, 48, pad, 0.75, torch.device("cpu")).kept
    torch.manual_seed(2)
    c = random_patch_mask(3, 48, pad, 0.75, torch.device("cpu")).kept
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_gather_then_scatter_restores_positions_with_mask_tokens_elsewhere():
    torch.manual_seed(0)
    pad = _padding()
    mask = random_patch_mask(3, 48, pad, 0.75, torch.device("cpu"))
    x = torch.arange(3 * 48, dtype=torch.float32).view(3, 48, 1).expand(3, 48, 2).contiguous()
    filler = torch.full((1, 1, 2), -1.0)
    restored = scatter_kept(gather_patches(x, mask.keep_index), mask, filler, 48)
    assert torch.equal(restored[mask.kept], x[mask.kept])
    assert bool((restored[~mask.kept] == -1.0).all())


def test_without_padding_every_clip_keeps_the_same_count():
    torch.manual_seed(5)
    mask = random_patch_mask(2, 496, None, 0.75, torch.device("cpu"))
    assert mask.keep_padding is None and mask.keep_index.shape == (2, 124)
