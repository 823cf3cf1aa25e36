"""Secrets sealed at rest: envelope encryption with AES-GCM under master keys kept outside the
database, so a copy of the database alone opens nothing.

A sealed value is text, so it fits any text column::

    tdm1:<master key id>:<base64url(wrap nonce | wrapped data key | data nonce | ciphertext)>

Each value gets a fresh 256-bit data key; the data key is wrapped by the newest master key.
Both layers are bound to the value's ``context`` (which row and field it belongs to) as
associated data, so a value copied into another row, or altered by one bit, refuses to open
instead of giving garbage. The wrapped key is also bound to the master key's id, so the id
written in the token cannot be swapped either.

Master keys come from ``TANDEM_MASTER_KEY`` (``id:base64key`` pairs, comma-separated, newest
first), or else from the file ``var/master_key`` (same format), which development creates on
first use with mode 0600. Production never creates it: it needs the variable or the file.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

VERSION = "tdm1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
WRAPPED_KEY_BYTES = KEY_BYTES + TAG_BYTES
KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MAKE_A_KEY = 'python3 -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'


class MasterKeyError(ImproperlyConfigured):
    """The master keys are missing or written wrongly; the message says what to set."""


class UnsealError(Exception):
    """A sealed value did not open: altered, moved to another row, or its key is gone."""


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class Keyring:
    """The master keys, newest first: the newest seals, every one of them opens."""

    keys: tuple[MasterKey, ...]

    @property
    def newest(self) -> MasterKey:
        return self.keys[0]

    def find(self, key_id: str) -> MasterKey:
        for key in self.keys:
            if key.key_id == key_id:
                return key
        raise UnsealError(
            f"This value was sealed with master key {key_id!r}, which is no longer configured. "
            "Put that key back in TANDEM_MASTER_KEY (after the newest one) until "
            "`tandem manage rotate_keys` has re-sealed everything under the newest key."
        )


def check_master_keys(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """At start-up (``migrate``, ``runserver``, ``tandem serve``): a missing or mistyped key
    stops the server with its sentence, rather than failing the first sign-in later."""
    try:
        keyring()
    except MasterKeyError as error:
        return [checks.Error(str(error), id="tandem.E001")]
    return []


def generate_key() -> str:
    """A new master key, as base64 of 32 random bytes."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def fingerprint(secret: bytes) -> str:
    """A short id for a key given without one (a hash: it tells nothing about the key)."""
    return hashlib.sha256(b"tandem master key id\0" + secret).hexdigest()[:8]


def parse_keys(text: str, *, source: str) -> Keyring:
    """Read ``id:base64key,id:base64key`` (newest first; a bare key gets its fingerprint as id).

    ``source`` names where the text came from, for the error sentence.
    """
    keys: list[MasterKey] = []
    entries = [entry.strip() for entry in text.replace("\n", ",").split(",") if entry.strip()]
    if not entries:
        raise MasterKeyError(f"{source} holds no key. Put a key in it, made with: {MAKE_A_KEY}")
    for number, entry in enumerate(entries, start=1):
        key_id, _, encoded = entry.rpartition(":")
        secret = _decode_key(encoded, where=f"{source}'s key number {number}")
        key_id = key_id.strip() or fingerprint(secret)
        if not KEY_ID.fullmatch(key_id):
            raise MasterKeyError(
                f"{source}'s key number {number} has the id {key_id!r}: use 1 to 40 letters, "
                "digits, dots, dashes or underscores before the colon."
            )
        if any(key.key_id == key_id for key in keys):
            raise MasterKeyError(
                f"{source} names the key id {key_id!r} twice: give each key its own id."
            )
        keys.append(MasterKey(key_id=key_id, secret=secret))
    return Keyring(tuple(keys))


def _decode_key(encoded: str, *, where: str) -> bytes:
    text = encoded.strip().replace("-", "+").replace("_", "/")
    try:
        secret = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise MasterKeyError(
            f"{where} is not valid base64. Write each key as id:base64 of 32 random bytes, "
            f"made with: {MAKE_A_KEY}"
        ) from None
    if len(secret) != KEY_BYTES:
        raise MasterKeyError(
            f"{where} is {len(secret)} bytes long; a master key is 32 bytes (44 characters of "
            f"base64). Make one with: {MAKE_A_KEY}"
        )
    return secret


def keyring() -> Keyring:
    """The configured master keys (read once per configuration; restart to pick up changes)."""
    return _load_keyring(
        settings.TANDEM_MASTER_KEY,
        str(settings.TANDEM_MASTER_KEY_FILE),
        bool(settings.IS_PRODUCTION),
    )


