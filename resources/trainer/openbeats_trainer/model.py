"""The OpenBEATs / BEATs encoder (spec §4) and the mean-pooling classification head (spec §6).

Module and parameter names follow the state-dict keys of spec §9 so checkpoints load without
renaming. Works on torch 1.13 (plain attention) and 2.x (`scaled_dot_product_attention`)."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .config import BeatsConfig
from .features import PATCH, patch_padding_mask

_HAS_SDPA = hasattr(F, "scaled_dot_product_attention")
_USE_SDPA = {"enabled": _HAS_SDPA}


@contextlib.contextmanager
def plain_attention() -> Iterator[None]:
    """Use the explicit softmax(QKᵀ/√d + bias)·V path (ONNX export, reference comparisons)."""
    previous = _USE_SDPA["enabled"]
    _USE_SDPA["enabled"] = False
    try:
        yield
    finally:
        _USE_SDPA["enabled"] = previous


def relative_position_buckets(query_len: int, key_len: int, num_buckets: int, max_distance: int,
                              device: Optional[torch.device] = None) -> torch.Tensor:
    """[query_len, key_len] bucket ids of the offset key − query (spec §4.6, float32 log)."""
    query = torch.arange(query_len, device=device).unsqueeze(1)
    key = torch.arange(key_len, device=device).unsqueeze(0)
    offset = key - query
    half = num_buckets // 2
    exact = half // 2
    buckets = (offset > 0).long() * half
    distance = offset.abs()
    # Offsets below `exact` take the exact branch; the log of 0 computed for them is discarded.
    scaled = torch.log(distance.float() / exact) / math.log(max_distance / exact) * (half - exact)
    far = torch.clamp(exact + scaled.long(), max=half - 1)
    return buckets + torch.where(distance < exact, distance, far)


class WeightNormConv1d(nn.Module):
    """Grouped Conv1d with weight g·v/‖v‖, the norm taken over both channel axes per kernel tap (old
    `weight_norm(dim=2)`), stored as `weight_g [1,1,K]` and `weight_v [C, C/G, K]`."""

    def __init__(self, channels: int, kernel: int, groups: int) -> None:
        super().__init__()
        self.kernel = kernel
        self.groups = groups
        self.weight_v = nn.Parameter(torch.empty(channels, channels // groups, kernel))
        self.weight_g = nn.Parameter(torch.empty(1, 1, kernel))
        self.bias = nn.Parameter(torch.zeros(channels))

    def weight(self) -> torch.Tensor:
        norm = self.weight_v.pow(2).sum(dim=(0, 1), keepdim=True).sqrt()
        return self.weight_g * self.weight_v / norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv1d(x, self.weight(), self.bias, padding=self.kernel // 2, groups=self.groups)


class SelfAttention(nn.Module):
    """Multi-head self-attention with the gated relative position bias of spec §4.6."""

    def __init__(self, dim: int, heads: int, dropout: float, rel_pos: bool, num_buckets: int,
                 max_distance: int, gated: bool) -> None:
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.dropout = dropout
        self.num_buckets = num_buckets
        self.max_distance = max_distance
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.q_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)
        self.relative_attention_bias = nn.Embedding(num_buckets, heads) if rel_pos else None
        self.gated = gated and rel_pos
        if self.gated:
            self.grep_linear = nn.Linear(self.head_dim, 8)
            self.grep_a = nn.Parameter(torch.ones(1, heads, 1, 1))

    def position_bias(self, length: int, device: torch.device) -> torch.Tensor:
        """Un-gated bias [1, H, N, N] from this layer's table."""
        assert self.relative_attention_bias is not None
        buckets = relative_position_buckets(length, length, self.num_buckets, self.max_distance, device)
        return self.relative_attention_bias(buckets).permute(2, 0, 1).unsqueeze(0)

    def forward(self, x: torch.Tensor, position_bias: Optional[torch.Tensor],
                key_padding_mask: Optional[torch.Tensor]) -> torch.Tensor:
        batch, length, dim = x.shape
        split = (batch, length, self.heads, self.head_dim)
        q = self.q_proj(x).view(split).transpose(1, 2)
        k = self.k_proj(x).view(split).transpose(1, 2)
        v = self.v_proj(x).view(split).transpose(1, 2)
        bias: Optional[torch.Tensor] = None
        if position_bias is not None:
            bias = position_bias
            if self.gated:
                # The gate reads the unscaled query of each head and position.
                ab = torch.sigmoid(self.grep_linear(q).view(batch, self.heads, length, 2, 4).sum(-1))
                gate = ab[..., 0:1] * (ab[..., 1:2] * self.grep_a - 1.0) + 2.0
                bias = gate * position_bias
        if key_padding_mask is not None:
            keys = key_padding_mask[:, None, None, :]
            base = bias if bias is not None else torch.zeros((), device=x.device, dtype=torch.float32)
            bias = base.masked_fill(keys, float("-inf"))
        drop = self.dropout if self.training else 0.0
        if _USE_SDPA["enabled"]:
            mask = bias.to(q.dtype) if bias is not None else None
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=drop)
        else:
            # Contiguous heads: strided batched GEMMs are several times slower on CPU BLAS.
            scores = torch.matmul((q * (self.head_dim ** -0.5)).contiguous(), k.contiguous().transpose(-1, -2))
            if bias is not None:
                scores = scores + bias
            probs = torch.softmax(scores.float(), dim=-1).to(v.dtype)
            out = torch.matmul(F.dropout(probs, p=drop, training=self.training), v.contiguous())
        return self.out_proj(out.transpose(1, 2).reshape(batch, length, dim))


