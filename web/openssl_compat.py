"""Lets the SDK's request verifier (through certvalidator) import on OpenSSL 3.0.10 and newer.

oscrypto 1.3.0 (the latest release, pulled in by ask-sdk-webservice-support through
certvalidator) reads the OpenSSL version with the pattern ``\\d\\.\\d\\.\\d[a-z]*``, which
does not match "3.0.10", so importing it raises ``LibraryNotFoundError: Error detecting
the version of libcrypto``. Upstream fixed the pattern (``\\d+`` for the patch number,
wbond/oscrypto#76) but never released it.

``apply()`` loads oscrypto's two libcrypto modules from their own source with that one
pattern corrected, before anything else imports them. It changes nothing where oscrypto
is absent, already fixed, or already imported.
"""

from __future__ import annotations

import importlib.util
import sys

BROKEN_PATTERN = "'\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d[a-z]*)\\\\b'"
FIXED_PATTERN = "'\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d+[a-z]*)\\\\b'"
MODULES = ("oscrypto._openssl._libcrypto_cffi", "oscrypto._openssl._libcrypto_ctypes")


def _load_fixed(name: str) -> bool:
    """Execute one module with the corrected pattern; False when it needs no fix."""
    if name in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        return False
    if spec is None or spec.origin is None or spec.loader is None:
        return False
    with open(spec.origin, encoding="utf-8") as handle:
        source = handle.read()
    if BROKEN_PATTERN not in source:
        return False
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        exec(compile(source.replace(BROKEN_PATTERN, FIXED_PATTERN), spec.origin, "exec"), module.__dict__)
    except ImportError:
        # The cffi flavour needs cffi; oscrypto then uses the ctypes one.
        del sys.modules[name]
        return False
    return True


def apply() -> list[str]:
    """Fix what needs fixing; returns the modules that were loaded with the corrected pattern."""
    return [name for name in MODULES if _load_fixed(name)]
