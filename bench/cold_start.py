"""Cold start: a fresh interpreter imports a Lambda entry point and answers its first request."""

from __future__ import annotations

import statistics
import subprocess
from pathlib import Path

# Runs in the fresh interpreter: time from before the import to the first response.
_PROBE = """
import time
started = time.perf_counter()
import sys
sys.path.insert(0, sys.argv[1])
import lambda_function
import json
with open(sys.argv[2]) as handle:
    event = json.load(handle)
lambda_function.handler(event, None)
sys.stderr.write(repr(time.perf_counter() - started))
"""


def cold_start_ms(python: str, entry_dir: Path, event_file: Path, extra_path: Path | None = None) -> float:
    env = {"PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING"}
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    result = subprocess.run(
        [python, "-c", _PROBE, str(entry_dir), str(event_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    return float(result.stderr.strip().splitlines()[-1]) * 1000


def interleaved_cold_starts(
    python: str, contenders: dict[str, tuple[Path, Path | None]], event_file: Path, runs: int
) -> dict[str, dict[str, float]]:
    """Median cold start per contender (entry dir, extra PYTHONPATH), runs interleaved so
    that machine noise falls on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, (entry_dir, extra_path) in contenders.items():
            samples[name].append(cold_start_ms(python, entry_dir, event_file, extra_path))
    return {
        name: {"median_ms": statistics.median(values), "min_ms": min(values), "runs": runs}
        for name, values in samples.items()
    }
