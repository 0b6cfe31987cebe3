"""The second opinion's weights as the artifact carries them: packed at build time, read
per feature on use.

``data/question_model.json`` holds about 76,000 coefficients; parsing it made a float
object and a list per feature on the first question, about a sixth of a cold start. The
Lambda build (``tools/artifact.py``) packs the same numbers into ``data/question_model.marshal``
(the labels and intercepts as they are, the coefficients as one array of doubles, so every
value is bit for bit the JSON's) with a checksum of the JSON it came from; a row is sliced out
only when a query has that feature. Without the packed file, or beside a JSON it was not
built from (the development tree), the JSON is read as before.
"""

from __future__ import annotations

import marshal
import os
import zlib
from array import array
from collections.abc import Iterator, Mapping
from typing import Any

from skill.data_files import data_path, read_json

PACKED_SUFFIX = ".marshal"


class PackedRows(Mapping[str, "array[float]"]):
    """Feature -> its row of numbers, sliced from one array of doubles."""

    def __init__(self, names: list[str], values: bytes, width: int) -> None:
        self._start = {name: number * width for number, name in enumerate(names)}
        self._values = array("d")
        self._values.frombytes(values)
        self._width = width

    def __getitem__(self, name: str) -> array[float]:
        start = self._start[name]
        return self._values[start : start + self._width]

    def __contains__(self, name: object) -> bool:
        return name in self._start

    def __iter__(self) -> Iterator[str]:
        return iter(self._start)

    def __len__(self) -> int:
        return len(self._start)

    def values(self) -> list[array[float]]:  # type: ignore[override]  # every row, in one pass
        width = self._width
        return [self._values[start : start + width] for start in range(0, len(self._values), width)]


def checksum(name: str) -> int:
    with open(data_path(name), "rb") as handle:
        return zlib.crc32(handle.read())


def packed_name(name: str) -> str:
    """The packed twin's file name in data/: ``question_model.json`` -> ``question_model.marshal``."""
    return name.removesuffix(".json") + PACKED_SUFFIX


def pack(name: str) -> bytes:
    """The bundled model ``name`` packed, for the artifact (rows of equal width)."""
    document = read_json(name)
    features: dict[str, list[float]] = document.pop("features")
    widths = {len(row) for row in features.values()}
    width = widths.pop() if len(widths) == 1 else 0
    values = array("d", (value for row in features.values() for value in row)) if width else array("d")
    return marshal.dumps(
        {
            "source": checksum(name),
            "document": document,
            "names": list(features) if width else [],
            "values": values.tobytes(),
            "width": width,
        }
    )


def unpacked(packed: dict[str, Any], source: int) -> dict[str, Any] | None:
    """The document a packed twin holds, if it was built from the JSON with checksum ``source``."""
    if not packed["width"] or packed["source"] != source:
        return None
    return {**packed["document"], "features": PackedRows(packed["names"], packed["values"], packed["width"])}


def read_model(name: str) -> dict[str, Any]:
    """The model document ``name``: from its packed twin when one was built from this JSON."""
    path = data_path(packed_name(name))
    if os.path.exists(path):
        with open(path, "rb") as handle:
            document = unpacked(marshal.load(handle), checksum(name))
        if document is not None:
            return document
    json_document: dict[str, Any] = read_json(name)
    return json_document
