"""Key handling of the anonymous reporting channel, as plain libsodium (PyNaCl) and Argon2id.

Django-free by contract: peppers and Argon2 parameters come in as arguments. Attachment streams
use the same keys from ``arusha.reporting.attachments``. Design: docs/reporting-crypto.md.

Who can read what:

- Each report has its own X25519 keypair. Its content (answers, free text, messages in both
  directions, attachment file keys) is sealed to the report *public* key, so the intake server
  can write to a report without ever being able to read it back.
- The report *private* key is sealed to each authorised handler's public key (``grant_report_key``)
  and, under a key derived from the receipt, to the reporter (``seal_to_receipt_key``).
- The reporter's identity, when given, is sealed to a separate identity keypair whose private key
  goes to custodians only; a custodian who approves disclosure grants it to a handler. Approval is
  therefore enforced by cryptography, not only by a permission check.

Why ``SealedBox`` and not ``Box``: a sealed box uses a fresh ephemeral sender key per message, so
the sender needs no long-term key (the reporter has none) and cannot decrypt what it sealed.
``Box`` would add sender authentication, but only between two parties that share a secret: anyone
holding the report private key could forge a "handler" message just as well, so it would prove
nothing. Authorship of messages is recorded by the application, not claimed by the crypto.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import nacl.exceptions
from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random as random_bytes

PublicKeyLike = PublicKey | bytes

KEY_BYTES = 32
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 20  # 20 symbols x 5 bits = 100 bits
RECOVERY_KEY_LENGTH = 32  # 32 symbols x 5 bits = 160 bits
PEPPER_MIN_BYTES, PEPPER_MAX_BYTES = 32, 64  # BLAKE2b keys are at most 64 bytes

# BLAKE2b personalisation strings (16 bytes each) keep every derivation in its own domain.
_LOOKUP_DOMAIN = b"arusha.lookup.v1"
_UNLOCK_DOMAIN = b"arusha.unlock.v1"
_RECOVERY_DOMAIN = b"arusha.rcvkey.v1"
_CODE_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class ReportingCryptoError(Exception):
    """Base of every error raised here. Messages never contain secret material."""


class DecryptionFailed(ReportingCryptoError):
    """Wrong key, or the ciphertext was tampered with or truncated."""


class KeyUnlockFailed(DecryptionFailed):
    """Wrong password or recovery key, or a tampered key bundle."""


class TruncatedStream(DecryptionFailed):
    """An encrypted stream ended before its final chunk."""


class InvalidCode(ReportingCryptoError, ValueError):
    """A receipt or recovery key that cannot be one (wrong length or characters)."""


class InvalidReceipt(InvalidCode):
    """The text typed in is not a well-formed receipt."""


class InvalidRecoveryKey(InvalidCode):
    """The text typed in is not a well-formed recovery key."""


class MalformedBundle(ReportingCryptoError, ValueError):
    """A stored key bundle that cannot be parsed (unknown version, missing or bad field)."""


class InvalidPepper(ReportingCryptoError, ValueError):
    """A pepper that is too short, too long, or reused for two purposes."""


class NoRecipients(ReportingCryptoError):
    """Refusing to seal something nobody could ever open (fail closed)."""


# --- Argon2id -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters. Stored in each handler bundle so they can change later."""

    time_cost: int
    memory_kib: int
    parallelism: int = 1

    def __post_init__(self) -> None:
        if self.time_cost < 1 or self.parallelism < 1:
            raise ValueError("Argon2 time cost and parallelism must be at least 1")
        if not 8 * self.parallelism <= self.memory_kib <= 4 * 1024 * 1024:
            raise ValueError("Argon2 memory must be between 8 KiB per lane and 4 GiB")

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": "argon2id",
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KdfParams:
        if data.get("algorithm") != "argon2id":
            raise MalformedBundle("unsupported key derivation algorithm")
        return cls(int(data["time_cost"]), int(data["memory_kib"]), int(data["parallelism"]))


# RFC 9106 section 4, second recommended option (t=3, m=64 MiB), with p=1: the server has two
# cores and several request threads, so extra lanes would not lower latency under load, and the
# attacker's cost is set by memory x passes, not lanes. Measured in bench/bench_crypto.py.
# OWASP's floor is m=19 MiB, t=2, p=1; this is 5x its memory-time product (8x measured time).
PRODUCTION_KDF = KdfParams(time_cost=3, memory_kib=64 * 1024, parallelism=1)


