"""``python -m tools safety-report``: the before/after safety figures, measured, into docs/safety.md.

"Before" is the code at ``BEFORE_COMMIT`` (measured on a clean copy of it), "after" this
checkout; both on the same phrase sets, through the real Lambda handler. The figures go
between two markers in docs/safety.md, so no figure there is typed by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.safety_eval import BEFORE_COMMIT, HERE, SPLITS, all_locales, measure, measure_at_commit

DOC = HERE / "docs" / "safety.md"
START, END = "<!-- safety-report:start -->", "<!-- safety-report:end -->"
PATHS = (
    ("free_text", "free text (catch-all)"),
    ("direct", "said directly (simulator)"),
    ("intent", "the intent"),
)


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "-"


def _cells(path: str, found: dict[str, Any]) -> list[str]:
    ordinary, emergencies = found["ordinary"], found["emergencies"]
    routed = _share(found["routed_to_safety_intent"], emergencies) if path == "direct" else "-"
    cells = [
        _share(found["caught"], emergencies),
        _share(found["self_harm_crisis_line"], found["self_harm"]),
        routed,
    ]
    if not ordinary:
        return [*cells, "-", "-", "-"]
    return [
        *cells,
        _share(found["false_alarm_ended"], ordinary),
        _share(found["alarm_sentence"], ordinary),
        _share(found["answered_right"], found["with_answer_expected"]),
    ]


def rows(figures: dict[str, Any], label: str) -> list[str]:
    rows = []
    for locale, per_path in figures.items():
        for path, name in PATHS:
            if path in per_path:
                rows.append("| " + " | ".join([label, locale, name, *_cells(path, per_path[path])]) + " |")
    return rows


def render(split: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    header = [
        f"#### `{split}` sets: `emergency_{split}.tsv`, `alarming_ordinary_{split}.tsv`",
        "",
        "| code | locale | path | emergencies caught | self-harm with the crisis line "
        "| routed to a safety intent | ordinary: false alarm (session ended) "
        "| ordinary: emergency sentence first | ordinary: right answer |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    return header + rows(before, f"before ({BEFORE_COMMIT})") + rows(after, "after") + [""]


def report(splits: tuple[str, ...] = SPLITS) -> str:
    lines = [START, "", f"Measured by `python -m tools safety-report` (before: commit {BEFORE_COMMIT}).", ""]
    for split in splits:
        lines += render(split, measure_at_commit(BEFORE_COMMIT, split), measure(all_locales(), split))
    return "\n".join([*lines, END])


def write(doc: Path = DOC) -> Path:
    """Replace the figures between the markers; the rest of the document is left alone."""
    text = doc.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, found, tail = rest.partition(END)
    if not found:
        raise ValueError(f"{doc}: needs the markers {START} and {END}")
    doc.write_text(head + report() + tail, encoding="utf-8")
    return doc
