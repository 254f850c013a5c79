"""Run an exported ONNX graph on one input with onnxruntime — the Python package when installed,
else onnxruntime-node (the app ships it) — to compare with PyTorch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Dict, Optional, Tuple

import numpy as np

_NODE_RUNNER = r"""
const fs = require('fs');
const ort = require('onnxruntime-node');
const [modelPath, inputPath, shapeJson, outDir, threads] = process.argv.slice(2);
(async () => {
  const buf = fs.readFileSync(inputPath);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: Number(threads) });
  const outputs = await session.run({ fbank: new ort.Tensor('float32', data, JSON.parse(shapeJson)) });
  const dims = {};
  for (const [name, t] of Object.entries(outputs)) {
    fs.writeFileSync(`${outDir}/${name}.bin`, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    dims[name] = t.dims;
  }
  fs.writeFileSync(`${outDir}/dims.json`, JSON.stringify(dims));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
"""


def _python_ort(model: str, fbank: np.ndarray, threads: int) -> Optional[Tuple[str, Dict[str, np.ndarray]]]:
    try:
        import onnxruntime as ort
    except Exception:
        return None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    values = session.run(names, {"fbank": fbank})
    return f"onnxruntime {ort.__version__} (python)", dict(zip(names, values))


def _node_ort(model: str, fbank: np.ndarray, node: str, node_modules: str,
              threads: int) -> Tuple[str, Dict[str, np.ndarray]]:
    with tempfile.TemporaryDirectory(prefix="obt-ort-") as tmp:
        runner = os.path.join(tmp, "run.cjs")
        with open(runner, "w", encoding="utf-8") as handle:
            handle.write(_NODE_RUNNER)
        fbank.astype("<f4").tofile(os.path.join(tmp, "input.bin"))
        env = dict(os.environ, NODE_PATH=node_modules)
        done = subprocess.run([node, runner, model, os.path.join(tmp, "input.bin"), json.dumps(list(fbank.shape)), tmp,
                               str(threads)],
                              env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed: {done.stderr.strip()[-2000:]}")
        with open(os.path.join(tmp, "dims.json"), "r", encoding="utf-8") as handle:
            dims = json.load(handle)
        outputs = {name: np.fromfile(os.path.join(tmp, f"{name}.bin"), dtype="<f4").reshape(shape)
                   for name, shape in dims.items()}
    return "onnxruntime-node", outputs


def run_onnx(model: str, fbank: np.ndarray, node: Optional[str] = None, node_modules: Optional[str] = None,
             threads: int = 1) -> Tuple[Optional[str], Optional[Dict[str, np.ndarray]], Optional[str]]:
    """(runtime description, outputs, reason when no runtime was available); `threads` = onnxruntime's
    intra-op threads."""
    found = _python_ort(model, fbank, threads)
    if found is not None:
        return found[0], found[1], None
    node = node or os.environ.get("OPENBEATS_NODE") or shutil.which("node")
    node_modules = node_modules or os.environ.get("OPENBEATS_NODE_MODULES")
    if node and node_modules and os.path.isdir(os.path.join(node_modules, "onnxruntime-node")):
        name, outputs = _node_ort(model, fbank, node, node_modules, threads)
        return name, outputs, None
    return None, None, "no onnxruntime: install the Python package or set OPENBEATS_NODE_MODULES to a node_modules " \
                       "folder holding onnxruntime-node"
