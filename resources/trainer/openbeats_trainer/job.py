"""job.json: parsing and validation (the format is documented in README.md)."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, TypeVar

from .protocol import TrainerError

JOB_TYPES = ("finetune", "pretrain", "tokenizer", "embed", "export")
SPLITS = ("train", "val", "test")


@dataclass
class DataItem:
    id: str
    path: str
    segment: Optional[Tuple[float, float]]
    labels: List[str]
    split: str


@dataclass
class DataManifest:
    items: List[DataItem]
    labels: List[str]
    multi_label: bool

    def split(self, name: str) -> List[DataItem]:
        return [item for item in self.items if item.split == name]


@dataclass
class ModelSource:
    checkpoint: Optional[str] = None
    config_yaml: Optional[str] = None
    token_list: Optional[str] = None
    architecture: Optional[Dict[str, Any]] = None
    fbank_mean: Optional[float] = None
    fbank_std: Optional[float] = None


@dataclass
class JobSpec:
    type: str
    output_dir: str
    data: DataManifest
    hparams: Dict[str, Any]
    resume: bool
    seed: int
    device: str
    model: ModelSource
    base_dir: str
    raw: Dict[str, Any] = field(default_factory=dict)


def _invalid(message: str, **details: Any) -> TrainerError:
    return TrainerError("INVALID_REQUEST", f"job.json: {message}", details or None)


def _resolve(path: Any, base: str, what: str) -> str:
    if not isinstance(path, str) or not path:
        raise _invalid(f"{what} must be a non-empty string path")
    return path if os.path.isabs(path) else os.path.normpath(os.path.join(base, path))


def _parse_items(raw: Any, root: str, labels: List[str]) -> List[DataItem]:
    if not isinstance(raw, list):
        raise _invalid("data.items must be a list")
    known = set(labels)
    items: List[DataItem] = []
    seen_ids: set = set()
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise _invalid(f"data.items[{index}] must be an object")
        item_id = str(entry.get("id", index))
        if item_id in seen_ids:
            raise _invalid(f"data.items[{index}]: duplicate id {item_id!r}")
        seen_ids.add(item_id)
        segment = entry.get("segment")
        if segment is not None:
            if (not isinstance(segment, (list, tuple)) or len(segment) != 2
                    or not all(isinstance(v, (int, float)) for v in segment) or not 0 <= segment[0] < segment[1]):
                raise _invalid(f"data.items[{index}].segment must be [start, end] seconds with 0 ≤ start < end")
            segment = (float(segment[0]), float(segment[1]))
        item_labels = entry.get("labels") or []
        if not isinstance(item_labels, list) or not all(isinstance(v, str) for v in item_labels):
            raise _invalid(f"data.items[{index}].labels must be a list of strings")
        unknown = [v for v in item_labels if v not in known]
        if unknown:
            raise TrainerError("TRAINING_DATA", f"data.items[{index}] ({item_id}) has labels not in data.labels: {unknown}")
        split = entry.get("split", "train")
        if split not in SPLITS:
            raise _invalid(f"data.items[{index}].split must be one of {', '.join(SPLITS)}")
        items.append(DataItem(item_id, _resolve(entry.get("path"), root, f"data.items[{index}].path"), segment,
                              list(item_labels), split))
    return items


def parse_job(obj: Any, base_dir: str) -> JobSpec:
    if not isinstance(obj, Mapping):
        raise _invalid("top level must be an object")
    job_type = obj.get("type")
    if job_type not in JOB_TYPES:
        raise _invalid(f"type must be one of {', '.join(JOB_TYPES)}", got=job_type)
    output_dir = _resolve(obj.get("output_dir"), base_dir, "output_dir")
    data = obj.get("data") or {}
    if not isinstance(data, Mapping):
        raise _invalid("data must be an object")
    labels = data.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(v, str) for v in labels) or len(set(labels)) != len(labels):
        raise _invalid("data.labels must be a list of distinct strings")
    root = _resolve(data["root"], base_dir, "data.root") if data.get("root") else base_dir
    manifest = DataManifest(_parse_items(data.get("items") or [], root, labels), list(labels),
                            bool(data.get("multi_label", False)))
    hparams = obj.get("hparams") or {}
    if not isinstance(hparams, Mapping):
        raise _invalid("hparams must be an object")
    seed = obj.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise _invalid("seed must be a non-negative integer")
    device = obj.get("device", "auto")
    if device not in ("auto", "cpu", "cuda"):
        raise _invalid("device must be auto, cpu or cuda")
    model_raw = obj.get("model") or {}
    if not isinstance(model_raw, Mapping):
        raise _invalid("model must be an object")
    unknown_model = set(model_raw) - {f.name for f in dataclasses.fields(ModelSource)}
    if unknown_model:
        raise _invalid(f"unknown model keys: {sorted(unknown_model)}")
    model = ModelSource(
        checkpoint=_resolve(model_raw["checkpoint"], base_dir, "model.checkpoint") if model_raw.get("checkpoint") else None,
        config_yaml=_resolve(model_raw["config_yaml"], base_dir, "model.config_yaml") if model_raw.get("config_yaml") else None,
        token_list=_resolve(model_raw["token_list"], base_dir, "model.token_list") if model_raw.get("token_list") else None,
        architecture=dict(model_raw["architecture"]) if model_raw.get("architecture") else None,
        fbank_mean=model_raw.get("fbank_mean"), fbank_std=model_raw.get("fbank_std"))
    return JobSpec(job_type, output_dir, manifest, dict(hparams), bool(obj.get("resume", False)), seed, device, model,
                   base_dir, dict(obj))


def hash_id(text: str) -> int:
    """Stable across processes (Python's hash() is salted). Lives here, with no torch import, so the
    bundle helper runs on a machine without torch."""
    value = 2166136261
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def load_job(path: str) -> JobSpec:
    try:
        with open(path, "r", encoding="utf-8") as handle:
            obj = json.load(handle)
    except FileNotFoundError as exc:
        raise _invalid(f"{path} not found") from exc
    except json.JSONDecodeError as exc:
        raise _invalid(f"{path} is not valid JSON ({exc})") from exc
    return parse_job(obj, os.path.dirname(os.path.abspath(path)))


T = TypeVar("T")


def parse_hparams(kind: Type[T], values: Mapping[str, Any]) -> T:
    """Fill a hyper-parameter dataclass; unknown keys and wrong types are INVALID_REQUEST."""
    fields = {f.name: f for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise _invalid(f"unknown hparams: {unknown}", allowed=sorted(fields))
    defaults = kind()
    out: Dict[str, Any] = {}
    for name, value in values.items():
        current = getattr(defaults, name)
        if isinstance(current, bool):
            ok = isinstance(value, bool)
        elif isinstance(current, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(current, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(current, str):
            ok = isinstance(value, str)
        else:
            ok = True  # optional / structured values are checked by the job
        if not ok:
            raise _invalid(f"hparams.{name} must be {type(current).__name__}, got {value!r}")
        out[name] = value
    return dataclasses.replace(defaults, **out)  # type: ignore[type-var]
