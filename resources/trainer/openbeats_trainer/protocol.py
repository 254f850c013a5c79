"""The JSON-lines protocol spoken on stdout, and the error type that becomes an `error` line.

Every line is one JSON object with a `type` of progress | metrics | checkpoint | log | done | error.
Only rank 0 of a distributed run emits. Error codes are the app's (`src-shared/errors.ts`)."""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any, Callable, Dict, Optional, TextIO


class TrainerError(Exception):
    """An error the app can branch on: `code` is one of the app's error codes."""

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def _jsonable(value: Any) -> Any:
    # NaN/inf are not JSON: undefined metrics travel as null.
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return _jsonable(value.item())
    return value


Sink = Callable[[Dict[str, Any]], None]


class Emitter:
    """Writes protocol lines. `sink` (tests) receives each message dict as well."""

    def __init__(self, stream: Optional[TextIO] = None, enabled: bool = True, sink: Optional[Sink] = None,
                 progress_interval_s: float = 0.5) -> None:
        self._stream = stream
        self._enabled = enabled
        self._sink = sink
        self._lock = threading.Lock()
        self._last_progress = -math.inf
        self.progress_interval_s = progress_interval_s

    def emit(self, message: Dict[str, Any]) -> None:
        if not self._enabled:
            return
        message = _jsonable(message)
        if self._sink is not None:
            self._sink(message)
        if self._stream is not None:
            line = json.dumps(message, separators=(",", ":"), allow_nan=False)
            with self._lock:
                self._stream.write(line + "\n")
                self._stream.flush()

    def progress(self, step: int, total: int, force: bool = False, **fields: Any) -> None:
        """Throttled to one line per `progress_interval_s`; `force` for the first and last."""
        now = time.monotonic()
        if not force and now - self._last_progress < self.progress_interval_s:
            return
        self._last_progress = now
        self.emit({"type": "progress", "step": step, "total": total, **fields})

    def log(self, message: str, level: str = "info", **fields: Any) -> None:
        self.emit({"type": "log", "level": level, "message": message, **fields})

    def metrics(self, split: str, values: Dict[str, Any], **fields: Any) -> None:
        self.emit({"type": "metrics", "split": split, "values": values, **fields})

    def checkpoint(self, path: str, **fields: Any) -> None:
        self.emit({"type": "checkpoint", "path": path, **fields})

    def done(self, status: str, **fields: Any) -> None:
        self.emit({"type": "done", "status": status, **fields})

    def error(self, code: str, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        msg: Dict[str, Any] = {"type": "error", "code": code, "message": message}
        if details is not None:
            msg["details"] = details
        self.emit(msg)
