"""Chunk/window arithmetic, the LR schedule and parameter groups, and augmentation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from openbeats_trainer.augment import mixup, spec_augment
from openbeats_trainer.config import config_from_architecture
from openbeats_trainer.features import chunk_samples, num_time_patches
from openbeats_trainer.jobs.finetune import ClassifierModel
from openbeats_trainer.model import BeatsEncoder
from openbeats_trainer.optim import layer_depth, learning_rate, parameter_groups
from openbeats_trainer.windows import plan_chunks, window_count, window_means, window_patch_ranges


def test_chunks_continue_the_patch_grid():
    total = 2 * 2560 * 62 + 5000
    chunks = plan_chunks(total, 62)
    assert [(c.start, c.length, c.first_patch, c.patches) for c in chunks] == [
        (0, chunk_samples(62), 0, 62), (158720, chunk_samples(62), 62, 62), (317440, 5000, 124, 1)]
    assert sum(c.patches for c in chunks) == num_time_patches(total)
    assert chunk_samples(62) == 158960


def test_a_last_chunk_shorter_than_0_2_s_is_dropped_as_the_app_does():
    step = 2560 * 62
    assert [c.patches for c in plan_chunks(step + 3199, 62)] == [62]
    assert [c.patches for c in plan_chunks(step + 3200, 62)] == [62, 1]
    assert [c.patches for c in plan_chunks(3200, 62)] == [1]


def test_window_ranges_hand_case():
    # the app's rule: a window holds the time patches whose centre (2560·t + 1400) lies in it
    assert num_time_patches(80000) == 31
    assert window_count(31, 1.0, 0.5) == 10 and window_count(1, 1.0, 0.5) == 1 and window_count(0, 1.0, 0.5) == 0
    ranges = window_patch_ranges(31, 1.0, 0.5)
    assert ranges[0].tolist() == [0, 6] and ranges[1].tolist() == [3, 9] and ranges[-1].tolist() == [28, 31]
    features = np.arange(31, dtype=np.float32)[:, None].repeat(2, axis=1)
    means = window_means(features, ranges)
    assert means[0].tolist() == [2.5, 2.5] and means[1].tolist() == [5.5, 5.5]


def test_windows_match_a_brute_force_centre_rule():
    for window_s, hop_s, patches in ((1.0, 0.5, 31), (0.2, 0.05, 9), (3.0, 1.0, 140), (2.0, 0.75, 143), (0.5, 2.0, 40)):
        width, hop = round(window_s * 16000), round(hop_s * 16000)
        centres = [2560 * t + 1400 for t in range(patches)]
        expected = []
        w = 0
        while w * hop <= centres[-1]:
            inside = [t for t, c in enumerate(centres) if w * hop <= c < w * hop + width]
            expected.append([inside[0], inside[-1] + 1])
            w += 1
        assert window_patch_ranges(patches, window_s, hop_s).tolist() == expected, (window_s, hop_s)


def test_learning_rate_warmup_then_cosine_hand_values():
    values = [learning_rate(s, 6, 1.0, 2, 0.1) for s in range(6)]
    assert values[:3] == [0.5, 1.0, 1.0]
    assert values[3] == pytest.approx(0.1 + 0.9 * 0.75)
    assert values[5] == pytest.approx(0.1)


def test_layer_wise_decay_groups():
    encoder = BeatsEncoder(config_from_architecture({"preset": "tiny"}))
    model = ClassifierModel(encoder, 3, True, 0.0, 0.0)
    assert layer_depth("encoder.patch_embedding.weight", 2, "encoder.") == 0
    assert layer_depth("encoder.encoder.pos_conv.0.weight_v", 2, "encoder.") == 0
    assert layer_depth("encoder.encoder.layers.1.fc1.weight", 2, "encoder.") == 2
    assert layer_depth("decoder.linear_out.weight", 2, "encoder.") == 3
    groups = parameter_groups(model, 0.05, 0.5, 2)
    scales = {name: g["lr_scale"] for g in groups for name in g["names"]}
    decays = {name: g["weight_decay"] for g in groups for name in g["names"]}
    assert scales["decoder.linear_out.weight"] == 1.0
    assert scales["encoder.encoder.layers.1.fc1.weight"] == 0.5
    assert scales["encoder.encoder.layers.0.fc1.weight"] == 0.25
    assert scales["encoder.patch_embedding.weight"] == 0.125
    assert decays["encoder.encoder.layers.0.fc1.weight"] == 0.05 and decays["encoder.encoder.layers.0.fc1.bias"] == 0.0
    assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))


def test_spec_augment_is_seeded_and_masks_time_inside_valid_frames_only():
    fbank = torch.ones(2, 100, 128)
    lengths = torch.tensor([100, 30])
    a = spec_augment(fbank, lengths, torch.Generator().manual_seed(4), 2, 20, 0, 0)
    b = spec_augment(fbank, lengths, torch.Generator().manual_seed(4), 2, 20, 0, 0)
    assert torch.equal(a, b)
    assert bool((a[1, 30:] == 1).all())  # padding untouched by time masks
    zero_rows = (a == 0).all(dim=2)
    assert int(zero_rows[0].sum()) <= 40 and bool(((a == 0) | (a == 1)).all())
    f = spec_augment(fbank, lengths, torch.Generator().manual_seed(9), 0, 0, 1, 16)
    zero_cols = (f[0] == 0).all(dim=0)
    assert int(zero_cols.sum()) <= 16 and bool(torch.equal((f[0] == 0).any(dim=0), zero_cols))


def test_mixup_mixes_inputs_and_targets_with_the_same_weight():
    fbank = torch.stack([torch.zeros(10, 4), torch.ones(10, 4), 2 * torch.ones(10, 4)])
    target = torch.eye(3)
    lengths = torch.tensor([10, 6, 8])
    checked = 0
    for seed in range(20):
        mixed, mixed_target, mixed_lengths = mixup(fbank, target, lengths, torch.Generator().manual_seed(seed), 0.4, 1.0)
        again = mixup(fbank, target, lengths, torch.Generator().manual_seed(seed), 0.4, 1.0)
        assert torch.equal(mixed, again[0])
        for row in range(3):
            lam = float(mixed_target[row, row])
            assert lam >= 0.5
            others = [c for c in range(3) if c != row and float(mixed_target[row, c]) > 0]
            if not others:
                continue  # paired with itself
            partner = others[0]
            assert float(mixed_target[row, partner]) == pytest.approx(1 - lam, abs=1e-6)
            assert torch.allclose(mixed[row], lam * fbank[row] + (1 - lam) * fbank[partner])
            assert int(mixed_lengths[row]) == max(int(lengths[row]), int(lengths[partner]))
            checked += 1
    assert checked > 10
    same = mixup(fbank, target, lengths, torch.Generator().manual_seed(1), 0.4, 0.0)
    assert same[0] is fbank
