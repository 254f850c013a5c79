"""gpu_check.py --smoke: the device check script runs end to end on a CPU."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import TRAINER_ROOT
from helpers_process import trainer_env


def test_gpu_check_smoke_runs_and_reports_every_figure(tmp_path):
    done = subprocess.run([sys.executable, os.path.join(TRAINER_ROOT, "gpu_check.py"), "--smoke", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=280, env=trainer_env())
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
