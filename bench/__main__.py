"""``python -m bench``: our skill side by side with a bare ASK SDK skill, in one run.

Absolute times on shared machines are noisy, so every figure that matters is a ratio
against the baseline measured in the same run. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import artifact, cold_start, retrieval, warm
from tools.envelopes import envelope, intent_request, launch_request

ROOT = Path(__file__).resolve().parents[1]
BASELINE_DIR = ROOT / "bench" / "baseline"
TARGETS = {"cold_start": 1.2, "warm_p50": 1.3, "retrieval_ms_10000": 1.0}


def _ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline else float("inf")


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        event_file = Path(scratch) / "launch.json"
        event_file.write_text(json.dumps(envelope(launch_request())))
        results["cold_start"] = cold_start.interleaved_cold_starts(
            args.python,
            {"ours": (ROOT / "lambda", ROOT), "baseline": (BASELINE_DIR, None)},
            event_file,
            args.cold_runs,
        )
        if not args.skip_size:
            results["artifact"] = {
                name: artifact.size(artifact.build(target, Path(scratch) / name, args.python))
                for name, target in (("ours", "SkillFunction"), ("baseline", "BaselineFunction"))
            }

    ours = warm.load_handler(ROOT / "lambda" / "lambda_function.py", "ours_lambda_function")
    warm.quiet_logs()
    baseline = warm.load_handler(BASELINE_DIR / "lambda_function.py", "baseline_lambda_function")
    baseline_events = [
        ("launch", envelope(launch_request())),
        ("hello", envelope(intent_request("HelloWorldIntent"))),
    ]
    results["warm"] = warm.measure_interleaved(
        {"ours": (ours, warm.realistic_mix(ours)), "baseline": (baseline, baseline_events)}, args.requests
    )
    results["retrieval"] = [retrieval.retrieval_scale(size, args.retrieval_repeats) for size in args.sizes]
    return results


def table(results: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    rows: list[tuple[str, float, float | None, str]] = []
    cold = results["cold_start"]
    rows.append(
        (
            "cold start, median ms",
            cold["ours"]["median_ms"],
            cold["baseline"]["median_ms"],
            f"<= {TARGETS['cold_start']}x",
        )
    )
    ours_warm, base_warm = results["warm"]["ours"], results["warm"]["baseline"]
    base_launch = base_warm["launch"]
    rows.append(
        (
            "warm p50 ms, our mix vs their launch",
            ours_warm["all"]["p50_ms"],
            base_launch["p50_ms"],
            f"<= {TARGETS['warm_p50']}x",
        )
    )
    rows.append(
        ("warm p99 ms, our mix vs their launch", ours_warm["all"]["p99_ms"], base_launch["p99_ms"], "")
    )
    for kind in ("launch", "answer", "catch-all", "yes", "stop"):
        rows.append((f"warm p50 ms, {kind}", ours_warm[kind]["p50_ms"], base_launch["p50_ms"], ""))
    for scale in results["retrieval"]:
        target = f"< {TARGETS['retrieval_ms_10000']:g} ms" if scale["entries"] == 10_000 else ""
        rows.append((f"catch-all ms/query, {scale['entries']} entries", scale["ms_per_query"], None, target))
    for scale in results["retrieval"]:
        rows.append((f"index build ms, {scale['entries']} entries", scale["index_build_ms"], None, ""))
    if "artifact" in results:
        sizes = results["artifact"]
        for key, label in (
            ("zipped_bytes", "artifact MB zipped"),
            ("unzipped_bytes", "artifact MB unzipped"),
        ):
            rows.append((label, sizes["ours"][key] / 1e6, sizes["baseline"][key] / 1e6, ""))
    old = {row[0]: row[1] for row in table_rows(previous)} if previous else {}
    header = f"{'benchmark':<44}{'ours':>10}{'baseline':>10}{'ratio':>8}  {'target':<9}"
    lines = [header + (f"{'previous':>10}" if old else "")]
    for label, mine, theirs, target in rows:
        ratio = f"{_ratio(mine, theirs):.2f}x" if theirs else ""
        theirs_text = f"{theirs:.3f}" if theirs is not None else ""
        line = f"{label:<44}{mine:>10.3f}{theirs_text:>10}{ratio:>8}  {target:<9}"
        if old:
            line += f"{old[label]:>10.3f}" if label in old else f"{'':>10}"
        lines.append(line)
    return lines


def table_rows(results: dict[str, Any]) -> list[tuple[str, float, float | None, str]]:
    """The rows of an earlier run, for the ``previous`` column."""
    return [(row["label"], row["ours"], row["baseline"], "") for row in results.get("rows", [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--python", default=sys.executable, help="the interpreter for cold starts")
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--requests", type=int, default=5000, help="warm requests per contender")
    parser.add_argument("--sizes", type=int, nargs="+", default=[13, 1000, 10_000])
    parser.add_argument("--retrieval-repeats", type=int, default=5)
    parser.add_argument("--skip-size", action="store_true", help="skip building the two artifacts")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--compare", type=Path, help="an earlier JSON output to show beside this run")
    args = parser.parse_args(argv)

    previous = json.loads(args.compare.read_text()) if args.compare else None
    results = run(args)
    lines = table(results, previous)
    print(f"Python {platform.python_version()} on {platform.machine()}, {datetime.date.today()}")
    print("\n".join(lines))
    rows = [
        {
            "label": line[:44].strip(),
            "ours": float(line[44:54]),
            "baseline": float(line[54:64]) if line[54:64].strip() else None,
        }
        for line in lines[1:]
    ]
    document = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "date": datetime.date.today().isoformat(),
        "results": results,
        "rows": rows,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
