"""The algorithms of the SM suite are the standards' own: known answers from the standards'
examples, and GCM over SM4 as RFC 8998 gives it; HMAC is RFC 2104's construction."""

import hashlib

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given
from hypothesis import strategies as st

from onestop import crypto_suite


@pytest.mark.parametrize(
    ("message", "digest", "source"),
    [
        (
            b"abc",
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
            "GB/T 32905-2016 appendix A, example 1",
        ),
        (
            b"abcd" * 16,
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
            "GB/T 32905-2016 appendix A, example 2",
        ),
    ],
)
def test_sm3_gives_the_standards_known_answers(message, digest, source):
    assert crypto_suite.hexdigest("sm3", message) == digest, source


def test_sm4_gives_the_standards_known_answer():
    """GB/T 32907-2016 appendix A, example 1: key = plaintext = 0123456789abcdeffedcba9876543210."""
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()

    ciphertext = encryptor.update(key) + encryptor.finalize()

    assert ciphertext.hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_gives_rfc_8998s_known_answer(monkeypatch):
    """RFC 8998 appendix A.1 (SM4-GCM): the nonce is the example's, not a random one."""
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    associated = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    monkeypatch.setattr(crypto_suite.os, "urandom", lambda size: nonce)

    sealed = crypto_suite.sm4_gcm_seal(key, plaintext, associated)

    assert sealed[:12] == nonce
    assert sealed[12:-16].hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert sealed[-16:].hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    assert crypto_suite.sm4_gcm_open(key, sealed, associated) == plaintext


def rfc2104(digest: str, key: bytes, message: bytes) -> bytes:
    """HMAC written out from RFC 2104 over the suite's digest (block of 64 bytes for both)."""

    def h(data: bytes) -> bytes:
        return bytes.fromhex(crypto_suite.hexdigest(digest, data))

    key = h(key) if len(key) > 64 else key
    key = key.ljust(64, b"\0")
    inner = bytes(k ^ 0x36 for k in key)
    outer = bytes(k ^ 0x5C for k in key)
    return h(outer + h(inner + message))


@given(
    digest=st.sampled_from(["sha256", "sm3"]),
    key=st.binary(min_size=1, max_size=100),
    message=st.binary(max_size=300),
)
def test_hmac_of_either_digest_is_rfc_2104(digest, key, message):
    assert crypto_suite.mac(digest, key, message) == rfc2104(digest, key, message)


@given(message=st.binary(max_size=300))
def test_sha256_is_hashlibs(message):
    assert crypto_suite.hexdigest("sha256", message) == hashlib.sha256(message).hexdigest()


@given(
    plaintext=st.binary(max_size=2000),
    associated=st.binary(max_size=64),
    flip=st.integers(min_value=0),
)
def test_sm4_gcm_round_trips_and_any_changed_byte_fails(plaintext, associated, flip):
    key = bytes(range(16))
    sealed = crypto_suite.sm4_gcm_seal(key, plaintext, associated)
    assert crypto_suite.sm4_gcm_open(key, sealed, associated) == plaintext

    changed = bytearray(sealed)
    changed[flip % len(changed)] ^= 0x01
    with pytest.raises(InvalidTag):
        crypto_suite.sm4_gcm_open(key, bytes(changed), associated)
    with pytest.raises(InvalidTag):
        crypto_suite.sm4_gcm_open(key, sealed, associated + b"elsewhere")


def test_two_seals_of_the_same_value_differ():
    """Random 96-bit nonces: equal values give unequal ciphertexts."""
    key = bytes(range(16))
    assert crypto_suite.sm4_gcm_seal(key, b"E00000001", b"") != crypto_suite.sm4_gcm_seal(
        key, b"E00000001", b""
    )


def test_a_key_keeps_its_id_whichever_suite_is_configured(settings):
    settings.ONESTOP_CRYPTO_SUITE = "international"
    international = crypto_suite.key_id("some key")
    settings.ONESTOP_CRYPTO_SUITE = "sm"
    assert crypto_suite.key_id("some key") == international
    assert crypto_suite.digest_algorithm() == "sm3"
