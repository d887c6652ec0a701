"""The encryption we send with (handbook/notify/push/ece.py), and http_ece (what the fake push service decrypts
with), checked against RFC 8291 Appendix A."""
from __future__ import annotations

import os

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from handbook.notify.push.ece import KeyCache, Subscriber, encrypt
from tests.notify.fake_push import b64, unb64

PLAINTEXT = b"When I grow up, I want to be a watermelon"
AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
AS_PUBLIC = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
SALT = "DGv6ra1nlYgDCS1FRnbzlw"
BODY = ("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6P"
        "Bru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")


def _private(raw: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(unb64(raw), "big"), ec.SECP256R1())


def test_rfc8291_appendix_a_encrypts_to_the_published_body():
    body = http_ece.encrypt(PLAINTEXT, salt=unb64(SALT), private_key=_private(AS_PRIVATE), dh=unb64(UA_PUBLIC),
                            auth_secret=unb64(AUTH), version="aes128gcm", rs=4096)
    assert b64(body) == BODY


def test_rfc8291_appendix_a_decrypts_with_the_user_agent_key():
    assert http_ece.decrypt(unb64(BODY), private_key=_private(UA_PRIVATE), auth_secret=unb64(AUTH),
                            version="aes128gcm") == PLAINTEXT
    public = _private(AS_PRIVATE).public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    assert b64(public) == AS_PUBLIC


def test_our_encryption_gives_the_rfc8291_appendix_a_body():
    to = Subscriber(UA_PUBLIC, AUTH)
    body = encrypt(PLAINTEXT, to, salt=unb64(SALT), private_key=_private(AS_PRIVATE))
    assert b64(body) == BODY


def test_our_encryption_uses_a_fresh_key_and_salt_per_message_and_decrypts():
    ua = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    to = KeyCache().get(b64(ua.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)), b64(auth))
    first, second = encrypt(PLAINTEXT, to), encrypt(PLAINTEXT, to)
    assert first[:16] != second[:16] and first[21:86] != second[21:86]  # salt, then the sender's public key
    for body in (first, second):
        assert http_ece.decrypt(body, private_key=ua, auth_secret=auth, version="aes128gcm") == PLAINTEXT
    with pytest.raises(ValueError):
        encrypt(b"x" * 4080, to)


@pytest.mark.parametrize("change", ["off the curve", "compressed", "short"])
def test_keys_that_are_not_an_uncompressed_p256_point_are_refused(change):
    raw = bytearray(unb64(UA_PUBLIC))
    if change == "off the curve":
        raw[-1] ^= 1
    elif change == "compressed":
        raw = bytearray([2 + raw[-1] % 2]) + raw[1:33]
    else:
        raw = raw[:40]
    with pytest.raises(ValueError):
        Subscriber(b64(bytes(raw)), AUTH)


def test_salts_are_never_handed_out_twice_not_even_across_fork():
    import multiprocessing

    from handbook.notify.push.ece import salt_pool

    mine = [salt_pool.take() for _ in range(600)]  # more than two blocks
    assert len(set(mine)) == len(mine) and all(len(salt) == 16 for salt in mine)
    salt_pool.take()  # the parent's pool now holds unused salts a child inherits
    reader, writer = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=lambda: writer.send([salt_pool.take() for _ in range(5)]))
    child.start()
    theirs = reader.recv()
    child.join()
    ours = [salt_pool.take() for _ in range(5)]
    assert not set(theirs) & set(ours)
