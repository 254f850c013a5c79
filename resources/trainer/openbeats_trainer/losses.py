"""Loss definitions of the pre-training and tokenizer objectives (README "Losses")."""

from __future__ import annotations

from typing import Dict

import torch
import torch.nn.functional as F


def masked_token_loss(logits: torch.Tensor, targets: torch.Tensor, masked: torch.Tensor,
                      label_smoothing: float) -> Dict[str, torch.Tensor]:
    """Label-smoothed cross-entropy over masked, non-padded patches, summed and divided by their
    count. Per patch: (1 − ε)·(−log p_y) + ε·mean_k(−log p_k). Also the masked accuracy."""
    picked_logits = logits[masked].float()
    picked_targets = targets[masked]
    count = picked_targets.numel()
    if count == 0:  # same keys as below, so distributed ranks reduce the same statistics
        zero = logits.sum() * 0.0
        return {"loss": zero, "accuracy": zero.detach(), "count": torch.tensor(0), "predictions": picked_targets,
                "targets": picked_targets}
    loss = F.cross_entropy(picked_logits, picked_targets, label_smoothing=label_smoothing, reduction="sum") / count
    predictions = picked_logits.argmax(dim=-1)
    accuracy = (predictions == picked_targets).float().mean()
    return {"loss": loss, "accuracy": accuracy.detach(), "count": torch.tensor(count), "predictions": predictions.detach(),
            "targets": picked_targets.detach()}


def vq_distillation_loss(prediction: torch.Tensor, teacher: torch.Tensor, z: torch.Tensor, codes: torch.Tensor,
                         valid: torch.Tensor, commitment_weight: float = 1.0) -> Dict[str, torch.Tensor]:
    """VQ-KD loss (BEATs eq. 3), means over valid patches:
    cosine = 1 − cos(prediction, teacher);
    codebook = ‖sg[z] − q‖² (squared L2 over the 256 dims; q is EMA-updated, so no gradient flows);
    commitment = ‖z − sg[q]‖² (pulls the encoder output towards its code);
    loss = cosine + codebook + commitment_weight·commitment."""
    mask = valid.float()
    count = mask.sum().clamp(min=1.0)
    cosine = 1.0 - F.cosine_similarity(prediction.float(), teacher.float(), dim=-1, eps=1e-8)
    codebook = (z.detach().float() - codes.float()).pow(2).sum(-1)
    commitment = (z.float() - codes.detach().float()).pow(2).sum(-1)
    terms = {name: (value * mask).sum() / count for name, value in
             (("cosine", cosine), ("codebook", codebook), ("commitment", commitment))}
    terms["loss"] = terms["cosine"] + terms["codebook"] + commitment_weight * terms["commitment"]
    return terms