@functools.lru_cache(maxsize=8)
def _load_keyring(from_env: str, file_path: str, production: bool) -> Keyring:
    if from_env.strip():
        return parse_keys(from_env, source="TANDEM_MASTER_KEY")
    path = Path(file_path)
    if not path.exists():
        if production:
            raise MasterKeyError(
                "Set the TANDEM_MASTER_KEY environment variable (or put the key file at "
                f"{path}): production needs a master key to seal two-factor secrets and "
                f"unsent mail. Make one with: {MAKE_A_KEY}"
            )
        _create_key_file(path)
    return parse_keys(path.read_text(), source=f"The master key file {path}")


def _create_key_file(path: Path) -> None:
    """Write a new key readable by its owner only; two processes racing keep the first one.

    The key is written in full to a private temporary file and then linked into place, so no
    process ever reads a half-written key, and a link that finds the file already there leaves
    the other process's key alone.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = base64.b64decode(generate_key())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(f"{fingerprint(secret)}:{base64.b64encode(secret).decode()}\n")
        with contextlib.suppress(FileExistsError):  # another process's key came first
            os.link(temporary, path)
    finally:
        temporary.unlink()


def seal(plaintext: bytes | str, *, context: str) -> str:
    """Encrypt ``plaintext`` under the newest master key, bound to ``context``.

    ``context`` names the value's place stably, e.g. ``"core.OutboundEmail.text_body:<key>"``:
    the same context must be given to open it.
    """
    data = plaintext.encode() if isinstance(plaintext, str) else plaintext
    master = keyring().newest
    data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    wrap_nonce, data_nonce = os.urandom(NONCE_BYTES), os.urandom(NONCE_BYTES)
    wrapped = AESGCM(master.secret).encrypt(wrap_nonce, data_key, _wrap_aad(master.key_id, context))
    ciphertext = AESGCM(data_key).encrypt(data_nonce, data, _data_aad(context))
    payload = _encode(wrap_nonce + wrapped + data_nonce + ciphertext)
    return f"{VERSION}:{master.key_id}:{payload}"


def unseal(token: str, *, context: str) -> bytes:
    """Open a sealed value; raises UnsealError, never returns garbage."""
    key_id, payload = _parts(token)
    master = keyring().find(key_id)
    wrap_nonce, rest = payload[:NONCE_BYTES], payload[NONCE_BYTES:]
    wrapped, rest = rest[:WRAPPED_KEY_BYTES], rest[WRAPPED_KEY_BYTES:]
    data_nonce, ciphertext = rest[:NONCE_BYTES], rest[NONCE_BYTES:]
    try:
        data_key = AESGCM(master.secret).decrypt(wrap_nonce, wrapped, _wrap_aad(key_id, context))
        return AESGCM(data_key).decrypt(data_nonce, ciphertext, _data_aad(context))
    except InvalidTag:
        raise UnsealError(
            f"A sealed value for {_context_label(context)} does not open: it was altered, or "
            "it was copied from another row or field."
        ) from None


def unseal_text(token: str, *, context: str) -> str:
    return unseal(token, context=context).decode()


def is_sealed(value: object) -> bool:
    """Whether ``value`` is written in the sealed format (it may still fail to open)."""
    return isinstance(value, str) and value.startswith(f"{VERSION}:")


def key_id_of(token: str) -> str:
    """The id of the master key that sealed ``token``."""
    return _parts(token)[0]


def reseal(token: str, *, context: str) -> str | None:
    """The value sealed afresh under the newest key, or None when it already is."""
    if key_id_of(token) == keyring().newest.key_id:
        return None
    return seal(unseal(token, context=context), context=context)


def _parts(token: str) -> tuple[str, bytes]:
    version, _, rest = token.partition(":")
    key_id, _, encoded = rest.partition(":")
    if version != VERSION or not key_id or not encoded:
        raise UnsealError(f"This is not a sealed value: it should start with '{VERSION}:'.")
    try:
        payload = base64.b64decode(
            encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True
        )
    except (binascii.Error, ValueError):
        payload = b""
    # Only the one canonical spelling is accepted, so that no character of a token can be
    # changed without the token being refused (base64's last character has spare bits).
    if _encode(payload) != encoded:
        raise UnsealError("This sealed value is damaged: its body is not base64.")
    if len(payload) < 2 * NONCE_BYTES + WRAPPED_KEY_BYTES + TAG_BYTES:
        raise UnsealError("This sealed value is damaged: it is too short.")
    return key_id, payload


def _encode(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


def _wrap_aad(key_id: str, context: str) -> bytes:
    return f"{VERSION}\0wrap\0{key_id}\0{_checked(context)}".encode()


def _data_aad(context: str) -> bytes:
    return f"{VERSION}\0data\0{_checked(context)}".encode()


def _checked(context: str) -> str:
    if not context:
        raise ValueError("A sealed value needs a context naming the row and field it belongs to.")
    return context


def _context_label(context: str) -> str:
    """The context without its row identity, which may itself be sensitive in a log."""
    return repr(context.split(":", 1)[0])
