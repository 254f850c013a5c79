"""AdamW parameter groups with layer-wise learning-rate decay, and the warm-up + cosine schedule."""

from __future__ import annotations

import math
import re
from typing import Any, Dict, List

import torch
from torch import nn

_LAYER = re.compile(r"(?:^|\.)encoder\.layers\.(\d+)\.")


def layer_depth(name: str, num_layers: int, encoder_prefix: str) -> int:
    """0 = patch embedding / projection / positional conv, i+1 = transformer layer i, L+1 = anything
    outside the encoder (heads, predictors, quantizer layers)."""
    if not name.startswith(encoder_prefix):
        return num_layers + 1
    match = _LAYER.search(name[len(encoder_prefix):] if encoder_prefix else name)
    return int(match.group(1)) + 1 if match else 0


def _no_decay(name: str, param: torch.Tensor) -> bool:
    return param.ndim <= 1 or name.endswith((".bias", "relative_attention_bias.weight", "grep_a", "weight_g")) \
        or "mask_token" in name


def parameter_groups(model: nn.Module, weight_decay: float, layer_decay: float, num_layers: int,
                     encoder_prefix: str = "encoder.") -> List[Dict[str, Any]]:
    """Groups carry `lr_scale` = layer_decay^(L + 1 − depth); biases, norms, gains and tables get no
    weight decay."""
    groups: Dict[tuple, Dict[str, Any]] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        depth = layer_depth(name, num_layers, encoder_prefix)
        decay = 0.0 if _no_decay(name, param) else weight_decay
        key = (depth, decay)
        if key not in groups:
            groups[key] = {"params": [], "names": [], "weight_decay": decay,
                           "lr_scale": layer_decay ** (num_layers + 1 - depth)}
        groups[key]["params"].append(param)
        groups[key]["names"].append(name)
    return [groups[k] for k in sorted(groups)]


def learning_rate(step: int, total_steps: int, peak: float, warmup_steps: int, min_ratio: float) -> float:
    """LR for update `step` (0-based): linear warm-up peak·(step+1)/warmup, then cosine from peak to
    peak·min_ratio at the last update."""
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps - 1)
    progress = min(1.0, (step - warmup_steps) / span)
    floor = peak * min_ratio
    return floor + (peak - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))


def set_learning_rate(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr * group.get("lr_scale", 1.0)


def make_adamw(groups: List[Dict[str, Any]], lr: float, betas: tuple, eps: float) -> torch.optim.Optimizer:
    clean = [{k: v for k, v in g.items() if k != "names"} for g in groups]
    return torch.optim.AdamW(clean, lr=lr, betas=betas, eps=eps)