class TransformerLayer(nn.Module):
    """Post-LN (deep-norm) or pre-LN transformer layer of spec §4.5."""

    def __init__(self, cfg: BeatsConfig, dim: int, ffn_dim: int, heads: int, layers_in_stack: int) -> None:
        super().__init__()
        self.layer_norm_first = cfg.layer_norm_first
        self.alpha = math.pow(2.0 * layers_in_stack, 0.25) if cfg.deep_norm else 1.0
        self.self_attn = SelfAttention(dim, heads, cfg.attention_dropout, cfg.relative_position_embedding,
                                       cfg.num_buckets, cfg.max_distance, cfg.gru_rel_pos)
        self.self_attn_layer_norm = nn.LayerNorm(dim, eps=1e-5)
        self.fc1 = nn.Linear(dim, ffn_dim)
        self.fc2 = nn.Linear(ffn_dim, dim)
        self.final_layer_norm = nn.LayerNorm(dim, eps=1e-5)
        self.dropout = nn.Dropout(cfg.dropout)
        self.activation_dropout = nn.Dropout(cfg.activation_dropout)

    def _ffn(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.fc2(self.activation_dropout(F.gelu(self.fc1(x)))))

    def forward(self, x: torch.Tensor, position_bias: Optional[torch.Tensor],
                key_padding_mask: Optional[torch.Tensor]) -> torch.Tensor:
        if self.layer_norm_first:
            x = x + self.dropout(self.self_attn(self.self_attn_layer_norm(x), position_bias, key_padding_mask))
            return x + self._ffn(self.final_layer_norm(x))
        x = self.self_attn_layer_norm(self.alpha * x + self.dropout(self.self_attn(x, position_bias, key_padding_mask)))
        return self.final_layer_norm(self.alpha * x + self._ffn(x))


def tie_relative_tables(layers: nn.ModuleList) -> None:
    """Every layer shares layer 0's relative-position table (spec §4.6)."""
    first = layers[0].self_attn.relative_attention_bias
    for layer in list(layers)[1:]:
        if first is not None:
            layer.self_attn.relative_attention_bias = first


