"""Running the trainer as a real child process, the way the app's job host does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List, Optional

from conftest import TRAINER_ROOT


def trainer_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ, PYTHONPATH=TRAINER_ROOT, OMP_NUM_THREADS="1")
    env.update(extra or {})
    return env


def write_job(path: str, job: Dict[str, Any]) -> str:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(job, handle)
    return path


def start(args: List[str], env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "openbeats_trainer", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env or trainer_env(), cwd=TRAINER_ROOT)


def parse_lines(stdout: str) -> List[Dict[str, Any]]:
    """Every stdout line must be one JSON object (the protocol has nothing else)."""
    return [json.loads(line) for line in stdout.splitlines()]
