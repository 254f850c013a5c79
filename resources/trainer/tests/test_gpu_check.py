"""gpu_check.py --smoke: the device check script runs end to end on a CPU."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO_ROOT, TRAINER_ROOT
from helpers_process import trainer_env


def test_gpu_check_smoke_runs_and_reports_every_figure(tmp_path):
    # onnxruntime-node stands in for the Python package (not installed here, present on the device)
    env = trainer_env({"OPENBEATS_NODE_MODULES": os.path.join(REPO_ROOT, "node_modules")})
    done = subprocess.run([sys.executable, os.path.join(TRAINER_ROOT, "gpu_check.py"), "--smoke", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=280, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["smoke"] and report["architecture"] == "tiny"
    assert report["finetune"]["steps"] == 2 and report["finetune"]["samples_per_s"] > 0
    embed = report["embed"]
    assert embed["audio_s"] == 36.0 and embed["recordings"] == 2
    for stage in ("decode", "fbank", "encoder"):
        assert stage in embed
    assert embed["encoder"]["audio_s_per_s"] > 0 and embed["projected_minutes_for_1000_hours"] > 0
    assert report["embed_fp32_vs_run"]["clip_min"] > 0.999999
    ort = report["vs_onnxruntime"]
    assert "error" not in ort, ort.get("error")
    assert ort["export_parity"]["status"] == "ok" and ort["embed_precision"] == "fp32"
    # the first recording (30 s) compared window by window: 3 s windows every 1 s
    assert ort["windows"] == 30
    for run in ("embed", "embed_fp32"):
        assert ort[run]["clip"] > 0.99999 and ort[run]["window_min"] > 0.99999
