"""The web endpoint's verification rules one at a time, each at the edge where it decides:
the tolerance of a timestamp to the second, the certificate URL to the character, the chain
download to the byte, a chain through an intermediate, the failure memory to the entry.

Each test here kills mutants that the mutation run (`make mutation`, docs/mutation.md) found
surviving: the rule was there, but no test could tell it from a looser one."""

from __future__ import annotations

import json
import threading
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest

from tests.test_web import FORGED_SIGNATURE, _chain_server, _hanging_server
from tools.alexa_signing import CHAIN_URL, Authority
from tools.envelopes import envelope, intent_request
from web.verification import (
    CONCURRENT_FETCHES,
    MAX_CHAIN_BYTES,
    MAX_URL_CHARS,
    REMEMBERED_FAILURES,
    AlexaRequestVerifier,
    VerificationException,
    check_timestamp,
    normalised_chain_url,
)

SENT = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
CHAIN_DIR = "https://s3.amazonaws.com/echo.api/"


@pytest.fixture(scope="module")
def root() -> Authority:
    return Authority.create("Test Alexa Root")


def _sent(request_type: str) -> dict[str, str]:
    return {"type": request_type, "timestamp": SENT.isoformat().replace("+00:00", "Z")}


def _body() -> bytes:
    return json.dumps(envelope(intent_request("NeckIntent"))).encode()


def _unsigned(chain_url: str) -> dict[str, str]:
    return {"Signature-256": FORGED_SIGNATURE, "SignatureCertChainUrl": chain_url}


@pytest.mark.parametrize("timestamp", ["2026-11-25T14:00:00", None])
def test_a_timestamp_without_a_time_zone_or_none_at_all_is_refused_as_such(timestamp):
    """Refused by the rule, not by an error in the date arithmetic (the host would answer
    both with the same 400, and only its log would tell them apart)."""
    with pytest.raises(VerificationException, match=r"^timestamp missing or without a time zone$"):
        check_timestamp({"type": "IntentRequest", "timestamp": timestamp}, now=SENT)


def test_a_request_150_seconds_old_is_accepted_and_a_second_older_refused():
    check_timestamp(_sent("IntentRequest"), now=SENT + timedelta(seconds=150))
    check_timestamp(_sent("IntentRequest"), now=SENT - timedelta(seconds=150))
    with pytest.raises(VerificationException, match=r"^timestamp outside the tolerance$"):
        check_timestamp(_sent("IntentRequest"), now=SENT + timedelta(seconds=151))


def test_a_skill_event_may_be_up_to_an_hour_old():
    check_timestamp(_sent("AlexaSkillEvent.SkillEnabled"), now=SENT + timedelta(minutes=60))
    with pytest.raises(VerificationException, match=r"^timestamp outside the tolerance$"):
        check_timestamp(_sent("IntentRequest"), now=SENT + timedelta(minutes=60))
    with pytest.raises(VerificationException, match=r"^timestamp outside the tolerance$"):
        check_timestamp(_sent("AlexaSkillEvent.SkillEnabled"), now=SENT + timedelta(minutes=60, seconds=1))


def test_a_certificate_url_of_the_maximum_length_is_accepted_and_one_longer_refused():
    longest = CHAIN_DIR + "a" * (MAX_URL_CHARS - len(CHAIN_DIR) - len(".pem")) + ".pem"
    assert len(longest) == MAX_URL_CHARS
    assert normalised_chain_url(longest) == longest
    with pytest.raises(VerificationException):
        normalised_chain_url(longest.replace(".pem", "a.pem"))


def test_a_backslash_in_the_certificate_url_is_refused():
    with pytest.raises(VerificationException):
        normalised_chain_url(CHAIN_DIR + "..\\..\\elsewhere\\chain.pem")


def test_a_body_given_as_text_is_verified_as_its_utf8_bytes(root):
    """The SDK's verifier interface takes the body as bytes or str; the host gives bytes."""
    signer = root.issue()
    body = json.dumps(envelope(intent_request("NeckIntent")), ensure_ascii=False).encode()
    verifier = AlexaRequestVerifier([root.der], {CHAIN_URL: signer.chain_pem})
    verifier.verify(signer.headers(body), body.decode("utf-8"))


