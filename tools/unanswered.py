"""What people ask that the store cannot answer: a summary of ``unanswered_query`` log events.

Reads JSON log lines as the skill writes them, including CloudWatch exports where each
line may carry a prefix before the JSON object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from skill.text import normalize


@dataclass
class QuerySummary:
    query: str
    count: int = 0
    locales: set[str] = field(default_factory=set)
    best_score: float = 0.0


def _events(lines: Iterable[str]) -> Iterable[dict]:
    for line in lines:
        start = line.find("{")
        if start < 0:
            continue
        try:
            document = json.loads(line[start:])
        except ValueError:
            continue
        if isinstance(document, dict):
            yield document


def summarize(lines: Iterable[str]) -> list[QuerySummary]:
    """Unanswered queries, most frequent first (ties alphabetically)."""
    summaries: dict[str, QuerySummary] = {}
    for event in _events(lines):
        query = event.get("query")
        if event.get("event") != "unanswered_query" or not isinstance(query, str):
            continue
        key = normalize(query)
        summary = summaries.setdefault(key, QuerySummary(key))
        summary.count += 1
        if isinstance(event.get("locale"), str):
            summary.locales.add(event["locale"])
        score = event.get("best_score")
        if isinstance(score, int | float):
            summary.best_score = max(summary.best_score, float(score))
    return sorted(summaries.values(), key=lambda summary: (-summary.count, summary.query))


def render(summaries: list[QuerySummary]) -> list[str]:
    if not summaries:
        return ["no unanswered queries"]
    lines = [f"{'count':>6}  {'best score':>10}  {'locales':<12} query"]
    for summary in summaries:
        locales = ",".join(sorted(summary.locales))
        lines.append(f"{summary.count:>6}  {summary.best_score:>10.2f}  {locales:<12} {summary.query}")
    total = sum(summary.count for summary in summaries)
    lines.append(f"{total} unanswered queries, {len(summaries)} distinct")
    return lines
