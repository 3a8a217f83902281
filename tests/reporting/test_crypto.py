"""Tests of the reporting channel's cryptography (arusha.reporting.crypto).

Personas: Alice reports; Bob handles her report; Charlie is a handler not assigned to it;
Dana is a custodian who decides whether Bob may see Alice's identity.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey

from arusha.reporting import attachments, crypto
from arusha.reporting.crypto import (
    CROCKFORD_ALPHABET,
    PRODUCTION_KDF,
    DecryptionFailed,
    HandlerKeyBundle,
    InvalidPepper,
    InvalidReceipt,
    InvalidRecoveryKey,
    KdfParams,
    KeyUnlockFailed,
    MalformedBundle,
    NoRecipients,
    bundle_needs_rewrap,
    check_peppers,
    create_handler_keys,
    grant_report_key,
    new_identity_keys,
    new_pepper,
    new_receipt,
    new_report_keys,
    normalise_receipt,
    open_identity,
    open_report_content,
    open_with_receipt_key,
    pepper_from_text,
    pepper_to_text,
    receipt_lookup_id,
    receipt_unlock_key,
    recover_handler_key,
    reset_password_with_recovery,
    rewrap_handler_key,
    rotate_recovery_key,
    seal_for_report,
    seal_submission,
    seal_to_receipt_key,
    unlock_handler_key,
    unwrap_report_key,
)

# Cheapest Argon2id the library accepts: the tests check behaviour, the benchmark checks cost.
FAST = KdfParams(time_cost=1, memory_kib=8, parallelism=1)
MARKER = b"MARKER-bribe-at-berth-7-Tema-port"
RECEIPT_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


def flip(data: bytes, index: int = -1) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


@pytest.fixture
def peppers() -> tuple[bytes, bytes]:
    return new_pepper(), new_pepper()


@pytest.fixture
def bob():
    return create_handler_keys("bob's long passphrase", FAST)


# --- Report content and grants ------------------------------------------------------------


def test_report_content_round_trips_through_the_report_key():
    keys = new_report_keys()
    sealed = seal_for_report(keys.public_key, MARKER)
    assert open_report_content(keys.private_key, sealed) == MARKER


def test_the_report_public_key_can_be_passed_as_stored_bytes():
    keys = new_report_keys()
    sealed = seal_for_report(keys.public_bytes, b"answers")
    assert open_report_content(keys.private_key, sealed) == b"answers"


def test_another_reports_key_cannot_open_the_content():
    sealed = seal_for_report(new_report_keys().public_key, b"answers")
    with pytest.raises(DecryptionFailed):
        open_report_content(new_report_keys().private_key, sealed)


@pytest.mark.parametrize("index", [0, 31, 40, -1])
def test_a_flipped_byte_in_content_is_detected(index):
    keys = new_report_keys()
    sealed = seal_for_report(keys.public_key, b"answers")
    with pytest.raises(DecryptionFailed):
        open_report_content(keys.private_key, flip(sealed, index))


def test_truncated_content_is_detected():
    keys = new_report_keys()
    sealed = seal_for_report(keys.public_key, b"answers")
    for length in (0, 10, len(sealed) - 1):
        with pytest.raises(DecryptionFailed):
            open_report_content(keys.private_key, sealed[:length])


def test_the_same_plaintext_seals_differently_each_time():
    keys = new_report_keys()
    assert seal_for_report(keys.public_key, MARKER) != seal_for_report(keys.public_key, MARKER)


def test_a_granted_report_key_unwraps_for_its_handler_only(bob):
    report = new_report_keys()
    charlie = create_handler_keys("charlie's passphrase", FAST)
    wrapped = grant_report_key(report.private_key, bob.bundle.handler_public_key)
    bob_key = unlock_handler_key(bob.bundle, "bob's long passphrase")
    assert unwrap_report_key(wrapped, bob_key).encode() == report.private_key.encode()
    charlie_key = unlock_handler_key(charlie.bundle, "charlie's passphrase")
    with pytest.raises(DecryptionFailed):
        unwrap_report_key(wrapped, charlie_key)


def test_a_tampered_grant_is_detected():
    report, handler = new_report_keys(), PrivateKey.generate()
    wrapped = grant_report_key(report.private_key, handler.public_key)
    with pytest.raises(DecryptionFailed):
        unwrap_report_key(flip(wrapped), handler)


def test_messages_in_both_directions_are_readable_by_reporter_and_handler(bob, peppers):
    receipt = new_receipt()
    receipt_key = receipt_unlock_key(receipt, peppers[1], FAST)
    submission = seal_submission(
        b"{}", handler_keys={"bob": bob.bundle.public_key}, receipt_key=receipt_key
    )
    # Both sides write with the public key only; both read with their copy of the private key.
    from_bob = seal_for_report(submission.report_public_key, b"Which berth?")
    from_alice = seal_for_report(submission.report_public_key, b"Berth 7")
    alice_key = open_with_receipt_key(receipt_key, submission.reporter_grant)
    bob_key = unwrap_report_key(
        submission.handler_grants["bob"], unlock_handler_key(bob.bundle, "bob's long passphrase")
    )
    assert open_report_content(alice_key, from_bob) == b"Which berth?"
    assert open_report_content(bob_key, from_alice) == b"Berth 7"


def test_a_submission_opens_for_every_assigned_handler(bob):
    charlie = create_handler_keys("charlie's passphrase", FAST)
    submission = seal_submission(
        MARKER,
        handler_keys={"bob": bob.bundle.public_key, "charlie": charlie.bundle.public_key},
        receipt_key=bytes(32),
    )
    for name, handler in (("bob", bob), ("charlie", charlie)):
        password = "bob's long passphrase" if name == "bob" else "charlie's passphrase"
        handler_key = unlock_handler_key(handler.bundle, password)
        report_key = unwrap_report_key(submission.handler_grants[name], handler_key)
        assert open_report_content(report_key, submission.content) == MARKER


def test_a_submission_without_handlers_is_refused():
    with pytest.raises(NoRecipients):
        seal_submission(b"{}", handler_keys={}, receipt_key=bytes(32))


def test_an_identity_without_custodians_is_refused(bob):
    with pytest.raises(NoRecipients):
        seal_submission(
            b"{}",
            handler_keys={"bob": bob.bundle.public_key},
            receipt_key=bytes(32),
            identity=b"Alice Mensah",
        )


def test_the_identity_is_sealed_apart_and_needs_a_custodian_to_reach_the_handler(bob):
    dana = PrivateKey.generate()
    submission = seal_submission(
        b"{}",
        handler_keys={"bob": bob.bundle.public_key},
        receipt_key=bytes(32),
        identity=b"Alice Mensah",
        custodian_keys={"dana": dana.public_key},
    )
    bob_key = unlock_handler_key(bob.bundle, "bob's long passphrase")
    report_key = unwrap_report_key(submission.handler_grants["bob"], bob_key)
    assert submission.identity is not None
    assert "bob" not in submission.custodian_grants
    with pytest.raises(DecryptionFailed):
        open_identity(report_key, submission.identity)
    # Dana approves: she opens the identity key and grants it to Bob.
    identity_key = unwrap_report_key(submission.custodian_grants["dana"], dana)
    bob_grant = grant_report_key(identity_key, bob.bundle.public_key)
    assert open_identity(unwrap_report_key(bob_grant, bob_key), submission.identity) == (
        b"Alice Mensah"
    )


def test_identity_keys_are_distinct_from_report_keys():
    assert new_identity_keys().public_bytes != new_report_keys().public_bytes


def test_a_planted_marker_never_appears_in_any_ciphertext(bob, peppers):
    receipt = new_receipt()
    dana = PrivateKey.generate()
    submission = seal_submission(
        MARKER,
        handler_keys={"bob": bob.bundle.public_key},
        receipt_key=receipt_unlock_key(receipt, peppers[1], FAST),
        identity=MARKER,
        custodian_keys={"dana": dana.public_key},
    )
    outputs = [
        submission.content,
        submission.identity or b"",
        submission.reporter_grant,
        *submission.handler_grants.values(),
        *submission.custodian_grants.values(),
        seal_for_report(submission.report_public_key, MARKER * 3),
        seal_to_receipt_key(bytes(32), PrivateKey(MARKER[:32])),
    ]
    for output in outputs:
        assert MARKER not in output
        assert MARKER[:12] not in output
    marker_key = PrivateKey(MARKER[:32])
    assert marker_key.encode() not in grant_report_key(marker_key, bob.bundle.public_key)


def test_private_keys_and_recovery_keys_stay_out_of_reprs():
    keys = new_report_keys()
    assert keys.private_key.encode().hex() not in repr(keys)
    created = create_handler_keys("a passphrase", FAST)
    assert created.recovery_key not in repr(created)


# --- Handler keys -------------------------------------------------------------------------


def test_a_handler_unlocks_with_the_password(bob):
    private_key = unlock_handler_key(bob.bundle, "bob's long passphrase")
    assert private_key.public_key.encode() == bob.bundle.public_key


def test_a_wrong_password_fails_to_unlock(bob):
    with pytest.raises(KeyUnlockFailed):
        unlock_handler_key(bob.bundle, "bob's long passphrasf")


def test_an_empty_password_is_refused():
    with pytest.raises(ValueError, match="empty"):
        create_handler_keys("", FAST)


def test_the_password_is_unicode_normalised():
    created = create_handler_keys("Bö\u0301b café", FAST)
    composed = "Bö\u0301b caf\u00e9"
    decomposed = "Bö\u0301b cafe\u0301"
    assert unlock_handler_key(created.bundle, composed)
    assert unlock_handler_key(created.bundle, decomposed)


def test_a_password_change_keeps_access_and_retires_the_old_password(bob):
    before = unlock_handler_key(bob.bundle, "bob's long passphrase")
    changed = rewrap_handler_key(bob.bundle, "bob's long passphrase", "a brand new one", FAST)
    assert unlock_handler_key(changed, "a brand new one").encode() == before.encode()
    assert changed.public_key == bob.bundle.public_key
    with pytest.raises(KeyUnlockFailed):
        unlock_handler_key(changed, "bob's long passphrase")
    assert recover_handler_key(changed, bob.recovery_key).encode() == before.encode()


def test_a_password_change_needs_the_old_password(bob):
    with pytest.raises(KeyUnlockFailed):
        rewrap_handler_key(bob.bundle, "guess", "a brand new one", FAST)


def test_the_recovery_key_unlocks_the_private_key(bob):
    recovered = recover_handler_key(bob.bundle, bob.recovery_key)
    assert recovered.encode() == unlock_handler_key(bob.bundle, "bob's long passphrase").encode()


def test_the_recovery_key_is_accepted_as_typed_by_a_person(bob):
    typed = bob.recovery_key.replace("-", " ").lower().replace("1", "l").replace("0", "o")
    assert recover_handler_key(bob.bundle, typed).public_key.encode() == bob.bundle.public_key


def test_a_wrong_recovery_key_fails(bob):
    other = create_handler_keys("other", FAST).recovery_key
    with pytest.raises(KeyUnlockFailed):
        recover_handler_key(bob.bundle, other)


def test_a_malformed_recovery_key_says_so(bob):
    with pytest.raises(InvalidRecoveryKey):
        recover_handler_key(bob.bundle, bob.recovery_key[:-1])


def test_the_recovery_key_has_160_bits_and_is_grouped_for_writing_down(bob):
    groups = bob.recovery_key.split("-")
    assert [len(g) for g in groups] == [4] * 8
    assert set("".join(groups)) <= set(CROCKFORD_ALPHABET)


def test_a_reset_with_the_recovery_key_sets_a_new_password_and_spends_the_recovery_key(bob):
    reset = reset_password_with_recovery(bob.bundle, bob.recovery_key, "new passphrase", FAST)
    assert reset.bundle.public_key == bob.bundle.public_key
    assert unlock_handler_key(reset.bundle, "new passphrase").public_key.encode() == (
        bob.bundle.public_key
    )
    with pytest.raises(KeyUnlockFailed):
        unlock_handler_key(reset.bundle, "bob's long passphrase")
    with pytest.raises(KeyUnlockFailed):
        recover_handler_key(reset.bundle, bob.recovery_key)
    assert recover_handler_key(reset.bundle, reset.recovery_key)


def test_a_reset_with_a_wrong_recovery_key_fails(bob):
    other = create_handler_keys("other", FAST).recovery_key
    with pytest.raises(KeyUnlockFailed):
        reset_password_with_recovery(bob.bundle, other, "new passphrase", FAST)


def test_rotating_the_recovery_key_retires_the_old_one(bob):
    rotated = rotate_recovery_key(bob.bundle, "bob's long passphrase")
    assert rotated.recovery_key != bob.recovery_key
    assert recover_handler_key(rotated.bundle, rotated.recovery_key)
    with pytest.raises(KeyUnlockFailed):
        recover_handler_key(rotated.bundle, bob.recovery_key)
    assert unlock_handler_key(rotated.bundle, "bob's long passphrase")


@pytest.mark.parametrize("field", ["password_wrapped", "recovery_wrapped", "salt"])
def test_a_tampered_bundle_fails_to_unlock(bob, field):
    data = bob.bundle.to_dict()
    tampered = HandlerKeyBundle.from_dict(data).__dict__ | {field: flip(getattr(bob.bundle, field))}
    bundle = HandlerKeyBundle(**tampered)
    with pytest.raises(KeyUnlockFailed):
        if field == "recovery_wrapped":
            recover_handler_key(bundle, bob.recovery_key)
        else:
            unlock_handler_key(bundle, "bob's long passphrase")


def test_a_bundle_with_a_swapped_public_key_fails_to_unlock(bob):
    other = create_handler_keys("other", FAST).bundle
    data = bob.bundle.to_dict() | {"public_key": other.to_dict()["public_key"]}
    with pytest.raises(KeyUnlockFailed):
        unlock_handler_key(HandlerKeyBundle.from_dict(data), "bob's long passphrase")


def test_a_bundle_with_other_kdf_parameters_fails_to_unlock(bob):
    data = bob.bundle.to_dict()
    data["kdf"] = {**data["kdf"], "time_cost": 2}
    with pytest.raises(KeyUnlockFailed):
        unlock_handler_key(HandlerKeyBundle.from_dict(data), "bob's long passphrase")


def test_a_bundle_round_trips_through_json_and_holds_no_recovery_key(bob):
    text = json.dumps(bob.bundle.to_dict())
    assert json.loads(text)["version"] == 1
    restored = HandlerKeyBundle.from_dict(json.loads(text))
    assert restored == bob.bundle
    assert unlock_handler_key(restored, "bob's long passphrase")
    assert bob.recovery_key not in text
    assert bob.recovery_key.replace("-", "") not in text


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"version": None},
        {"salt": "not base64!"},
        {"salt": "AAAA"},
        {"public_key": "AAAA"},
        {"kdf": {"algorithm": "scrypt"}},
        {"kdf": {"algorithm": "argon2id", "time_cost": 0, "memory_kib": 8, "parallelism": 1}},
    ],
)
def test_a_malformed_bundle_is_refused(bob, change):
    with pytest.raises(MalformedBundle):
        HandlerKeyBundle.from_dict(bob.bundle.to_dict() | change)


def test_a_bundle_missing_a_field_is_refused(bob):
    data = bob.bundle.to_dict()
    del data["recovery_wrapped"]
    with pytest.raises(MalformedBundle):
        HandlerKeyBundle.from_dict(data)


def test_a_bundle_remembers_its_kdf_and_says_when_to_rewrap(bob):
    assert HandlerKeyBundle.from_dict(bob.bundle.to_dict()).kdf == FAST
    assert not bundle_needs_rewrap(bob.bundle, FAST)
    assert bundle_needs_rewrap(bob.bundle, PRODUCTION_KDF)
    stronger = KdfParams(time_cost=2, memory_kib=16)
    upgraded = rewrap_handler_key(
        bob.bundle, "bob's long passphrase", "bob's long passphrase", stronger
    )
    assert not bundle_needs_rewrap(upgraded, stronger)
    assert unlock_handler_key(upgraded, "bob's long passphrase")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"time_cost": 0, "memory_kib": 8},
        {"time_cost": 1, "memory_kib": 7},
        {"time_cost": 1, "memory_kib": 8, "parallelism": 2},
        {"time_cost": 1, "memory_kib": 8, "parallelism": 0},
    ],
)
def test_invalid_kdf_parameters_are_refused(kwargs):
    with pytest.raises(ValueError):
        KdfParams(**kwargs)


def test_production_kdf_is_at_least_owasps_floor():
    assert PRODUCTION_KDF.memory_kib >= 19 * 1024
    assert PRODUCTION_KDF.memory_kib * PRODUCTION_KDF.time_cost >= 19 * 1024 * 2


# --- Receipts -----------------------------------------------------------------------------


def test_a_receipt_is_twenty_crockford_symbols_in_groups_of_four():
    receipt = new_receipt()
    assert RECEIPT_PATTERN.match(receipt), receipt
    assert len(normalise_receipt(receipt)) == 20
    assert len(CROCKFORD_ALPHABET) == 32  # 20 symbols x 5 bits = 100 bits


def test_receipts_use_the_whole_alphabet_and_do_not_repeat():
    receipts = [normalise_receipt(new_receipt()) for _ in range(500)]
    assert len(set(receipts)) == len(receipts)
    # 10,000 symbols: a uniform source misses one of 32 with probability about 32 x e^-312.
    assert set("".join(receipts)) == set(CROCKFORD_ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "7K3M-9QXA-0B1C-DEFG-HJKN",
        "7k3m 9qxa 0b1c defg hjkn",
        "7K3M9QXA0B1CDEFGHJKN",
        " 7K3M – 9QXA — 0B1C - DEFG - HJKN ",
        "7K3M-9QXA-OBIC-DEFG-HJKN",
        "7K3M-9QXA-oblc-DEFG-HJKN",
        "７Ｋ３Ｍ-9QXA-0B1C-DEFG-HJKN",
    ],
)
def test_receipt_normalisation_tolerates_what_people_type(typed):
    assert normalise_receipt(typed) == "7K3M9QXA0B1CDEFGHJKN"


@settings(max_examples=200, database=None)
@given(
    code=st.text(alphabet=CROCKFORD_ALPHABET, min_size=20, max_size=20),
    separator=st.sampled_from(["", " ", "-", " - ", "\u2013", "\u00a0", "\t"]),
    lower=st.booleans(),
)
def test_any_receipt_survives_any_of_the_usual_ways_of_writing_it(code, separator, lower):
    typed = separator.join(code[i : i + 4] for i in range(0, 20, 4))
    typed = typed.lower() if lower else typed
    assert normalise_receipt(typed) == code


@pytest.mark.parametrize(
    "typed",
    ["", "7K3M-9QXA-0B1C-DEFG-HJK", "7K3M-9QXA-0B1C-DEFG-HJKNP", "7K3M-9QXA-0B1C-DEFG-HJKU"],
)
def test_a_malformed_receipt_is_refused(typed):
    with pytest.raises(InvalidReceipt):
        normalise_receipt(typed)


def test_a_malformed_receipt_error_does_not_echo_the_receipt():
    with pytest.raises(InvalidReceipt) as caught:
        normalise_receipt("7K3M-9QXA-0B1C-DEFG-HJK!")
    assert "7K3M" not in str(caught.value)


def test_the_lookup_id_is_deterministic_and_ignores_formatting(peppers):
    receipt = new_receipt()
    typed = receipt.lower().replace("-", " ")
    assert receipt_lookup_id(receipt, peppers[0], FAST) == receipt_lookup_id(
        typed, peppers[0], FAST
    )
    assert re.fullmatch(r"[0-9a-f]{64}", receipt_lookup_id(receipt, peppers[0], FAST))


def test_lookup_id_and_unlock_key_depend_on_receipt_and_pepper(peppers):
    lookup_pepper, unlock_pepper = peppers
    receipt, other_receipt = new_receipt(), new_receipt()
    lookup = receipt_lookup_id(receipt, lookup_pepper, FAST)
    unlock = receipt_unlock_key(receipt, unlock_pepper, FAST)
    assert len(unlock) == 32
    assert lookup != unlock.hex()
    assert receipt_lookup_id(other_receipt, lookup_pepper, FAST) != lookup
    assert receipt_lookup_id(receipt, new_pepper(), FAST) != lookup
    assert receipt_unlock_key(other_receipt, unlock_pepper, FAST) != unlock
    assert receipt_unlock_key(receipt, new_pepper(), FAST) != unlock


def test_lookup_id_and_unlock_key_differ_even_under_the_same_pepper(peppers):
    receipt = new_receipt()
    same = peppers[0]
    assert receipt_lookup_id(receipt, same, FAST) != receipt_unlock_key(receipt, same, FAST).hex()


def test_the_derivations_depend_on_the_kdf_parameters(peppers):
    receipt, slower = new_receipt(), KdfParams(time_cost=2, memory_kib=8)
    assert receipt_lookup_id(receipt, peppers[0], FAST) != receipt_lookup_id(
        receipt, peppers[0], slower
    )


def test_the_reporters_copy_opens_with_the_receipt_key_only(peppers):
    report = new_report_keys()
    receipt = new_receipt()
    key = receipt_unlock_key(receipt, peppers[1], FAST)
    wrapped = seal_to_receipt_key(key, report.private_key)
    assert open_with_receipt_key(key, wrapped).encode() == report.private_key.encode()
    wrong = receipt_unlock_key(new_receipt(), peppers[1], FAST)
    with pytest.raises(DecryptionFailed):
        open_with_receipt_key(wrong, wrapped)
    with pytest.raises(DecryptionFailed):
        open_with_receipt_key(key, flip(wrapped))


# --- Peppers ------------------------------------------------------------------------------


def test_a_pepper_round_trips_through_text():
    pepper = new_pepper()
    assert len(pepper) == 32
    assert pepper_from_text(pepper_to_text(pepper)) == pepper
    assert new_pepper() != pepper


@pytest.mark.parametrize("text", ["", "c2hvcnQ=", "not base64 at all!", "ü"])
def test_a_bad_pepper_text_is_refused(text):
    with pytest.raises(InvalidPepper):
        pepper_from_text(text)


def test_short_peppers_are_refused():
    with pytest.raises(InvalidPepper):
        receipt_lookup_id(new_receipt(), b"changeme", FAST)
    with pytest.raises(InvalidPepper):
        receipt_unlock_key(new_receipt(), b"changeme", FAST)


def test_the_same_pepper_for_both_purposes_is_refused():
    pepper = new_pepper()
    check_peppers(pepper, new_pepper())
    with pytest.raises(InvalidPepper):
        check_peppers(pepper, bytes(pepper))


# --- Boundaries ---------------------------------------------------------------------------


def test_the_crypto_modules_do_not_import_django():
    code = (
        "import sys, arusha.reporting.crypto, arusha.reporting.attachments;"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False)  # noqa: S603 - fixed argv
    assert result.returncode == 0


def test_every_public_function_is_verb_named():
    functions = [
        name
        for name, value in vars(crypto).items()
        if inspect.isfunction(value)
        and value.__module__ == crypto.__name__
        and not name.startswith("_")
    ]
    assert "seal_for_report" in functions
    verbs = (
        *("new_", "seal_", "open_", "grant_", "unwrap_", "create_", "unlock_", "recover_"),
        *("rewrap_", "reset_", "rotate_", "normalise_", "receipt_", "check_", "pepper_"),
        "bundle_needs_",
    )
    assert all(n.startswith(verbs) for n in functions), functions


DOCS = Path(__file__).resolve().parents[2] / "docs" / "reporting-crypto.md"


def test_every_public_function_is_in_the_docs():
    text = DOCS.read_text(encoding="utf-8")
    for module in (crypto, attachments):
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                assert name.startswith("_") or f"`{name}(" in text, name


def test_the_docs_state_the_production_kdf_that_the_code_uses():
    text = DOCS.read_text(encoding="utf-8")
    params = PRODUCTION_KDF
    stated = (
        f"PRODUCTION_KDF = KdfParams(time_cost={params.time_cost}, "
        f"memory_kib={params.memory_kib}, parallelism={params.parallelism})"
    )
    assert stated in text