def test_a_chain_through_an_intermediate_authority_is_verified(root):
    """Alexa's chain files hold the signing certificate and the intermediates up to a root."""
    signer = Authority.create("Test Alexa Intermediate", issuer=root).issue()
    body = _body()
    AlexaRequestVerifier([root.der], {CHAIN_URL: signer.chain_pem}).verify(signer.headers(body), body)


def test_a_signing_certificate_not_meant_for_signatures_is_refused(root):
    signer = root.issue(digital_signature=False)
    body = _body()
    verifier = AlexaRequestVerifier([root.der], {CHAIN_URL: signer.chain_pem})
    with pytest.raises(VerificationException, match=r"^certificate chain is not valid$"):
        verifier.verify(signer.headers(body), body)


def _padded(chain: bytes, size: int) -> bytes:
    """``chain`` after a comment line, ``size`` bytes in all (PEM readers skip the comment)."""
    return b"#" * (size - len(chain) - 1) + b"\n" + chain


@pytest.mark.parametrize(("size", "accepted"), [(MAX_CHAIN_BYTES, True), (MAX_CHAIN_BYTES + 1, False)])
def test_a_chain_download_of_the_maximum_size_is_accepted_and_one_byte_more_refused(root, size, accepted):
    signer = root.issue()
    body = _body()
    with _chain_server(_padded(signer.chain_pem, size)) as (origin, _asked):
        verifier = AlexaRequestVerifier([root.der], origin=origin)
        if accepted:
            verifier.verify(signer.headers(body), body)
        else:
            with pytest.raises(VerificationException, match=r"^certificate download too large or too slow$"):
                verifier.verify(signer.headers(body), body)
        assert verifier.fetches == 1


def test_the_failure_memory_keeps_the_most_recent_failures_and_counts_every_download(root):
    urls = [f"{CHAIN_DIR}failing-{number}.pem" for number in range(REMEMBERED_FAILURES + 1)]
    with _chain_server(b"not a certificate chain") as (origin, asked):
        verifier = AlexaRequestVerifier([root.der], origin=origin)
        for url in urls:
            with pytest.raises(VerificationException, match=r"^certificate chain is not valid$"):
                verifier.verify(_unsigned(url), b"{}")
        assert verifier.fetches == len(asked) == len(urls)
        for url in urls[1:]:  # remembered: refused without a download
            with pytest.raises(VerificationException, match=r"^certificate chain failed recently$"):
                verifier.verify(_unsigned(url), b"{}")
        assert verifier.fetches == len(urls)
        # The oldest failure was forgotten: downloaded again.
        with pytest.raises(VerificationException, match=r"^certificate chain is not valid$"):
            verifier.verify(_unsigned(urls[0]), b"{}")
        assert verifier.fetches == len(asked) == len(urls) + 1


def test_a_download_beyond_the_concurrent_ones_is_refused_at_once_not_queued(root):
    with _hanging_server() as (origin, accepted):
        verifier = AlexaRequestVerifier([root.der], origin=origin)

        def refused(url: str) -> None:
            with suppress(VerificationException):  # cut at the fetch timeout
                verifier.verify(_unsigned(url), b"{}")

        hanging = [
            threading.Thread(target=refused, args=(f"{CHAIN_DIR}hanging-{number}.pem",))
            for number in range(CONCURRENT_FETCHES)
        ]
        for thread in hanging:
            thread.start()
        while len(accepted) < CONCURRENT_FETCHES and any(thread.is_alive() for thread in hanging):
            time.sleep(0.01)
        with pytest.raises(VerificationException, match=r"^too many certificate downloads$"):
            verifier.verify(_unsigned(f"{CHAIN_DIR}one-more.pem"), b"{}")
        assert verifier.fetches == CONCURRENT_FETCHES
        for thread in hanging:
            thread.join()
