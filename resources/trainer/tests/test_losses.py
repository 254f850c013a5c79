"""Loss definitions against hand computation on tiny tensors."""

from __future__ import annotations

import math

import numpy as np
import torch

from openbeats_trainer.jobs.finetune import classification_loss
from openbeats_trainer.losses import masked_token_loss, vq_distillation_loss


def _hand_smoothed_ce(logits: np.ndarray, target: int, eps: float) -> float:
    log_p = logits - math.log(np.exp(logits).sum())
    return -(1 - eps) * log_p[target] - eps / len(logits) * log_p.sum()


def test_label_smoothed_ce_counts_masked_patches_only():
    logits = torch.tensor([[[2.0, 0.0, -1.0], [0.5, 0.5, 3.0], [1.0, -2.0, 0.0], [9.0, 9.0, 9.0]]])
    targets = torch.tensor([[0, 2, 1, -1]])
    masked = torch.tensor([[False, True, True, False]])
    out = masked_token_loss(logits, targets, masked, 0.1)
    expected = (_hand_smoothed_ce(logits[0, 1].numpy(), 2, 0.1) + _hand_smoothed_ce(logits[0, 2].numpy(), 1, 0.1)) / 2
    assert abs(float(out["loss"]) - expected) < 1e-6
    assert float(out["accuracy"]) == 0.5  # patch 1 right (argmax 2), patch 2 wrong
    changed = logits.clone()
    changed[0, 0] = torch.tensor([-5.0, 4.0, 0.0])  # an unmasked patch does not matter
    assert float(masked_token_loss(changed, targets, masked, 0.1)["loss"]) == float(out["loss"])


def test_vq_loss_terms_and_their_gradients():
    prediction = torch.tensor([[[1.0, 0.0], [1.0, 1.0], [5.0, 5.0]]])
    teacher = torch.tensor([[[0.0, 1.0], [2.0, 2.0], [1.0, 0.0]]])
    z = torch.tensor([[[0.6, 0.8], [1.0, 0.0], [0.0, 1.0]]], requires_grad=True)
    codes = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]])
    valid = torch.tensor([[True, True, False]])
    terms = vq_distillation_loss(prediction, teacher, z, codes, valid, commitment_weight=0.5)
    assert abs(float(terms["cosine"]) - (1.0 + 0.0) / 2) < 1e-6
    assert abs(float(terms["codebook"]) - (0.16 + 0.64 + 0.0) / 2) < 1e-6
    assert abs(float(terms["commitment"]) - 0.4) < 1e-6
    assert abs(float(terms["loss"]) - (0.5 + 0.4 + 0.5 * 0.4)) < 1e-6
    terms["loss"].backward()
    # only the commitment term reaches z: d/dz [0.5 · mean ‖z − q‖²] = 0.5 · 2 (z − q) / 2
    expected = 0.5 * (z.detach() - codes) * torch.tensor([[[1.0], [1.0], [0.0]]])
    assert torch.allclose(z.grad, expected, atol=1e-6)


def test_classification_losses():
    logits = torch.tensor([[2.0, -1.0], [0.0, 0.5]])
    target = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    bce = classification_loss(logits, target, True, 0.0)
    hand = -np.mean([math.log(1 / (1 + math.exp(-2))), math.log(1 - 1 / (1 + math.exp(1))),
                     math.log(1 - 0.5), math.log(1 / (1 + math.exp(-0.5)))])
    assert abs(float(bce) - hand) < 1e-6
    ce = classification_loss(logits, target, False, 0.2)
    rows = [(logits[0].numpy(), 0), (logits[1].numpy(), 1)]
    hand_ce = np.mean([_hand_smoothed_ce(l, t, 0.2) for l, t in rows])
    assert abs(float(ce) - hand_ce) < 1e-6
