"""Response parts that never change, serialised once instead of on every request.

The ASK SDK's serializer walks every dict and list of a response in Python; the APL
document alone (about 5 KB of nested JSON) cost about 90 us a request that way. Parts
already in JSON form are marked ``Serialized`` and handed on as they are. They are shared
between responses, so nothing may modify them after they are built.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.serialize import DefaultSerializer


class Serialized(dict[str, Any]):
    """JSON-ready data (str keys; str, number, bool, None, list and dict values only)."""

    @property
    def object_type(self) -> Any:
        """What the SDK's response builder reads of a directive it is given."""
        return self.get("type")


class StaticPartsSerializer(DefaultSerializer):
    """The SDK's serializer, passing ``Serialized`` parts through untouched."""

    def serialize(self, obj: Any) -> Any:
        if isinstance(obj, Serialized):
            return obj
        return super().serialize(obj)
