"""The SDK's serializer, made cheaper per request without changing what it produces.

The ASK SDK's serializer walks every dict and list of a response in Python; the APL
document alone (about 5 KB of nested JSON) cost about 90 us a request that way. Parts
already in JSON form are marked ``Serialized`` and handed on as they are. They are shared
between responses, so nothing may modify them after they are built.

Per model object, the SDK also works out again which attributes its class has and what they
are called in JSON (a dict built and merged per object); here that is worked out once per
class (a fixed set: the SDK's own models), and plain lists, dicts and scalars are walked
directly. Anything else (enums, dates, tuples, other objects) goes the SDK's own way.
Reading requests is ``skill/model_reader.py``'s.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.serialize import DefaultSerializer

_SCALARS = frozenset({str, int, float, bool, type(None)})


class Serialized(dict[str, Any]):
    """JSON-ready data (str keys; str, number, bool, None, list and dict values only)."""

    @property
    def object_type(self) -> Any:
        """What the SDK's response builder reads of a directive it is given."""
        return self.get("type")


# Per model class: (attribute, JSON name) in the order the SDK writes them.
_LAYOUTS: dict[type, tuple[tuple[str, str], ...]] = {}


def _layout(cls: Any) -> tuple[tuple[str, str], ...]:
    found = _LAYOUTS.get(cls)
    if found is None:
        attribute_map: dict[str, str] = getattr(cls, "attribute_map", {})
        found = tuple((name, attribute_map.get(name, name)) for name in cls.deserialized_types)
        _LAYOUTS[cls] = found
    return found


class StaticPartsSerializer(DefaultSerializer):
    """The SDK's serializer: ``Serialized`` parts pass through untouched, and the SDK's
    models take a shorter path to the same result."""

    def serialize(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _SCALARS or kind is Serialized:
            return obj
        layout = _LAYOUTS.get(kind)
        if layout is None and "deserialized_types" in kind.__dict__:
            layout = _layout(kind)
        if layout is not None:
            result = {}
            for attribute, name in layout:
                value = getattr(obj, attribute)
                if value is not None:
                    result[name] = value if type(value) in _SCALARS else self.serialize(value)
            return result
        if kind is list:
            return [self.serialize(item) for item in obj]
        if kind is dict:
            return {key: self.serialize(value) for key, value in obj.items()}
        return super().serialize(obj)
