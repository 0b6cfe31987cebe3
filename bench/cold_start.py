"""Cold start as Lambda runs it: a fresh interpreter, read-only code (``-B``: nothing is
compiled to disk), imports a Lambda entry point and answers its first request."""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path
from typing import Any

# Runs in the fresh interpreter: from before the import to the first response, as CPU time
# (what the work costs, whatever else the machine is doing) and as wall time.
_PROBE = """
import time
cpu, wall = time.process_time(), time.perf_counter()
import sys
sys.path.insert(0, sys.argv[1])
import lambda_function
import json
with open(sys.argv[2]) as handle:
    event = json.load(handle)
lambda_function.handler(event, None)
sys.stderr.write(json.dumps([time.process_time() - cpu, time.perf_counter() - wall]))
"""

# Lambda's environment as far as the code can tell: the template's log level, nothing else.
ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LOG_LEVEL": "INFO"}


def cold_start_ms(
    python: str, entry_dir: Path, event_file: Path, source_tree: Path | None = None
) -> tuple[float, float]:
    """(CPU ms, wall ms) of one cold start: of a built artifact, isolated (no site-packages),
    or of ``source_tree`` in a development environment."""
    flags = ["-I", "-S", "-B"] if source_tree is None else []
    environment = ENVIRONMENT if source_tree is None else {**ENVIRONMENT, "PYTHONPATH": str(source_tree)}
    result = subprocess.run(
        [python, *flags, "-c", _PROBE, str(entry_dir), str(event_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=True,
        env=environment,
    )
    cpu, wall = json.loads(result.stderr.strip().splitlines()[-1])
    return cpu * 1000, wall * 1000


def interleaved_cold_starts(
    python: str, contenders: dict[str, tuple[Path, Path]], runs: int, source_tree: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Medians per contender (entry dir, first event), runs interleaved so that machine
    noise falls on all of them alike."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, (entry_dir, event_file) in contenders.items():
            samples[name].append(cold_start_ms(python, entry_dir, event_file, source_tree))
    return {
        name: {
            "cpu_ms": statistics.median(cpu for cpu, _ in values),
            "wall_ms": statistics.median(wall for _, wall in values),
            "runs": runs,
        }
        for name, values in samples.items()
    }
