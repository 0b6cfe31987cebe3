"""The oscrypto shim: needed on this OpenSSL, effective, and a no-op where not needed."""

from __future__ import annotations

import re
import ssl
import subprocess
import sys

import pytest

from web.openssl_compat import BROKEN_PATTERN, FIXED_PATTERN, _load_fixed

MODULE_TEMPLATE = """
import re
version_match = re.search({pattern}, "OpenSSL 3.0.19 27 Jan 2026")
version = version_match.group(1) if version_match else None
"""


def _openssl_patch_release() -> int:
    match = re.match(r"OpenSSL \d+\.\d+\.(\d+)", ssl.OPENSSL_VERSION)
    return int(match.group(1)) if match else 0


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    package = tmp_path / "fake_oscrypto_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    for name in [name for name in sys.modules if name.startswith("fake_oscrypto_pkg")]:
        del sys.modules[name]


def test_without_the_shim_oscrypto_cannot_read_this_openssl_version():
    if _openssl_patch_release() < 10:
        pytest.skip(f"{ssl.OPENSSL_VERSION} is read correctly by oscrypto 1.3.0")
    result = subprocess.run(
        [sys.executable, "-c", "import certvalidator"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Error detecting the version of libcrypto" in result.stderr


def test_with_the_shim_the_real_modules_load_and_read_the_version():
    code = (
        "import web\n"
        "from oscrypto._openssl._libcrypto import libcrypto_version_info\n"
        "import ssl, re\n"
        "found = re.match(r'OpenSSL (\\d+)\\.(\\d+)\\.(\\d+)', ssl.OPENSSL_VERSION)\n"
        "expected = tuple(int(part) for part in found.groups())\n"
        "assert libcrypto_version_info[:3] == expected, (libcrypto_version_info, expected)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_broken_module_is_loaded_with_the_fixed_pattern(fake_package):
    (fake_package / "broken.py").write_text(MODULE_TEMPLATE.format(pattern=BROKEN_PATTERN))
    assert _load_fixed("fake_oscrypto_pkg.broken") is True
    assert sys.modules["fake_oscrypto_pkg.broken"].version == "3.0.19"
    assert _load_fixed("fake_oscrypto_pkg.broken") is False  # already imported: left alone


def test_an_already_fixed_module_is_left_to_the_normal_import(fake_package):
    (fake_package / "fixed.py").write_text(MODULE_TEMPLATE.format(pattern=FIXED_PATTERN))
    assert _load_fixed("fake_oscrypto_pkg.fixed") is False
    assert "fake_oscrypto_pkg.fixed" not in sys.modules


def test_absent_modules_and_missing_dependencies_are_skipped(fake_package):
    assert _load_fixed("fake_oscrypto_pkg.absent") is False
    assert _load_fixed("no_such_package_at_all.module") is False
    (fake_package / "needs_cffi.py").write_text(
        "import no_such_cffi_module\n" + MODULE_TEMPLATE.format(pattern=BROKEN_PATTERN)
    )
    assert _load_fixed("fake_oscrypto_pkg.needs_cffi") is False
    assert "fake_oscrypto_pkg.needs_cffi" not in sys.modules
