"""The process interface the app's job host uses: stdout is JSON lines only, exit codes, --check."""

from __future__ import annotations

import json

from helpers_process import parse_lines, start, write_job


def test_check_prints_the_environment_as_one_done_line():
    process = start(["--check"])
    out, _ = process.communicate(timeout=120)
    lines = parse_lines(out)
    assert process.returncode == 0 and len(lines) == 1
    env = lines[0]["environment"]
    assert lines[0]["type"] == "done" and env["torch"] and env["cuda_available"] in (True, False)
    assert isinstance(env["gpus"], list) and env["python"].count(".") == 2


def test_a_broken_job_file_gives_an_error_line_and_exit_code_1(tmp_path):
    path = tmp_path / "job.json"
    path.write_text("{not json")
    process = start([str(path)])
    out, _ = process.communicate(timeout=120)
    lines = parse_lines(out)
    assert process.returncode == 1 and lines[-1]["type"] == "error" and lines[-1]["code"] == "INVALID_REQUEST"


def test_library_output_never_reaches_stdout(tmp_path):
    # export makes torch print tracer warnings; tokenizer kind random finishes at once
    job = {"type": "tokenizer", "output_dir": str(tmp_path / "out"), "hparams": {"kind": "random"}, "device": "cpu",
           "seed": 3}
    process = start([write_job(str(tmp_path / "job.json"), job)])
    out, err = process.communicate(timeout=120)
    lines = parse_lines(out)
    assert process.returncode == 0, err
    assert [m["type"] for m in lines] == ["log", "done"]
    assert json.dumps(lines[-1]["outputs"]["seed"]) == "3"
