"""Synthetic answer stores of any size, for the retrieval-scale benchmark.

Words follow a Zipf-like distribution, as in real text: a few appear in many entries
(like "pain" or "back"), most in a handful; each entry also has words of its own.
"""

from __future__ import annotations

import itertools
import random

from skill.store import AnswerStore, Entry

VOCABULARY_SIZE = 20_000
SAMPLES_PER_ENTRY = 20


def _word(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    index += 26 * 26  # at least three letters, so no word is a stopword or stems oddly
    while index:
        index, remainder = divmod(index, 26)
        word += letters[remainder]
    return word + "x"


class _Words:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = [_word(index) for index in range(VOCABULARY_SIZE)]
        # Cumulative once: given plain weights, choices() would sum all 20,000 on every call.
        weights = (1 / (rank + 1) ** 1.07 for rank in range(VOCABULARY_SIZE))
        self.cumulative = list(itertools.accumulate(weights))

    def common(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def rare(self, count: int) -> list[str]:
        return self.rng.sample(self.words[1000:], count)


def synthetic_store(size: int, seed: int = 7) -> tuple[AnswerStore, list[str]]:
    """A store of ``size`` entries and queries for it (paraphrases of entries, plus noise)."""
    rng = random.Random(seed)
    words = _Words(rng)
    entries, queries = [], []
    for number in range(size):
        own = words.rare(4)

        def phrase(own: list[str] = own) -> str:
            return " ".join(rng.sample(own, 2) + words.common(rng.randint(3, 5)))

        entries.append(
            Entry(
                id=f"entry_{number}",
                topic=phrase(),
                question=phrase(),
                keywords=tuple(own),
                samples=tuple(phrase() for _ in range(SAMPLES_PER_ENTRY)),
                speech="An answer.",
                more=None,
                card_title="Title",
                card_text="Text.",
                related=(),
            )
        )
        if number % max(1, size // 200) == 0:
            queries.append(phrase())
            queries.append(" ".join(words.common(4)))
    return AnswerStore(tuple(entries)), queries
