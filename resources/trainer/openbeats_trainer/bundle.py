"""Training bundle for a cluster: `python -m openbeats_trainer.bundle JOB.json OUT_DIR [--copy-audio]
[--nproc-per-node N]` writes OUT_DIR with the trainer package, a job.json whose paths are relative
to the bundle, and run.sh holding the exact torchrun command (multi-node through environment
variables). The result comes back as OUT_DIR/output/model.pt."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from typing import Any, Dict, List, Optional

from .job import hash_id, load_job

_RUN_SH = """#!/bin/sh
# OpenBEATs Studio training bundle. Run on every node; single node: ./run.sh
# Multi-node: NNODES=2 NODE_RANK=0|1 MASTER_ADDR=<host of rank 0> MASTER_PORT=29500 ./run.sh
set -e
cd "$(dirname "$0")"
export PYTHONPATH="$PWD${{PYTHONPATH:+:$PYTHONPATH}}"
exec {python} -m torch.distributed.run \\
  --nnodes="${{NNODES:-1}}" --node_rank="${{NODE_RANK:-0}}" \\
  --master_addr="${{MASTER_ADDR:-127.0.0.1}}" --master_port="${{MASTER_PORT:-29500}}" \\
  --nproc_per_node="${{NPROC_PER_NODE:-{nproc}}}" \\
  -m openbeats_trainer job.json
"""


def _copy(source: str, folder: str, out_dir: str) -> str:
    os.makedirs(os.path.join(out_dir, folder), exist_ok=True)
    name = f"{hash_id(source):08x}_{os.path.basename(source)}"
    target = os.path.join(out_dir, folder, name)
    if not os.path.exists(target):
        shutil.copy2(source, target)
    return f"{folder}/{name}"


def make_bundle(job_path: str, out_dir: str, copy_audio: bool = False, nproc_per_node: int = 1,
                python: str = "python3") -> Dict[str, Any]:
    """Write the bundle; returns {"dir", "command", "job"}."""
    spec = load_job(job_path)  # validates and resolves every path
    with open(job_path, "r", encoding="utf-8") as handle:
        job: Dict[str, Any] = json.load(handle)
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    package = os.path.dirname(os.path.abspath(__file__))
    target_pkg = os.path.join(out_dir, "openbeats_trainer")
    if os.path.exists(target_pkg):
        shutil.rmtree(target_pkg)
    shutil.copytree(package, target_pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    data = dict(job.get("data") or {})
    data.pop("root", None)
    items: List[Dict[str, Any]] = []
    for raw, parsed in zip(data.get("items") or [], spec.data.items):
        entry = dict(raw)
        entry["path"] = _copy(parsed.path, "audio", out_dir) if copy_audio else parsed.path
        items.append(entry)
    data["items"] = items
    job["data"] = data
    model = dict(job.get("model") or {})
    for key in ("checkpoint", "config_yaml", "token_list"):
        value: Optional[str] = getattr(spec.model, key)
        if value:
            model[key] = _copy(value, "model", out_dir)
    job["model"] = model
    hparams = dict(job.get("hparams") or {})
    for key in ("tokenizer", "teacher"):
        value = hparams.get(key)
        if isinstance(value, str) and value not in ("", "random"):
            absolute = value if os.path.isabs(value) else os.path.join(spec.base_dir, value)
            hparams[key] = _copy(absolute, "model", out_dir)
    job["hparams"] = hparams
    job["output_dir"] = "output"
    job["device"] = "auto"
    with open(os.path.join(out_dir, "job.json"), "w", encoding="utf-8") as handle:
        json.dump(job, handle, indent=1)
    script = os.path.join(out_dir, "run.sh")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(_RUN_SH.format(python=python, nproc=nproc_per_node))
    os.chmod(script, 0o755)
    command = (f"{python} -m torch.distributed.run --nnodes=1 --node_rank=0 --master_addr=127.0.0.1 "
               f"--master_port=29500 --nproc_per_node={nproc_per_node} -m openbeats_trainer job.json")
    with open(os.path.join(out_dir, "README.txt"), "w", encoding="utf-8") as handle:
        handle.write("OpenBEATs Studio training bundle\n\n"
                     f"Needs Python with torch ≥ 1.13, torchaudio, numpy, pyyaml.\nRun: ./run.sh   (= {command})\n"
                     "Progress is printed as JSON lines. Result: output/model.pt (import it back into the app).\n"
                     + ("" if copy_audio else "Audio paths in job.json are absolute paths of the original machine.\n"))
    return {"dir": out_dir, "command": command, "job": os.path.join(out_dir, "job.json")}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openbeats_trainer.bundle")
    parser.add_argument("job")
    parser.add_argument("out_dir")
    parser.add_argument("--copy-audio", action="store_true", help="copy audio into the bundle (portable)")
    parser.add_argument("--nproc-per-node", type=int, default=1)
    parser.add_argument("--python", default="python3")
    args = parser.parse_args(argv)
    result = make_bundle(args.job, args.out_dir, args.copy_audio, args.nproc_per_node, args.python)
    print(json.dumps({"type": "done", "status": "completed", "outputs": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
