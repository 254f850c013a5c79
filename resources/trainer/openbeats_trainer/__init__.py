"""OpenBEATs trainer: fine-tuning, continued pre-training, tokenizer training, GPU embedding and
ONNX export for OpenBEATs Studio, driven by a job.json and speaking JSON lines on stdout."""

__version__ = "0.1.0"
