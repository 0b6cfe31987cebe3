"""The second opinion's weights as the artifact carries them: packed at build time.

``data/question_model.json`` holds about 76,000 coefficients, written with at most five
decimals; parsing it made a float object and a list per feature on the first question,
about a sixth of a cold start, and it is a fifth of the zipped artifact. The Lambda build
(``tools/artifact.py``) replaces it with ``data/question_model.marshal``: the labels and
intercepts as they are, and every coefficient as an integer count of 1e-5, packed as one
array of 32-bit integers stored a byte plane at a time (every number's lowest byte, then every
second byte, ...): nearly all counts are small, so the high planes are long runs that the
deployment zip squeezes to almost nothing (the zipped weights fall from about 345 KB to
about 210 KB). ``n / 100000`` is the double nearest n/10^5, which is what parsing the decimal gave,
so every value is the JSON's bit for bit (the build checks each one and refuses to pack
otherwise). A row becomes doubles when a query first reads its feature: a question reads a
few dozen of the thousands, and converting them all cost a cold start's first question
about 4 ms. The development tree has no packed file and reads the JSON; a
tree holding both uses the packed file only if it was built from that very JSON.
"""

from __future__ import annotations

import marshal
import os
import zlib
from array import array
from collections.abc import Iterator, Mapping
from itertools import repeat
from operator import truediv
from typing import Any

from skill.data_files import data_path, read_json

PACKED_SUFFIX = ".marshal"
SCALE = 100_000.0  # the coefficients' precision in the JSON: five decimals
_COUNT_TYPE = "i"  # 32-bit counts: a coefficient of up to about 21,000 in magnitude
_COUNT_BYTES = array(_COUNT_TYPE).itemsize


class PackedModelError(ValueError):
    """A model the packed form cannot hold exactly."""


def byte_planes(counts: array[int]) -> bytes:
    """The counts' bytes regrouped by position in the number: all lowest bytes first."""
    raw = counts.tobytes()
    return b"".join(raw[plane :: counts.itemsize] for plane in range(counts.itemsize))


class PackedRows(Mapping[str, "array[float]"]):
    """Feature -> its row of numbers: each row gathered from the byte planes and made into
    doubles when it is first read (a query reads a few dozen of the thousands), then kept."""

    def __init__(self, names: list[str], planes: bytes, width: int) -> None:
        self._planes = planes
        self._plane_size = len(planes) // _COUNT_BYTES
        # Built in C (zip, range): a comprehension over the thousands of names cost twice as much.
        self._start = dict(zip(names, range(0, len(names) * width, width), strict=True))
        self._rows: dict[str, array[float]] = {}
        self.width = width  # every row's

    def __getitem__(self, name: str) -> array[float]:
        row = self._rows.get(name)
        if row is None:
            start = self._start[name]
            gathered = bytearray(_COUNT_BYTES * self.width)
            for plane in range(_COUNT_BYTES):
                begin = plane * self._plane_size + start
                gathered[plane::_COUNT_BYTES] = self._planes[begin : begin + self.width]
            counts = array(_COUNT_TYPE)
            counts.frombytes(gathered)
            row = self._rows[name] = array("d", map(truediv, counts, repeat(SCALE)))
        return row

    def __contains__(self, name: object) -> bool:
        return name in self._start

    def __iter__(self) -> Iterator[str]:
        return iter(self._start)

    def __len__(self) -> int:
        return len(self._start)


def checksum(name: str) -> int:
    with open(data_path(name), "rb") as handle:
        return zlib.crc32(handle.read())


def packed_name(name: str) -> str:
    """The packed file's name in data/: ``question_model.json`` -> ``question_model.marshal``."""
    return name.removesuffix(".json") + PACKED_SUFFIX


def pack(name: str) -> bytes:
    """The bundled model ``name`` packed for the artifact; raises PackedModelError unless
    every row has the same width and every number is a whole count of 1e-5."""
    document = read_json(name)
    features: dict[str, list[float]] = document.pop("features")
    width = len(next(iter(features.values()), []))
    counts = array(_COUNT_TYPE)
    for feature, row in features.items():
        if len(row) != width:
            raise PackedModelError(f"{name}: {feature!r} has {len(row)} numbers, not {width}")
        for value in row:
            count = round(value * SCALE)
            if count / SCALE != value:
                raise PackedModelError(f"{name}: {feature!r} holds {value!r}, finer than 1e-5")
            counts.append(count)
    packed = {"document": document, "names": list(features), "planes": byte_planes(counts), "width": width}
    return marshal.dumps({**packed, "source": checksum(name)})


def unpacked(packed: dict[str, Any], source: int | None) -> dict[str, Any] | None:
    """The document a packed file holds, unless it was built from a JSON other than the one
    with checksum ``source`` (None: no JSON beside it, as in the artifact)."""
    if source is not None and packed["source"] != source:
        return None
    return {**packed["document"], "features": PackedRows(packed["names"], packed["planes"], packed["width"])}


def read_model(name: str) -> dict[str, Any]:
    """The model document ``name``: from its packed file when there is one for this JSON."""
    path = data_path(packed_name(name))
    if os.path.exists(path):
        with open(path, "rb") as handle:
            packed = marshal.loads(handle.read())  # load(handle) reads the file in small pieces
        source = checksum(name) if os.path.exists(data_path(name)) else None
        document = unpacked(packed, source)
        if document is not None:
            return document
    json_document: dict[str, Any] = read_json(name)
    return json_document
