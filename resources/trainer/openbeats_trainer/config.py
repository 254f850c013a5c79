"""Encoder configuration (spec §2) and how checkpoint cfg dicts map onto it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping

# Released Microsoft BEATs and OpenBEATs models were trained with these (spec §3.5).
DEFAULT_FBANK_MEAN = 15.41663
DEFAULT_FBANK_STD = 6.55582


@dataclass
class BeatsConfig:
    """Architecture and regularisation of one encoder. Defaults are ESPnet's `BeatsConfig`."""

    input_patch_size: int = 16
    embed_dim: int = 512
    conv_bias: bool = False
    encoder_layers: int = 12
    encoder_embed_dim: int = 768
    encoder_ffn_embed_dim: int = 3072
    encoder_attention_heads: int = 12
    activation_fn: str = "gelu"
    layer_norm_first: bool = False
    deep_norm: bool = False
    dropout: float = 0.1
    attention_dropout: float = 0.1
    activation_dropout: float = 0.0
    encoder_layerdrop: float = 0.0
    dropout_input: float = 0.0
    conv_pos: int = 128
    conv_pos_groups: int = 16
    relative_position_embedding: bool = False
    num_buckets: int = 320
    max_distance: int = 1280
    gru_rel_pos: bool = False
    # Pre-training predictor (spec §8).
    decoder_embed_dim: int = 768
    decoder_layers: int = 3
    codebook_vocab_size: int = 1024
    mask_ratio: float = 0.75
    fbank_mean: float = DEFAULT_FBANK_MEAN
    fbank_std: float = DEFAULT_FBANK_STD
    # Keys of the source cfg we do not model, kept so a saved cfg round-trips.
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def head_dim(self) -> int:
        return self.encoder_embed_dim // self.encoder_attention_heads

    def validate(self) -> "BeatsConfig":
        from .protocol import TrainerError

        problems = []
        if self.input_patch_size != 16:
            problems.append(f"input_patch_size {self.input_patch_size} (only 16 is supported)")
        if self.encoder_embed_dim % self.encoder_attention_heads:
            problems.append("encoder_embed_dim is not divisible by encoder_attention_heads")
        if self.encoder_embed_dim % self.conv_pos_groups:
            problems.append("encoder_embed_dim is not divisible by conv_pos_groups")
        if self.decoder_embed_dim % self.encoder_attention_heads:
            problems.append("decoder_embed_dim is not divisible by encoder_attention_heads")
        if self.activation_fn != "gelu":
            problems.append(f"activation_fn {self.activation_fn!r} (only gelu is supported)")
        if self.fbank_std <= 0:
            problems.append("fbank_std must be positive")
        if problems:
            raise TrainerError("CHECKPOINT_UNSUPPORTED", "unsupported encoder configuration: " + "; ".join(problems))
        return self

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-able cfg in the OpenBEATs SSL style (all keys explicit, extras preserved)."""
        out = dict(self.extra)
        for f in dataclasses.fields(self):
            if f.name != "extra":
                out[f.name] = getattr(self, f.name)
        return out

    def replace(self, **changes: Any) -> "BeatsConfig":
        return dataclasses.replace(self, **changes)


_FIELDS = {f.name: f for f in dataclasses.fields(BeatsConfig) if f.name != "extra"}


def config_from_dict(cfg: Mapping[str, Any], base: BeatsConfig | None = None) -> BeatsConfig:
    """Overlay the keys present in `cfg` on `base` (ESPnet defaults when None); unknown keys go to
    `extra`. Microsoft's `input_patch_size: -1` means "unset" there, so it never overrides 16."""
    out = dataclasses.replace(base) if base is not None else BeatsConfig()
    extra = dict(out.extra)
    for key, value in cfg.items():
        if key in _FIELDS:
            if key == "input_patch_size" and value == -1:
                continue
            kind = _FIELDS[key].type
            if kind in ("int", int) and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = int(value)
            elif kind in ("float", float) and isinstance(value, (int, float)):
                value = float(value)
            elif kind in ("bool", bool):
                value = bool(value)
            setattr(out, key, value)
        else:
            extra[key] = value
    out.extra = extra
    return out


# Named sizes for random initialisation (spec §2).
PRESETS: Dict[str, Dict[str, Any]] = {
    "base": dict(
        encoder_layers=12, encoder_embed_dim=768, encoder_ffn_embed_dim=3072, encoder_attention_heads=12,
        deep_norm=True, relative_position_embedding=True, num_buckets=320, max_distance=800, gru_rel_pos=True,
        decoder_embed_dim=768,
    ),
    "large": dict(
        encoder_layers=24, encoder_embed_dim=1024, encoder_ffn_embed_dim=4096, encoder_attention_heads=16,
        deep_norm=True, relative_position_embedding=True, num_buckets=320, max_distance=800, gru_rel_pos=True,
        decoder_embed_dim=1024,
    ),
    # The fixture-sized model: every module type of the real one, seconds on a CPU.
    "tiny": dict(
        embed_dim=32, encoder_layers=2, encoder_embed_dim=64, encoder_ffn_embed_dim=128, encoder_attention_heads=4,
        conv_pos=16, conv_pos_groups=4, deep_norm=True, relative_position_embedding=True, num_buckets=320,
        max_distance=800, gru_rel_pos=True, decoder_embed_dim=64, decoder_layers=1,
    ),
}


def config_from_architecture(arch: Mapping[str, Any]) -> BeatsConfig:
    """`{"preset": "base"|"large"|"tiny", ...overrides}` → config."""
    arch = dict(arch)
    preset = arch.pop("preset", None)
    base = BeatsConfig()
    if preset is not None:
        if preset not in PRESETS:
            from .protocol import TrainerError

            raise TrainerError("INVALID_REQUEST", f"unknown architecture preset {preset!r} (base, large, tiny)")
        base = config_from_dict(PRESETS[preset], base)
    return config_from_dict(arch, base).validate()