def _argon2id(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    try:
        return hash_secret_raw(
            secret,
            salt,
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )
    except HashingError as exc:  # e.g. memory could not be allocated: fail closed
        raise ReportingCryptoError("key derivation failed") from exc


# --- Peppers and codes ------------------------------------------------------------------


def new_pepper() -> bytes:
    """A fresh 32-byte pepper. Keep it out of the database (environment or secret store)."""
    return secrets.token_bytes(32)


def pepper_to_text(pepper: bytes) -> str:
    """Encode a pepper for an environment variable (URL-safe base64)."""
    return base64.urlsafe_b64encode(_checked_pepper(pepper)).decode("ascii")


def pepper_from_text(text: str) -> bytes:
    """Decode a pepper written by ``pepper_to_text``; raises ``InvalidPepper``."""
    try:
        pepper = base64.b64decode(text.strip().encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise InvalidPepper("pepper is not valid URL-safe base64") from exc
    return _checked_pepper(pepper)


def check_peppers(lookup_pepper: bytes, unlock_pepper: bytes) -> None:
    """Raise ``InvalidPepper`` unless both peppers are well-formed and different."""
    _checked_pepper(lookup_pepper)
    _checked_pepper(unlock_pepper)
    if hmac.compare_digest(lookup_pepper, unlock_pepper):
        raise InvalidPepper("the lookup and unlock peppers must be different")


def _checked_pepper(pepper: bytes) -> bytes:
    if not PEPPER_MIN_BYTES <= len(pepper) <= PEPPER_MAX_BYTES:
        raise InvalidPepper(f"a pepper must be {PEPPER_MIN_BYTES} to {PEPPER_MAX_BYTES} bytes")
    return pepper


def _new_code(length: int) -> str:
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(length))


def _grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _normalised_code(text: str, length: int, error: type[InvalidCode], name: str) -> str:
    # NFKC folds full-width forms; spaces and any dash (hyphen, en dash...) are separators.
    folded = unicodedata.normalize("NFKC", text)
    kept = (c for c in folded if not c.isspace() and unicodedata.category(c) != "Pd")
    code = "".join(kept).upper().translate(_CODE_CONFUSABLES)
    if len(code) != length:
        raise error(f"a {name} has {length} characters, not counting spaces and dashes")
    if any(c not in CROCKFORD_ALPHABET for c in code):
        raise error(f"a {name} uses only digits and the letters A-Z except I, L, O and U")
    return code


# --- Receipts -----------------------------------------------------------------------------


def new_receipt() -> str:
    """A new receipt for a reporter: 100 random bits as 20 Crockford base32 symbols.

    Formatted for display as five dash-separated groups of four. Show it once, store only
    ``receipt_lookup_id`` and the reporter's key copy sealed with ``receipt_unlock_key``.
    """
    return _grouped(_new_code(RECEIPT_LENGTH))


def normalise_receipt(text: str) -> str:
    """The canonical 20-symbol form of a typed receipt; raises ``InvalidReceipt``.

    Tolerates spaces, dashes, lower case, and O/0, I/1, L/1 confusion.
    """
    return _normalised_code(text, RECEIPT_LENGTH, InvalidReceipt, "receipt")


def receipt_lookup_id(receipt: str, lookup_pepper: bytes, params: KdfParams) -> str:
    """Deterministic hex id that finds a report from its receipt.

    The salt is fixed per installation (derived from the pepper) so the id can be looked up;
    the receipt's 100 bits, not the salt, are what defeats guessing. Keep ``params`` fixed for
    the life of an installation, or store which parameters each report used.
    """
    return _receipt_derivation(receipt, lookup_pepper, _LOOKUP_DOMAIN, params).hex()


def receipt_unlock_key(receipt: str, unlock_pepper: bytes, params: KdfParams) -> bytes:
    """32-byte key that seals the reporter's copy of the report key (see ``seal_to_receipt_key``).

    Independent of the lookup id: different pepper and a different BLAKE2b domain.
    """
    return _receipt_derivation(receipt, unlock_pepper, _UNLOCK_DOMAIN, params)


def _receipt_derivation(receipt: str, pepper: bytes, domain: bytes, params: KdfParams) -> bytes:
    pepper = _checked_pepper(pepper)
    code = normalise_receipt(receipt).encode("ascii")
    secret = hashlib.blake2b(code, key=pepper, person=domain, digest_size=KEY_BYTES).digest()
    salt = hashlib.blake2b(b"salt", key=pepper, person=domain, digest_size=16).digest()
    return _argon2id(secret, salt, params)


def seal_to_receipt_key(receipt_key: bytes, report_private_key: PrivateKey) -> bytes:
    """The reporter's copy of the report private key, under ``receipt_unlock_key`` (SecretBox)."""
    return bytes(SecretBox(receipt_key).encrypt(report_private_key.encode()))


def open_with_receipt_key(receipt_key: bytes, wrapped: bytes) -> PrivateKey:
    """Recover the report private key from the reporter's copy; raises ``DecryptionFailed``."""
    return PrivateKey(_secretbox_open(receipt_key, wrapped, DecryptionFailed))


def _secretbox_open(key: bytes, ciphertext: bytes, error: type[DecryptionFailed]) -> bytes:
    try:
        return SecretBox(key).decrypt(ciphertext)
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as exc:
        raise error("wrong key, or the data was altered") from exc


# --- Report keys, content and grants -----------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    """An X25519 keypair: one per report, and one per report's identity disclosure."""

    public_key: PublicKey
    private_key: PrivateKey = field(repr=False)

    @property
    def public_bytes(self) -> bytes:
        return self.public_key.encode()


def new_report_keys() -> KeyPair:
    """A fresh keypair for one report. Store only the public key in clear."""
    private_key = PrivateKey.generate()
    return KeyPair(private_key.public_key, private_key)


def new_identity_keys() -> KeyPair:
    """A fresh keypair for one report's identity disclosure (kept apart from the report key)."""
    return new_report_keys()


def _public(key: PublicKeyLike) -> PublicKey:
    return key if isinstance(key, PublicKey) else PublicKey(key)


def seal_for_report(report_public_key: PublicKeyLike, plaintext: bytes) -> bytes:
    """Encrypt content (answers JSON, text, a message) so only report key holders can read it."""
    return bytes(SealedBox(_public(report_public_key)).encrypt(plaintext))


def open_report_content(report_private_key: PrivateKey, ciphertext: bytes) -> bytes:
    """Decrypt content sealed with ``seal_for_report``; raises ``DecryptionFailed``."""
    try:
        return SealedBox(report_private_key).decrypt(ciphertext)
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as exc:
        raise DecryptionFailed("wrong key, or the data was altered") from exc


def grant_report_key(report_private_key: PrivateKey, recipient_public_key: PublicKeyLike) -> bytes:
    """Seal a report (or identity) private key to a handler's or custodian's public key."""
    return seal_for_report(recipient_public_key, report_private_key.encode())


def unwrap_report_key(wrapped: bytes, recipient_private_key: PrivateKey) -> PrivateKey:
    """Open a key sealed with ``grant_report_key``; raises ``DecryptionFailed``."""
    return PrivateKey(open_report_content(recipient_private_key, wrapped))


def seal_identity(identity_public_key: PublicKeyLike, plaintext: bytes) -> bytes:
    """Seal the reporter's identity to the report's identity key, never to the report key."""
    return seal_for_report(identity_public_key, plaintext)


def open_identity(identity_private_key: PrivateKey, ciphertext: bytes) -> bytes:
    """Open an identity sealed with ``seal_identity``; raises ``DecryptionFailed``."""
    return open_report_content(identity_private_key, ciphertext)


@dataclass(frozen=True)
class SealedSubmission:
    """Everything a new report stores. Nothing in here is readable without a private key."""

    report_public_key: bytes
    content: bytes
    handler_grants: dict[str, bytes]
    reporter_grant: bytes
    identity_public_key: bytes | None = None
    identity: bytes | None = None
    custodian_grants: dict[str, bytes] = field(default_factory=dict)


def seal_submission(
    content: bytes,
    *,
    handler_keys: Mapping[str, PublicKeyLike],
    receipt_key: bytes,
    identity: bytes | None = None,
    custodian_keys: Mapping[str, PublicKeyLike] | None = None,
) -> SealedSubmission:
    """Seal a new report for its handlers and its reporter, and its identity for custodians.

    ``handler_keys`` and ``custodian_keys`` map a recipient id (e.g. user id) to a public key.
    Raises ``NoRecipients`` rather than store a report no handler could open, or an identity
    no custodian could open.
    """
    if not handler_keys:
        raise NoRecipients("no handler key to seal the report to")
    keys = new_report_keys()
    submission = SealedSubmission(
        report_public_key=keys.public_bytes,
        content=seal_for_report(keys.public_key, content),
        handler_grants={k: grant_report_key(keys.private_key, v) for k, v in handler_keys.items()},
        reporter_grant=seal_to_receipt_key(receipt_key, keys.private_key),
    )
    if identity is None:
        return submission
    if not custodian_keys:
        raise NoRecipients("no custodian key to seal the identity to")
    ident = new_identity_keys()
    return replace(
        submission,
        identity_public_key=ident.public_bytes,
        identity=seal_identity(ident.public_key, identity),
        custodian_grants={
            k: grant_report_key(ident.private_key, v) for k, v in custodian_keys.items()
        },
    )


# --- Handler keys -------------------------------------------------------------------------

BUNDLE_VERSION = 1
SALT_BYTES = 16


@dataclass(frozen=True)
class HandlerKeyBundle:
    """A handler's public key and two wrapped copies of the private key. Safe to store.

    One copy is under Argon2id(password, salt, kdf), the other under the recovery key. The
    recovery key itself is never stored: see ``NewHandlerKeys``.
    """

    public_key: bytes
    kdf: KdfParams
    salt: bytes
    password_wrapped: bytes
    recovery_wrapped: bytes
    version: int = BUNDLE_VERSION

    _BINARY_FIELDS: ClassVar[tuple[str, ...]] = (
        "public_key",
        "salt",
        "password_wrapped",
        "recovery_wrapped",
    )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (binary fields in base64), e.g. for a JSONField."""
        data = {n: base64.b64encode(getattr(self, n)).decode() for n in self._BINARY_FIELDS}
        return {"version": self.version, "kdf": self.kdf.to_dict(), **data}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HandlerKeyBundle:
        """Parse ``to_dict`` output; raises ``MalformedBundle``."""
        if data.get("version") != BUNDLE_VERSION:
            raise MalformedBundle("unsupported key bundle version")
        try:
            bundle = cls(
                public_key=_unb64(data["public_key"]),
                kdf=KdfParams.from_dict(data["kdf"]),
                salt=_unb64(data["salt"]),
                password_wrapped=_unb64(data["password_wrapped"]),
                recovery_wrapped=_unb64(data["recovery_wrapped"]),
            )
        except (AttributeError, KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise MalformedBundle("key bundle is missing a field or has a bad one") from exc
        if len(bundle.public_key) != KEY_BYTES or len(bundle.salt) != SALT_BYTES:
            raise MalformedBundle("key bundle has a key or salt of the wrong length")
        return bundle

    @property
    def handler_public_key(self) -> PublicKey:
        return PublicKey(self.public_key)


@dataclass(frozen=True)
class NewHandlerKeys:
    """A bundle to store, and the recovery key to show the handler exactly once."""

    bundle: HandlerKeyBundle
    recovery_key: str = field(repr=False)


def create_handler_keys(password: str, params: KdfParams) -> NewHandlerKeys:
    """A new handler keypair, wrapped under the password and under a fresh recovery key."""
    return _new_bundle(PrivateKey.generate(), password, params)


def unlock_handler_key(bundle: HandlerKeyBundle, password: str) -> PrivateKey:
    """The handler's private key; raises ``KeyUnlockFailed`` on a wrong password.

    The Argon2 parameters are those stored in the bundle, so raising ``PRODUCTION_KDF`` later
    does not lock anyone out (see ``bundle_needs_rewrap``).
    """
    key = _argon2id(_password_bytes(password), bundle.salt, bundle.kdf)
    return _unwrap_checked(bundle, key, bundle.password_wrapped)


def recover_handler_key(bundle: HandlerKeyBundle, recovery_key: str) -> PrivateKey:
    """The handler's private key from the recovery key; raises ``KeyUnlockFailed``."""
    code = _normalised_code(recovery_key, RECOVERY_KEY_LENGTH, InvalidRecoveryKey, "recovery key")
    return _unwrap_checked(bundle, _recovery_secret(code), bundle.recovery_wrapped)


def rewrap_handler_key(
    bundle: HandlerKeyBundle, old_password: str, new_password: str, params: KdfParams
) -> HandlerKeyBundle:
    """The bundle with its password copy under ``new_password`` (same keypair, same recovery)."""
    private_key = unlock_handler_key(bundle, old_password)
    return replace(bundle, **_password_fields(private_key, new_password, params))


def reset_password_with_recovery(
    bundle: HandlerKeyBundle, recovery_key: str, new_password: str, params: KdfParams
) -> NewHandlerKeys:
    """A bundle under a new password, and a new recovery key: a used one is considered spent."""
    return _new_bundle(recover_handler_key(bundle, recovery_key), new_password, params)


def rotate_recovery_key(bundle: HandlerKeyBundle, password: str) -> NewHandlerKeys:
    """A new recovery key (e.g. the printed one was lost); the old one stops working."""
    private_key = unlock_handler_key(bundle, password)
    code = _new_code(RECOVERY_KEY_LENGTH)
    recovery_wrapped = _wrap(_recovery_secret(code), private_key)
    return NewHandlerKeys(replace(bundle, recovery_wrapped=recovery_wrapped), _grouped(code))


def bundle_needs_rewrap(bundle: HandlerKeyBundle, params: KdfParams) -> bool:
    """True when the bundle was wrapped with other Argon2 parameters than ``params``."""
    return bundle.kdf != params


def _new_bundle(private_key: PrivateKey, password: str, params: KdfParams) -> NewHandlerKeys:
    code = _new_code(RECOVERY_KEY_LENGTH)
    bundle = HandlerKeyBundle(
        public_key=private_key.public_key.encode(),
        recovery_wrapped=_wrap(_recovery_secret(code), private_key),
        **_password_fields(private_key, password, params),
    )
    return NewHandlerKeys(bundle, _grouped(code))


def _password_fields(private_key: PrivateKey, password: str, params: KdfParams) -> dict[str, Any]:
    salt = random_bytes(SALT_BYTES)
    key = _argon2id(_password_bytes(password), salt, params)
    return {"kdf": params, "salt": salt, "password_wrapped": _wrap(key, private_key)}


def _password_bytes(password: str) -> bytes:
    # NFKC so the same password typed on another keyboard or OS derives the same key.
    if not password:
        raise ValueError("a handler password cannot be empty")
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _recovery_secret(code: str) -> bytes:
    # 160 random bits need no stretching; BLAKE2b only maps them to a key in their own domain.
    return hashlib.blake2b(code.encode("ascii"), person=_RECOVERY_DOMAIN, digest_size=32).digest()


def _wrap(key: bytes, private_key: PrivateKey) -> bytes:
    return bytes(SecretBox(key).encrypt(private_key.encode()))


def _unwrap_checked(bundle: HandlerKeyBundle, key: bytes, wrapped: bytes) -> PrivateKey:
    private_key = PrivateKey(_secretbox_open(key, wrapped, KeyUnlockFailed))
    # A bundle whose public key was swapped would otherwise unlock a key that does not match it.
    if not hmac.compare_digest(private_key.public_key.encode(), bundle.public_key):
        raise KeyUnlockFailed("the key bundle does not match its public key")
    return private_key


# --- Secrets held between requests -------------------------------------------------------


def new_session_key() -> bytes:
    """A random key for an HttpOnly cookie: the server keeps only what is sealed under it."""
    return random_bytes(KEY_BYTES)


def seal_for_session(session_key: bytes, secret: bytes) -> bytes:
    """Seal a secret (e.g. a recovery key waiting to be shown) under a cookie's session key.

    The server stores the result in its session or cache; the cookie alone opens nothing, and
    neither does a copy of the session store.
    """
    return bytes(SecretBox(session_key).encrypt(secret))


def open_from_session(session_key: bytes, sealed: bytes) -> bytes:
    """Open what ``seal_for_session`` sealed; raises ``DecryptionFailed``."""
    return _secretbox_open(session_key, sealed, DecryptionFailed)


def seal_key_for_session(session_key: bytes, private_key: PrivateKey) -> bytes:
    """An unlocked handler or report key kept between requests, sealed under a cookie's key."""
    return seal_for_session(session_key, private_key.encode())


def open_key_from_session(session_key: bytes, sealed: bytes) -> PrivateKey:
    """The private key sealed with ``seal_key_for_session``; raises ``DecryptionFailed``."""
    return PrivateKey(open_from_session(session_key, sealed))
