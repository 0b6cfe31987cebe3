"""The second opinion's weights as the artifact packs them: the same numbers bit for bit, the
same probabilities, and never a pack of some other JSON."""

from __future__ import annotations

import marshal
from array import array
from pathlib import Path

import pytest

from skill.data_files import read_json
from skill.linear_model import LinearModel
from skill.packed_model import PackedRows, byte_planes, checksum, pack, unpacked
from skill.second_opinion import MODEL_FILE, question_features

DEV_SETS = sorted((Path(__file__).parent / "data" / "eval").glob("*_dev*.tsv"))


def _utterances() -> list[str]:
    lines = (line for path in DEV_SETS for line in path.read_text(encoding="utf-8").splitlines())
    return [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]


def test_the_packed_model_holds_the_jsons_numbers_and_gives_its_probabilities():
    document = read_json(MODEL_FILE)
    packed = unpacked(marshal.loads(pack(MODEL_FILE)), checksum(MODEL_FILE))
    assert packed is not None
    assert {key: value for key, value in packed.items() if key != "features"} == {
        key: value for key, value in document.items() if key != "features"
    }
    assert list(packed["features"]) == list(document["features"])
    assert all(list(packed["features"][name]) == row for name, row in document["features"].items())
    assert [list(row) for row in packed["features"].values()] == list(document["features"].values())
    assert "no such feature" not in packed["features"]
    from_json, from_pack = LinearModel(document), LinearModel(packed)
    utterances = _utterances()
    assert len(utterances) > 300
    for utterance in utterances:
        features = question_features(utterance)
        assert from_pack.probabilities(features) == from_json.probabilities(features), utterance


def test_a_pack_of_another_json_is_not_used_and_without_a_json_the_pack_is():
    packed = marshal.loads(pack(MODEL_FILE))
    assert unpacked(packed, checksum(MODEL_FILE) ^ 1) is None
    alone = unpacked(packed, None)
    assert alone is not None and alone["labels"] == read_json(MODEL_FILE)["labels"]


def test_packed_rows_of_the_wrong_width_are_refused():
    packed = marshal.loads(pack(MODEL_FILE))
    document = unpacked(packed, None)
    assert document is not None
    width = packed["width"]
    assert width == len(document["labels"]) + 1
    LinearModel(document)  # as packed
    counts = array("i", range(width - 1))
    narrower = PackedRows(packed["names"][:1], byte_planes(counts), width - 1)
    with pytest.raises(ValueError, match="one coefficient per label"):
        LinearModel({**document, "features": narrower})
