"""The checkpoint layouts of spec §1, read safely, and the trainer's own saved layout.

Reads: Microsoft `{cfg, model[, label_dict]}`, OpenBEATs SSL `{model, cfg}` (ESPnet defaults for
missing keys), ESPnet fine-tuned bare state dicts (+ config.yaml, token_list), and the trainer's
own files. Writes: OpenBEATs SSL layout plus `head` tensors and a JSON-able cfg."""

from __future__ import annotations

import collections
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

import torch

from .config import BeatsConfig, config_from_dict
from .model import BeatsEncoder
from .protocol import TrainerError
from .safe_pickle import safe_torch_load

TRAINER_FORMAT = "openbeats-trainer/1"
_PAD_HELPERS = ("patch_embedding_pad.weight", "raw2fbank_pad.weight")
_POS = "encoder.pos_conv.0."
_LAYER_KEY = re.compile(r"^encoder\.layers\.(\d+)\.")
_ENCODER_KEY = re.compile(r"^(patch_embedding\.|layer_norm\.|post_extract_proj\.|encoder\.)")


@dataclass
class HeadWeights:
    weight: torch.Tensor  # [C, D]
    bias: torch.Tensor  # [C]
    labels: List[str]
    multi_label: bool


@dataclass
class LoadedCheckpoint:
    family: str  # microsoft | openbeats-ssl | espnet-finetuned | trainer
    cfg: BeatsConfig
    encoder_state: Dict[str, torch.Tensor]
    head: Optional[HeadWeights] = None
    sources: Dict[str, str] = field(default_factory=dict)  # cfg key → cfg | default | inferred
    warnings: List[str] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict)  # other top-level entries (trainer extras)

    def build_encoder(self) -> BeatsEncoder:
        encoder = BeatsEncoder(self.cfg)
        load_encoder_state(encoder, self.encoder_state, self.family)
        return encoder