def deep_norm_init(layers: nn.ModuleList, depth: int) -> None:
    """DeepNet initialisation: value/output/FFN projections scaled by β = (8·depth)^(−1/4)."""
    beta = math.pow(8.0 * depth, -0.25)
    for layer in layers:
        attn = layer.self_attn
        for lin, gain in ((attn.k_proj, 1.0), (attn.q_proj, 1.0), (attn.v_proj, beta), (attn.out_proj, beta),
                          (layer.fc1, beta), (layer.fc2, beta)):
            nn.init.xavier_normal_(lin.weight, gain=gain)


def run_layers(layers: nn.ModuleList, x: torch.Tensor, key_padding_mask: Optional[torch.Tensor],
               layerdrop: float, checkpointing: bool, hidden: Optional[List[torch.Tensor]] = None,
               max_layer: Optional[int] = None) -> torch.Tensor:
    """Apply a layer stack whose position bias comes from layer 0's table (shared by all layers)."""
    first = layers[0].self_attn
    position_bias = first.position_bias(x.shape[1], x.device) if first.relative_attention_bias is not None else None
    for index, layer in enumerate(layers):
        if max_layer is not None and index >= max_layer:
            break
        if layer.training and layerdrop > 0 and float(torch.rand(())) < layerdrop:
            continue
        if checkpointing and layer.training and torch.is_grad_enabled():
            from torch.utils.checkpoint import checkpoint

            x = checkpoint(layer, x, position_bias, key_padding_mask, use_reentrant=False)
        else:
            x = layer(x, position_bias, key_padding_mask)
        if hidden is not None:
            hidden.append(x)
    return x


class TransformerEncoder(nn.Module):
    """Positional conv + LayerNorm + layers (`encoder.*` keys)."""

    def __init__(self, cfg: BeatsConfig) -> None:
        super().__init__()
        dim = cfg.encoder_embed_dim
        self.cfg = cfg
        self.pos_conv = nn.Sequential(WeightNormConv1d(dim, cfg.conv_pos, cfg.conv_pos_groups))
        self.layers = nn.ModuleList(
            TransformerLayer(cfg, dim, cfg.encoder_ffn_embed_dim, cfg.encoder_attention_heads, cfg.encoder_layers)
            for _ in range(cfg.encoder_layers))
        tie_relative_tables(self.layers)
        self.layer_norm = nn.LayerNorm(dim, eps=1e-5)
        self.gradient_checkpointing = False

    def positional(self, x: torch.Tensor) -> torch.Tensor:
        conv = self.pos_conv[0](x.transpose(1, 2))
        if self.cfg.conv_pos % 2 == 0:  # an even kernel with symmetric padding yields one extra step
            conv = conv[:, :, :-1]
        return x + F.gelu(conv).transpose(1, 2)

    def forward(self, x: torch.Tensor, padding_mask: Optional[torch.Tensor], hidden: Optional[List[torch.Tensor]],
                max_layer: Optional[int] = None) -> torch.Tensor:
        if padding_mask is not None:
            x = x.masked_fill(padding_mask.unsqueeze(-1), 0.0)
        x = self.positional(x)
        if not self.cfg.layer_norm_first:
            x = self.layer_norm(x)
        x = F.dropout(x, p=self.cfg.dropout, training=self.training)
        if hidden is not None:
            hidden.append(x)
        x = run_layers(self.layers, x, padding_mask, self.cfg.encoder_layerdrop, self.gradient_checkpointing,
                       hidden, max_layer)
        if self.cfg.layer_norm_first:
            x = self.layer_norm(x)
        return x


@dataclass
class EncoderOutput:
    last_hidden: torch.Tensor  # [B, N, D]
    padding_mask: Optional[torch.Tensor]  # [B, N] True = padding; None when nothing is padded
    hidden_states: List[torch.Tensor] = field(default_factory=list)


