"""Training the catch-all's second opinion (skill/second_opinion.py) at generate time.

Trained with scikit-learn on every sample the declared model holds: each answer's
question and samples, each guard category's samples, all the fallback's samples and
the emergency, poisoning and crisis samples, so that the classifier learns what is *not*
an answer as well as what is. The weights go to ``skill/data/question_model.json``; the
skill infers from them in pure Python. Deterministic, so a test retrains and compares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.data_files import data_path
from skill.guards import FALLBACK_INTENT, load_guards
from skill.safety import safety_rules
from skill.second_opinion import MODEL_FILE, question_features, safety_label
from skill.store import AnswerStore
from tools.model import load_template
from tools.training import REGULARISATION, linear_weights, same_within_tolerance

QUESTION_MODEL = Path(data_path(MODEL_FILE))
NOT_ANSWERED = "none"  # the fallback's samples: near the topic, nothing in the store


def question_samples(store: AnswerStore) -> list[tuple[str, str]]:
    """(text, label): an entry id, ``guard:<category>``, ``none`` or ``safety:<reply>`` (the
    reply a safety intent gets: emergency, poisoning or crisis)."""
    samples = [(text, entry.id) for entry in store.entries for text in (entry.question, *entry.samples)]
    for guard in load_guards(store).categories:
        label = NOT_ANSWERED if guard.intent is None else f"guard:{guard.id}"
        samples += [(text, label) for text in guard.samples]
    # The fallback's own samples (other health topics, requests that are not about health):
    # without them every unfamiliar request sounds closest to the safety intents' samples.
    samples += [(text, NOT_ANSWERED) for text in load_template()["builtin_intents"][FALLBACK_INTENT]]
    rules = safety_rules()
    for name, texts in rules.samples.items():
        samples += [(text, safety_label(rules.intents[name])) for text in texts]
    return samples


def fit_question_model(samples: list[tuple[str, str]]) -> Any:
    """Balanced classes: the emergency intents hold far more samples than any answer."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from threadpoolctl import threadpool_limits

    pipeline = make_pipeline(
        TfidfVectorizer(analyzer=question_features, sublinear_tf=True),
        LogisticRegression(C=REGULARISATION, max_iter=5000, class_weight="balanced"),
    )
    with threadpool_limits(1):
        pipeline.fit([text for text, _ in samples], [label for _, label in samples])
    return pipeline


def question_model_document(store: AnswerStore) -> dict[str, Any]:
    return {
        "about": "The catch-all's second opinion, trained from the declared samples by "
        "tools/question_model.py (python -m tools model). features: name -> [idf, coefficient per label].",
        **linear_weights(fit_question_model(question_samples(store))),
    }


def write_question_model(store: AnswerStore, path: Path = QUESTION_MODEL) -> Path:
    path.write_text(
        json.dumps(question_model_document(store), separators=(",", ":")) + "\n", encoding="utf-8"
    )
    return path


def question_model_drifted(store: AnswerStore, path: Path = QUESTION_MODEL) -> bool:
    """The committed weights differ from a fresh training on the committed store."""
    if not path.exists():
        return True
    return not same_within_tolerance(
        json.loads(path.read_text(encoding="utf-8")), question_model_document(store)
    )