def load_encoder_state(encoder: BeatsEncoder, state: Mapping[str, torch.Tensor], origin: str) -> None:
    expected = encoder.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [k for k in expected if k in state and tuple(state[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or wrong:
        raise TrainerError("CHECKPOINT_INVALID", f"{origin}: encoder weights do not match the architecture",
                           {"missing": missing[:20], "unexpected": unexpected[:20], "wrong_shape": wrong[:20]})
    encoder.load_state_dict({k: v.to(torch.float32) for k, v in state.items()}, strict=True)


def _fold_weight_norm(state: Dict[str, torch.Tensor]) -> None:
    """Bring the positional conv into `weight_g`/`weight_v` form whatever style it was saved in."""
    g_new, v_new = _POS + "parametrizations.weight.original0", _POS + "parametrizations.weight.original1"
    if g_new in state and v_new in state:
        state[_POS + "weight_g"] = state.pop(g_new)
        state[_POS + "weight_v"] = state.pop(v_new)
    elif _POS + "weight" in state and _POS + "weight_v" not in state:
        weight = state.pop(_POS + "weight")
        state[_POS + "weight_v"] = weight
        state[_POS + "weight_g"] = weight.pow(2).sum(dim=(0, 1), keepdim=True).sqrt()


def normalize_encoder_keys(raw: Mapping[str, torch.Tensor], prefix: str = "") -> tuple[Dict[str, torch.Tensor], List[str]]:
    """Encoder tensors keyed as in spec §9; returns (state, names of dropped extras)."""
    state: Dict[str, torch.Tensor] = {}
    dropped: List[str] = []
    for key, value in raw.items():
        if not isinstance(value, torch.Tensor):
            continue
        if prefix:
            if not key.startswith(prefix):
                continue
            key = key[len(prefix):]
        if key in _PAD_HELPERS:
            continue
        if _ENCODER_KEY.match(key):
            state[key] = value
        else:
            dropped.append(key)
    _fold_weight_norm(state)
    table = "encoder.layers.0.self_attn.relative_attention_bias.weight"
    if table in state:  # tied table: layer 0's is the one that is used
        for key in list(state):
            if key.endswith("self_attn.relative_attention_bias.weight"):
                state[key] = state[table]
    return state, dropped


def infer_architecture(state: Mapping[str, torch.Tensor], cfg: BeatsConfig,
                       sources: Dict[str, str]) -> tuple[BeatsConfig, List[str]]:
    """Dimensions from tensor shapes (spec §1); shapes win over a cfg that disagrees."""
    warnings: List[str] = []
    if "patch_embedding.weight" not in state or _POS + "weight_v" not in state:
        raise TrainerError("CHECKPOINT_INVALID", "no BEATs encoder weights found (patch_embedding / pos_conv missing)")
    layers = sorted({int(m.group(1)) for k in state for m in [_LAYER_KEY.match(k)] if m})
    if not layers:
        raise TrainerError("CHECKPOINT_INVALID", "no transformer layers found in the checkpoint")
    patch = state["patch_embedding.weight"]
    v = state[_POS + "weight_v"]
    dim = v.shape[0]
    seen: Dict[str, Any] = {
        "encoder_layers": len(layers),
        "encoder_embed_dim": dim,
        "embed_dim": patch.shape[0],
        "input_patch_size": patch.shape[-1],
        "conv_bias": "patch_embedding.bias" in state,
        "encoder_ffn_embed_dim": state["encoder.layers.0.fc1.weight"].shape[0],
        "conv_pos": v.shape[2],
        "conv_pos_groups": dim // v.shape[1],
        "gru_rel_pos": "encoder.layers.0.self_attn.grep_linear.weight" in state,
        "relative_position_embedding": "encoder.layers.0.self_attn.relative_attention_bias.weight" in state,
    }
    table = state.get("encoder.layers.0.self_attn.relative_attention_bias.weight")
    if table is not None:
        seen["num_buckets"] = table.shape[0]
        seen["encoder_attention_heads"] = table.shape[1]
    elif "encoder.layers.0.self_attn.grep_a" in state:
        seen["encoder_attention_heads"] = state["encoder.layers.0.self_attn.grep_a"].shape[1]
    updates: Dict[str, Any] = {}
    for key, value in seen.items():
        current = getattr(cfg, key)
        if sources.get(key) == "cfg" and current != value:
            warnings.append(f"cfg says {key}={current!r} but the weights say {value!r}; using the weights")
        if current != value or sources.get(key) != "cfg":
            updates[key] = value
            sources[key] = "inferred"
    return cfg.replace(**updates), warnings


def _sources_from(cfg_keys: Mapping[str, Any]) -> Dict[str, str]:
    import dataclasses

    return {f.name: ("cfg" if f.name in cfg_keys else "default") for f in dataclasses.fields(BeatsConfig)
            if f.name != "extra"}


def _read_yaml(path: str) -> Dict[str, Any]:
    import yaml

    try:
        with open(path, "r", encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: expected a mapping at the top level")
    return data


def _read_token_list(config: Dict[str, Any], config_path: Optional[str], token_list: Optional[str]) -> Optional[List[str]]:
    if token_list is not None:
        with open(token_list, "r", encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    tokens = config.get("token_list")
    if isinstance(tokens, list):
        return [str(t) for t in tokens]
    if isinstance(tokens, str) and config_path is not None:
        for candidate in (tokens, os.path.join(os.path.dirname(config_path), tokens)):
            if os.path.isfile(candidate):
                return _read_token_list({}, None, candidate)
    return None


def _espnet_head(raw: Mapping[str, torch.Tensor], config: Dict[str, Any], config_path: Optional[str],
                 token_list: Optional[str], warnings: List[str]) -> Optional[HeadWeights]:
    weight, bias = raw.get("decoder.linear_out.weight"), raw.get("decoder.linear_out.bias")
    if weight is None or bias is None:
        return None
    classes = weight.shape[0]
    tokens = _read_token_list(config, config_path, token_list)
    if tokens is None:
        warnings.append("no token_list: classes are named class_0 …")
        labels = [f"class_{i}" for i in range(classes)]
    elif len(tokens) == classes + 1:
        labels = tokens[:-1]  # the trailing dummy <unk> is not a class
    elif len(tokens) == classes:
        labels = tokens
    else:
        raise TrainerError("CHECKPOINT_INVALID",
                           f"token_list has {len(tokens)} entries but the head has {classes} classes")
    kind = (config.get("model_conf") or {}).get("classification_type")
    if kind is None:
        warnings.append("classification_type not given: assuming multi-class (softmax)")
    return HeadWeights(weight.float(), bias.float(), labels, kind == "multi-label")


def load_checkpoint(path: str, config_yaml: Optional[str] = None, token_list: Optional[str] = None) -> LoadedCheckpoint:
    """Read any supported layout; `config_yaml`/`token_list` complete an ESPnet fine-tuned `.pth`."""
    if not os.path.isfile(path):
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: no such checkpoint file")
    obj = safe_torch_load(path)
    if not isinstance(obj, Mapping):
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: top level is {type(obj).__name__}, expected a dict")
    if "module" in obj and isinstance(obj["module"], Mapping) and "model" not in obj:
        obj = obj["module"]  # DeepSpeed wrapping
    warnings: List[str] = []
    head: Optional[HeadWeights] = None
    extras: Dict[str, Any] = {}
    if "model" in obj and isinstance(obj["model"], Mapping):
        raw_cfg = obj.get("cfg") or {}
        if not isinstance(raw_cfg, Mapping):
            raise TrainerError("CHECKPOINT_INVALID", f"{path}: cfg is not a dict")
        model = obj["model"]
        if raw_cfg.get("format") == TRAINER_FORMAT:
            family = "trainer"
        elif "label_dict" in obj or "predictor.weight" in model or "finetuned_model" in raw_cfg:
            family = "microsoft"
        else:
            family = "openbeats-ssl"
        cfg = config_from_dict(raw_cfg)
        for key in ("format", "labels", "classification_type"):
            cfg.extra.pop(key, None)
        sources = _sources_from(raw_cfg)
        state, dropped = normalize_encoder_keys(model)
        if family == "microsoft" and "predictor.weight" in model:
            dropped = [k for k in dropped if not k.startswith("predictor.")]
            label_dict = obj.get("label_dict") or {}
            classes = model["predictor.weight"].shape[0]
            labels = [str(label_dict.get(i, f"class_{i}")) for i in range(classes)]
            head = HeadWeights(model["predictor.weight"].float(), model["predictor.bias"].float(), labels, True)
        if family == "trainer":
            extras = {k: v for k, v in obj.items() if k not in ("model", "cfg")}
            stored = obj.get("head")
            if isinstance(stored, Mapping):
                head = HeadWeights(stored["weight"].float(), stored["bias"].float(), list(raw_cfg.get("labels") or []),
                                   raw_cfg.get("classification_type") == "multi-label")
        if family == "openbeats-ssl":
            dropped = [k for k in dropped if not k.startswith(("decoder.", "quantize"))]
    else:
        # A bare state dict: the ESPnet fine-tuned layout ("encoder." prefix) or a bare encoder.
        family = "espnet-finetuned"
        raw = dict(obj)
        prefix = "encoder." if any(k.startswith("encoder.patch_embedding") for k in raw) else ""
        config = _read_yaml(config_yaml) if config_yaml else {}
        encoder_conf = config.get("encoder_conf") or {}
        # Not visible in the weights: the flags every released OpenBEATs model uses.
        base = BeatsConfig(deep_norm=True, layer_norm_first=False, max_distance=800)
        overrides = dict(encoder_conf.get("beats_config") or {})
        for key in ("fbank_mean", "fbank_std"):
            if key in encoder_conf:
                overrides[key] = encoder_conf[key]
        cfg = config_from_dict(overrides, base)
        sources = _sources_from(overrides)
        for key in ("deep_norm", "layer_norm_first", "max_distance"):
            sources.setdefault(key, "default")
        state, dropped = normalize_encoder_keys(raw, prefix)
        dropped = [k for k in dropped if not k.startswith("decoder.linear_out.")]
        if prefix:
            dropped += [k for k in raw if not k.startswith(prefix) and not k.startswith("decoder.linear_out.")]
        head = _espnet_head(raw, config, config_yaml, token_list, warnings)
        if not config_yaml:
            warnings.append("no config.yaml: fbank normalisation 15.41663 / 6.55582 and OpenBEATs flags assumed")
    if dropped:
        warnings.append(f"ignored {len(dropped)} non-encoder tensors: {', '.join(sorted(dropped)[:8])}")
    cfg, shape_warnings = infer_architecture(state, cfg, sources)
    cfg.validate()
    if head is not None and head.weight.shape[1] != cfg.encoder_embed_dim:
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: head input size {head.weight.shape[1]} ≠ encoder dim "
                                                 f"{cfg.encoder_embed_dim}")
    return LoadedCheckpoint(family, cfg, state, head, sources, warnings + shape_warnings, extras)


def _cpu_f32(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().to("cpu", torch.float32).contiguous().clone()


def encoder_state_for_saving(encoder: BeatsEncoder) -> "collections.OrderedDict[str, torch.Tensor]":
    return collections.OrderedDict((k, _cpu_f32(v)) for k, v in encoder.state_dict().items())


def save_trainer_checkpoint(path: str, encoder: BeatsEncoder, head: Optional[HeadWeights] = None,
                            extra_cfg: Optional[Mapping[str, Any]] = None) -> None:
    """OpenBEATs SSL layout `{model, cfg}` + `head {weight, bias}`; cfg carries every architecture
    key, fbank_mean/std, `format`, `labels` and `classification_type`. Written atomically."""
    cfg = encoder.cfg.to_dict()
    cfg["format"] = TRAINER_FORMAT
    if head is not None:
        cfg["labels"] = list(head.labels)
        cfg["classification_type"] = "multi-label" if head.multi_label else "multi-class"
    if extra_cfg:
        cfg.update(extra_cfg)
    obj: Dict[str, Any] = {"model": encoder_state_for_saving(encoder), "cfg": plain_json(cfg)}
    if head is not None:
        obj["head"] = {"weight": _cpu_f32(head.weight), "bias": _cpu_f32(head.bias)}
    atomic_torch_save(obj, path)


def plain_json(value: Any) -> Any:
    """Only JSON types survive (str subclasses such as torch's version object would pickle as
    globals that a safe reader refuses)."""
    import json

    return json.loads(json.dumps(value, default=str))


def atomic_torch_save(obj: Any, path: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    torch.save(obj, tmp)
    os.replace(tmp, path)
