"""Loading PyTorch checkpoints without executing anything they name.

Two layers: (1) before torch sees the file, its pickle is walked by an unpickler that knows only
the globals a weights file needs and builds nothing; any other global (`os.system`, …) refuses
the file with CHECKPOINT_UNSAFE. (2) `torch.load(weights_only=True)`; torch 1.13's weights-only
unpickler rejects some plain opcodes (floats in a cfg), and then torch.load runs with an
unpickler whose `find_class` admits the same short list."""

from __future__ import annotations

import collections
import inspect
import io
import pickle
import types
import zipfile
from typing import Any, Callable, Dict, Tuple

import torch

from .protocol import TrainerError

_STORAGES = ("Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool")
ALLOWED_GLOBALS = frozenset(
    [("collections", "OrderedDict"), ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_parameter")]
    + [("torch", f"{kind}Storage") for kind in _STORAGES]
)


class _Inert:
    """Stands in for every allowed object during the scan; accepts any construction or state."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


def _inert_factory(*args: Any, **kwargs: Any) -> _Inert:
    return _Inert()


class _ScanUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, origin: str) -> None:
        super().__init__(io.BytesIO(data))
        self.origin = origin
        self.seen: set = set()

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_GLOBALS:
            raise TrainerError("CHECKPOINT_UNSAFE",
                               f"{self.origin}: refused, the checkpoint's pickle imports {module}.{name}, "
                               "which a weights file never needs",
                               {"global": f"{module}.{name}"})
        self.seen.add(f"{module}.{name}")
        return collections.OrderedDict if (module, name) == ("collections", "OrderedDict") else _inert_factory

    def persistent_load(self, pid: Any) -> None:
        return None


def scan_pickle_bytes(data: bytes, origin: str) -> set:
    """Walk a pickle without building objects; raise CHECKPOINT_UNSAFE on a forbidden global.
    Returns the globals seen."""
    scanner = _ScanUnpickler(data, origin)
    try:
        scanner.load()
    except TrainerError:
        raise
    except Exception as exc:  # malformed pickles are invalid, not unsafe
        raise TrainerError("CHECKPOINT_INVALID", f"{origin}: unreadable pickle ({exc})") from exc
    return scanner.seen


def scan_checkpoint(path: str) -> set:
    """Scan every `.pkl` member of a torch zip checkpoint (torch ≥ 1.6 format)."""
    if not zipfile.is_zipfile(path):
        raise TrainerError("CHECKPOINT_UNSUPPORTED",
                           f"{path}: not a zip-format PyTorch checkpoint (legacy pickle files are not read)")
    seen: set = set()
    with zipfile.ZipFile(path) as archive:
        members = [n for n in archive.namelist() if n.endswith(".pkl")]
        if not members:
            raise TrainerError("CHECKPOINT_INVALID", f"{path}: no data.pkl inside the archive")
        for name in members:
            seen |= scan_pickle_bytes(archive.read(name), f"{path} ({name})")
    return seen


def _restricted_globals() -> Dict[Tuple[str, str], Any]:
    import torch._utils as tu

    table: Dict[Tuple[str, str], Any] = {("collections", "OrderedDict"): collections.OrderedDict,
                                         ("torch._utils", "_rebuild_tensor_v2"): tu._rebuild_tensor_v2}
    if hasattr(tu, "_rebuild_parameter"):
        table[("torch._utils", "_rebuild_parameter")] = tu._rebuild_parameter
    return table


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _restricted_globals().get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"global {module}.{name} is not allowed")
        return found


def _restricted_load(file: Any, **kwargs: Any) -> Any:
    return _RestrictedUnpickler(file, **kwargs).load()


restricted_pickle_module = types.ModuleType("openbeats_restricted_pickle")
restricted_pickle_module.Unpickler = _RestrictedUnpickler  # type: ignore[attr-defined]
restricted_pickle_module.load = _restricted_load  # type: ignore[attr-defined]
restricted_pickle_module.__dict__["loads"] = lambda data, **kw: _restricted_load(io.BytesIO(data), **kw)


def _torch_load_accepts(name: str) -> bool:
    try:
        return name in inspect.signature(torch.load).parameters
    except (TypeError, ValueError):
        return False


def safe_torch_load(path: str) -> Any:
    """Load a checkpoint's object graph on the CPU without running code it names."""
    scan_checkpoint(path)
    attempts: list[Callable[[], Any]] = []
    if _torch_load_accepts("weights_only"):
        attempts.append(lambda: torch.load(path, map_location="cpu", weights_only=True))
        attempts.append(lambda: torch.load(path, map_location="cpu", weights_only=False,
                                           pickle_module=restricted_pickle_module))
    else:
        attempts.append(lambda: torch.load(path, map_location="cpu", pickle_module=restricted_pickle_module))
    last: Exception | None = None
    for attempt in attempts:
        try:
            return attempt()
        except Exception as exc:  # torch 1.13's weights-only unpickler lacks e.g. BINFLOAT
            last = exc
    raise TrainerError("CHECKPOINT_INVALID", f"{path}: could not be loaded ({last})")