class BeatsEncoder(nn.Module):
    """fbank [B, T, 128] (normalised) → patch features [B, N, D], N = 8·⌊T/16⌋, row = t·8 + f."""

    def __init__(self, cfg: BeatsConfig) -> None:
        super().__init__()
        cfg.validate()
        self.cfg = cfg
        self.patch_embedding = nn.Conv2d(1, cfg.embed_dim, kernel_size=PATCH, stride=PATCH, bias=cfg.conv_bias)
        self.layer_norm = nn.LayerNorm(cfg.embed_dim, eps=1e-5)
        self.post_extract_proj = (nn.Linear(cfg.embed_dim, cfg.encoder_embed_dim)
                                  if cfg.embed_dim != cfg.encoder_embed_dim else None)
        self.encoder = TransformerEncoder(cfg)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, std=0.02)
        conv = self.encoder.pos_conv[0]
        std = math.sqrt(4.0 * (1.0 - self.cfg.dropout) / (self.cfg.conv_pos * self.cfg.encoder_embed_dim))
        nn.init.normal_(conv.weight_v, mean=0.0, std=std)
        with torch.no_grad():
            conv.weight_g.copy_(conv.weight_v.pow(2).sum(dim=(0, 1), keepdim=True).sqrt())
        nn.init.zeros_(conv.bias)
        if self.cfg.deep_norm:
            deep_norm_init(self.encoder.layers, self.cfg.encoder_layers)

    def set_gradient_checkpointing(self, enabled: bool) -> None:
        self.encoder.gradient_checkpointing = enabled

    def patchify(self, fbank: torch.Tensor) -> torch.Tensor:
        """[B, T, 128] → patch conv output [B, N, C_p] (before the front LayerNorm)."""
        x = self.patch_embedding(fbank.unsqueeze(1))  # [B, C_p, T', 8]
        return x.flatten(2).transpose(1, 2)

    def embed_patches(self, patches: torch.Tensor) -> torch.Tensor:
        x = self.layer_norm(patches)
        if self.post_extract_proj is not None:
            x = self.post_extract_proj(x)
        return F.dropout(x, p=self.cfg.dropout_input, training=self.training)

    def encode(self, x: torch.Tensor, padding_mask: Optional[torch.Tensor], output_hidden_states: bool = False,
               max_layer: Optional[int] = None) -> EncoderOutput:
        hidden: Optional[List[torch.Tensor]] = [] if output_hidden_states else None
        out = self.encoder(x, padding_mask, hidden, max_layer)
        return EncoderOutput(out, padding_mask, hidden or [])

    def forward(self, fbank: torch.Tensor, frame_lengths: Optional[torch.Tensor] = None,
                output_hidden_states: bool = False, max_layer: Optional[int] = None) -> EncoderOutput:
        mask = patch_padding_mask(frame_lengths, fbank.shape[1], fbank.shape[0], fbank.device)
        x = self.embed_patches(self.patchify(fbank))
        return self.encode(x, mask, output_hidden_states, max_layer)


def masked_mean(x: torch.Tensor, padding_mask: Optional[torch.Tensor]) -> torch.Tensor:
    """Mean over valid patches: [B, N, D] → [B, D] (computed in float32)."""
    x = x.float()
    if padding_mask is None:
        return x.mean(dim=1)
    keep = (~padding_mask).unsqueeze(-1).float()
    return (x * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)


class ClassificationHead(nn.Module):
    """ESPnet `LinearDecoder` with mean pooling: logits = mean(x)·Wᵀ + b (`decoder.linear_out.*`)."""

    def __init__(self, dim: int, classes: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.linear_out = nn.Linear(dim, classes)
        nn.init.normal_(self.linear_out.weight, std=0.02)
        nn.init.zeros_(self.linear_out.bias)

    def forward(self, features: torch.Tensor, padding_mask: Optional[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        pooled = masked_mean(self.dropout(features), padding_mask)
        return self.linear_out(pooled), pooled
