"""One module per job type; each exposes `run(spec, runtime, emitter, stop) -> dict` (the `done` fields)."""
