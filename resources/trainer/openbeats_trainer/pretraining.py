"""Continued OpenBEATs pre-training (spec §8): the encoder sees 25 % of the patches, a predictor
with mask tokens predicts the tokenizer's code of every masked patch."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import torch
from torch import nn

from .config import BeatsConfig
from .features import patch_padding_mask
from .losses import masked_token_loss
from .masking import PatchMask, gather_patches, random_patch_mask, scatter_kept
from .model import BeatsEncoder, TransformerLayer, run_layers, tie_relative_tables


class PretrainPredictor(nn.Module):
    """Linear(D → decoder dim), a learned mask token for each dropped patch, original order restored,
    `decoder_layers` §4.5 layers (encoder's ffn size and heads, deep-norm α from decoder_layers),
    LayerNorm, Linear(→ vocabulary logits)."""

    def __init__(self, cfg: BeatsConfig) -> None:
        super().__init__()
        width = cfg.decoder_embed_dim
        self.input_proj = nn.Linear(cfg.encoder_embed_dim, width)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, width))
        nn.init.normal_(self.mask_token, std=0.02)
        self.layers = nn.ModuleList(
            TransformerLayer(cfg, width, cfg.encoder_ffn_embed_dim, cfg.encoder_attention_heads, cfg.decoder_layers)
            for _ in range(cfg.decoder_layers))
        tie_relative_tables(self.layers)
        self.layer_norm = nn.LayerNorm(width, eps=1e-5)
        self.output_proj = nn.Linear(width, cfg.codebook_vocab_size)
        self.gradient_checkpointing = False

    def forward(self, encoded: torch.Tensor, mask: PatchMask, padding: Optional[torch.Tensor], patches: int) -> torch.Tensor:
        full = scatter_kept(self.input_proj(encoded), mask, self.mask_token, patches)
        x = run_layers(self.layers, full, padding, 0.0, self.gradient_checkpointing)
        return self.output_proj(self.layer_norm(x))


class PretrainModel(nn.Module):
    def __init__(self, encoder: BeatsEncoder, tokenizer: nn.Module, mask_ratio: float, label_smoothing: float) -> None:
        super().__init__()
        self.encoder = encoder
        self.predictor = PretrainPredictor(encoder.cfg)
        self.tokenizer = tokenizer.eval()
        for param in self.tokenizer.parameters():
            param.requires_grad_(False)
        self.mask_ratio, self.label_smoothing = mask_ratio, label_smoothing
        self.vocab = encoder.cfg.codebook_vocab_size

    def train(self, mode: bool = True) -> "PretrainModel":
        super().train(mode)
        self.tokenizer.eval()  # frozen targets
        return self

    def forward(self, batch: Dict[str, torch.Tensor]) -> Tuple[torch.Tensor, Dict[str, Any]]:
        fbank, lengths = batch["fbank"], batch["frame_lengths"]
        targets = self.tokenizer(fbank, lengths)
        patches = self.encoder.patchify(fbank)
        count, width = patches.shape[0], patches.shape[1]
        padding = patch_padding_mask(lengths, fbank.shape[1], count, fbank.device)
        mask = random_patch_mask(count, width, padding, self.mask_ratio, fbank.device)
        encoded = self.encoder.encode(self.encoder.embed_patches(gather_patches(patches, mask.keep_index)),
                                      mask.keep_padding).last_hidden
        logits = self.predictor(encoded, mask, padding, width)
        if int(targets.max()) >= self.vocab:
            raise ValueError(f"tokenizer produced code {int(targets.max())} ≥ vocabulary {self.vocab}")
        terms = masked_token_loss(logits, targets, mask.masked, self.label_smoothing)
        stats: Dict[str, Any] = {
            "loss": terms["loss"].detach(),
            "sum_correct": (terms["predictions"] == terms["targets"]).sum(),
            "sum_masked": terms["count"],
            "target_counts": torch.bincount(terms["targets"], minlength=self.vocab),
            "prediction_counts": torch.bincount(terms["predictions"], minlength=self.vocab),
        }
        return terms["loss"], stats


def summarize_pretraining(sums: Dict[str, Any], weight: float, vocab: int) -> Dict[str, Any]:
    """Epoch values: loss, masked accuracy, codebook coverage of targets and of predictions."""
    out: Dict[str, Any] = {"loss": sums["loss"] / weight if weight else None}
    masked = sums.get("sum_masked", 0.0)
    out["masked_accuracy"] = sums.get("sum_correct", 0.0) / masked if masked else None
    out["masked_patches"] = int(masked)
    for name in ("target", "prediction"):
        counts = sums.get(f"{name}_counts")
        out[f"{name}_code_coverage"] = float((counts > 0).sum()) / vocab if isinstance(counts, torch.Tensor) else 0.0
    return out
