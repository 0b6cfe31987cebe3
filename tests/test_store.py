"""The answer store: faithful to the seed, and refused with a precise message when broken."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pytest

from skill.store import DEFAULT_STORE_PATH, MAX_SPOKEN_WORDS, StoreError, parse_store

# The seed, copied into the repository unchanged; its provenance: tests/data/seed/README.md.
SEED = Path(__file__).resolve().parent / "data" / "seed" / "000_a9205084f2acdfdc.txt"
SEED_SHA256 = "76d0a620032c3ae31437a5a48d8f4308f0d70873b0676b2d33574b16817fc3e5"


def _raw_store() -> dict:
    return json.loads(Path(DEFAULT_STORE_PATH).read_text(encoding="utf-8"))


def _broken(mutate) -> dict:
    document = copy.deepcopy(_raw_store())
    mutate(document["entries"])
    return document


def test_bundled_store_has_thirteen_complete_entries(store):
    assert len(store.entries) == 13
    for entry in store.entries:
        assert entry.question.endswith("?")
        assert entry.card_title and entry.card_text and entry.related
        assert len(entry.speech.split()) <= MAX_SPOKEN_WORDS


def test_every_seed_question_is_in_the_store(store):
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256
    seed = SEED.read_text(encoding="utf-8")
    questions = {entry.question for entry in store.entries}
    seed_questions = {line.strip() for line in seed.splitlines() if line.strip().endswith("?")}
    # The seed's last question is scraped as "When do trigger points hurt do they hurt?".
    assert questions - seed_questions == {"When do trigger points hurt?"}
    assert len(seed_questions - questions) == 1


def test_spoken_answers_keep_the_seeds_key_terms(store):
    """A guard against drifting facts: each spoken answer names what its seed answer names."""
    key_terms = {
        "release_upper_back": ["golf ball", "tennis ball", "massag"],
        "causes_upper_back": ["trapezius", "exercise", "inactivity", "posture", "head down"],
        "muscle_relaxers": ["Robaxin", "Flexeril", "Soma", "may or may not"],
        "pressure_point": ["Triple Energizer 3", "fourth finger", "pinky"],
        "pinched_nerve_symptoms": ["pain", "numbness", "tingling", "weakness"],
        "release_trapped_nerve": ["posture", "standing workstation", "rest", "splint"],
        "relieve_pain": ["ice pack", "heating pad", "Massaging"],
        "top_of_back_hurts": ["poor posture", "overuse", "injury", "physical therapist", "ribcage"],
        "doctor": ["gynecologists", "Orthopedic surgeons", "pelvic"],
        "upper_back_trigger_points": ["pectoralis major", "shoulder blades", "elbow"],
        "upper_trapezius": ["neck", "skull", "lower jaw", "headache"],
        "when_they_hurt": ["Active", "Latent", "touched"],
        "neck": ["back of the neck", "shoulder blades"],
    }
    for entry in store.entries:
        spoken = entry.speech + " " + (entry.more or "")
        for term in key_terms[entry.id]:
            assert term in spoken, f"{entry.id} no longer says {term!r}"


def test_no_spoken_answer_keeps_scraped_list_debris(store):
    for entry in store.entries:
        for text in filter(None, (entry.speech, entry.more)):
            assert "…" not in text and "...." not in text and "•" not in text
            assert not re.search(r"\b\d+ Treatments\b", text)


@pytest.mark.parametrize(
    ("mutate", "entry_id", "field"),
    [
        (lambda entries: entries[0].pop("speech"), "release_upper_back", "speech"),
        (lambda entries: entries[1].update(card_title=""), "causes_upper_back", "card_title"),
        (lambda entries: entries[4].update(id=entries[0]["id"]), "release_upper_back", "id"),
        (lambda entries: entries[3].update(related=["nowhere"]), "pressure_point", "related"),
        (lambda entries: entries[4].update(speech="word " * 81), "pinched_nerve_symptoms", "speech"),
        (lambda entries: entries[5].update(more="word " * 90), "release_trapped_nerve", "more"),
        (lambda entries: entries[6].update(samples=entries[6]["samples"][:5]), "relieve_pain", "samples"),
        (lambda entries: entries[7]["samples"].append("what is 3 plus 4"), "top_of_back_hurts", "samples"),
        (lambda entries: entries[8]["samples"].append(entries[0]["samples"][0]), "doctor", "samples"),
        (
            lambda entries: entries[9].update(speech="Call {doctor} now."),
            "upper_back_trigger_points",
            "speech",
        ),
        (lambda entries: entries[10].update(related=["upper_trapezius"]), "upper_trapezius", "related"),
        (lambda entries: entries[11].update(keywords="pain"), "when_they_hurt", "keywords"),
    ],
)
def test_a_broken_store_names_the_entry_and_field(mutate, entry_id, field):
    with pytest.raises(StoreError) as raised:
        parse_store(_broken(mutate))
    assert raised.value.entry_id == entry_id
    assert raised.value.field == field
    assert repr(entry_id) in str(raised.value) and repr(field) in str(raised.value)


def test_a_store_without_entries_is_refused():
    with pytest.raises(StoreError, match="entries"):
        parse_store({"entries": []})
    with pytest.raises(StoreError, match="entries"):
        parse_store(["not", "an", "object"])
