"""The SDK's request models built from parsed JSON, with the per-type work done once.

ask-sdk-core's ``DefaultSerializer`` rebuilds its plan on every request: it imports each
nested model class by name, matches regular expressions on type strings such as
``list[ask_sdk_model.slu.entityresolution.resolution.Resolution]`` and copies each class's
attribute map, about a fifth of a warm request. ``ModelReader`` makes the same objects the
same way (same casts, same discriminators, unknown keys set as attributes, failures as the
SDK's ``SerializationException``), but resolves each type string to a reader function the
first time it meets it. A JSON object is read by walking its own keys (not every attribute
its class declares), and a value that already is the primitive type a field declares, or
None, is taken as it is without a call.
tests/test_model_reader.py holds it equal to the SDK's on every envelope we have and on
fuzzed ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from importlib import import_module
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

Reader = Callable[[Any], Any]

_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")


class ModelReader:
    """``read(data, type)`` is ``DefaultSerializer``'s private deserialise step, planned once per type."""

    def __init__(self) -> None:
        self._sdk = DefaultSerializer()  # its date step (dateutil), for the few date fields
        self._readers: dict[Any, Reader] = {}

    def read(self, payload: Any, obj_type: Any) -> Any:
        try:
            return self._reader(obj_type)(payload)
        except SerializationException:
            raise
        except Exception as error:  # as the SDK: whatever the payload breaks is a SerializationException
            raise SerializationException(str(error)) from error

    def _reader(self, obj_type: Any) -> Reader:
        reader = self._readers.get(obj_type)
        if reader is None:
            reader = self._readers[obj_type] = self._plan(obj_type)
        return reader

    def _plan(self, obj_type: Any) -> Reader:
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                return self._list_plan(obj_type)
            if obj_type.startswith("dict("):
                return self._dict_plan(obj_type)
            native = DefaultSerializer.NATIVE_TYPES_MAPPING.get(obj_type)
            obj_type = native if native is not None else _load_class(obj_type)
        if obj_type in DefaultSerializer.PRIMITIVE_TYPES:
            return _primitive_reader(obj_type)
        if obj_type is object:
            return _nullable(lambda payload: payload)
        if obj_type is date or obj_type is datetime:
            sdk_step = self._sdk._DefaultSerializer__deserialize_datetime  # type: ignore[attr-defined]
            return _nullable(lambda payload: sdk_step(payload, obj_type))
        return self._model_plan(obj_type)

    def _list_plan(self, obj_type: str) -> Reader:
        match = _LIST.match(obj_type)
        if match is None:
            return _nullable(lambda payload: [])
        inner = match.group(1)
        if "," in inner:
            types = [name.strip() for name in inner.split(",")]
            return _nullable(
                lambda payload: [self._reader(kind)(item) for item, kind in zip(payload, types, strict=False)]
            )
        kind = inner.strip()
        return _nullable(lambda payload: [self._reader(kind)(item) for item in payload])

    def _dict_plan(self, obj_type: str) -> Reader:
        match = _DICT.match(obj_type)
        if match is None:
            return _nullable(lambda payload: {})
        kind = match.group(2)
        return _nullable(lambda payload: {key: self._reader(kind)(value) for key, value in payload.items()})

    def _model_plan(self, model: Any) -> Reader:
        if issubclass(model, Enum):
            return _nullable(model)
        if not hasattr(model, "deserialized_types"):
            return _nullable(lambda payload: payload)
        if not hasattr(model, "get_real_child_model"):
            return self._fields_reader(model)
        children: dict[str, Reader] = {}

        def by_discriminator(payload: Any) -> Any:
            if payload is None:
                return None
            name = model.get_real_child_model(payload)
            if not name:
                raise SerializationException(f"no {model.__name__} for this discriminator")
            reader = children.get(name)
            if reader is None:
                reader = children[name] = self._fields_reader(_load_class(name))
            return reader(payload)

        return by_discriminator

    def _fields_reader(self, model: Any) -> Reader:
        """The model's fields, read by the type each declares. A JSON object (what a parsed
        body holds) is read by its own keys; any other payload takes the SDK's steps as they
        are (an empty string or list is an empty model, anything else fails as it does there)."""
        types: dict[str, str] = model.deserialized_types
        names = {**getattr(model, "attribute_map", {})}
        names.update({name: name for name in types if name not in names})
        fields = [(attribute, key, types[attribute]) for attribute, key in names.items()]
        known = set(names.values())
        declared = {key: (attribute, kind) for attribute, key, kind in fields}
        # JSON key -> (attribute, reader, the type a value already has when it needs no
        # reading), resolved the first time a payload holds the key: a field's class is
        # imported only when a request carries it (all of them made a cold launch a third dearer).
        by_key: dict[str, tuple[str, Reader, Any]] = {}

        def field_of(key: str) -> tuple[str, Reader, Any] | None:
            if key not in declared:
                return None
            attribute, kind = declared[key]
            found = by_key[key] = (attribute, self._reader(kind), _plain(kind))
            return found

        def read_object(payload: dict[str, Any]) -> Any:
            instance = model()
            unknown = False
            for key, value in payload.items():
                field = by_key.get(key) or field_of(key)
                if field is None:
                    unknown = True
                elif value is None or type(value) is field[2]:  # what every reader returns as it is
                    setattr(instance, field[0], value)
                else:
                    setattr(instance, field[0], field[1](value))
            if unknown:  # after the fields, in the payload's order, as the SDK sets them
                for key, value in payload.items():
                    if key not in known and not hasattr(model, key):  # never "__dict__" or a method
                        setattr(instance, key, value)
            return instance

        def read_other(payload: Any) -> Any:
            instance = model()
            for attribute, key, kind in fields:
                if key in payload:
                    setattr(instance, attribute, self._reader(kind)(payload[key]))
            for key in payload:
                if key not in known and not hasattr(model, key):
                    setattr(instance, key, payload[key])
            return instance

        def read_fields(payload: Any) -> Any:
            if type(payload) is dict:
                return read_object(payload)
            return None if payload is None else read_other(payload)

        return read_fields


def _plain(kind: str) -> type | None:
    """The primitive type named ``kind`` (a value of exactly that type is read as it is)."""
    native = DefaultSerializer.NATIVE_TYPES_MAPPING.get(kind)
    return native if native in DefaultSerializer.PRIMITIVE_TYPES else None


def _nullable(reader: Reader) -> Reader:
    return lambda payload: None if payload is None else reader(payload)


def _primitive_reader(kind: type) -> Reader:
    def read(payload: Any) -> Any:
        if payload is None or type(payload) is kind:
            return payload
        try:
            return kind(payload)
        except UnicodeEncodeError:
            return str(payload)
        except TypeError:
            return payload
        except ValueError as error:
            raise SerializationException(f"not a {kind.__name__}") from error

    return read


def _load_class(name: str) -> Any:
    module, _, attribute = name.rpartition(".")
    try:
        return getattr(import_module(module or "ask_sdk_core.serialize"), attribute)
    except Exception as error:
        raise SerializationException(f"no model class {name}") from error
