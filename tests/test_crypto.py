"""Sealing values with the master key: what opens, what refuses to, and where the key lives."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tandem.core import crypto
from tandem.core.crypto import MasterKeyError, UnsealError

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()
CONTEXT = "tests.Thing.secret:42"


@pytest.fixture
def keys(settings):
    """Configure the master keys as TANDEM_MASTER_KEY would."""

    def configure(value: str) -> None:
        settings.TANDEM_MASTER_KEY = value

    configure(f"old:{OLD}")
    return configure


def test_a_sealed_value_opens_with_its_context(keys):
    token = crypto.seal("JBSWY3DPEHPK3PXP", context=CONTEXT)

    assert token.startswith("tdm1:old:")
    assert "JBSWY3DPEHPK3PXP" not in token
    assert crypto.unseal(token, context=CONTEXT) == b"JBSWY3DPEHPK3PXP"
    assert crypto.unseal_text(token, context=CONTEXT) == "JBSWY3DPEHPK3PXP"


def test_bytes_round_trip_and_each_seal_uses_a_fresh_data_key(keys):
    first = crypto.seal(b"\x00\xffsame", context=CONTEXT)
    second = crypto.seal(b"\x00\xffsame", context=CONTEXT)

    assert first != second
    assert crypto.unseal(first, context=CONTEXT) == crypto.unseal(second, context=CONTEXT)


def test_a_value_moved_to_another_row_or_field_does_not_open(keys):
    token = crypto.seal("secret", context="tests.Thing.secret:42")

    with pytest.raises(UnsealError, match="does not open: it was altered, or it was copied"):
        crypto.unseal(token, context="tests.Thing.secret:43")
    with pytest.raises(UnsealError):
        crypto.unseal(token, context="tests.Thing.other:42")


def test_changing_any_one_character_of_a_sealed_value_makes_it_refuse_to_open(keys):
    # The same key under a neighbouring id: an altered id must fail by its binding alone.
    keys(f"old:{OLD},olA:{OLD}")
    token = crypto.seal("secret", context=CONTEXT)

    for index, character in enumerate(token):
        altered = token[:index] + ("A" if character != "A" else "B") + token[index + 1 :]
        with pytest.raises(UnsealError):
            crypto.unseal(altered, context=CONTEXT)


def test_a_relabelled_key_id_does_not_open_even_when_that_key_exists(keys):
    keys(f"new:{NEW},old:{OLD}")
    token = crypto.seal("secret", context=CONTEXT)  # sealed under "new"
    keys(f"new:{NEW},old:{NEW}")  # same bytes under another id: the id is bound too

    with pytest.raises(UnsealError):
        crypto.unseal(token.replace("tdm1:new:", "tdm1:old:"), context=CONTEXT)


@pytest.mark.parametrize(
    ("token", "sentence"),
    [
        ("JBSWY3DPEHPK3PXP", "This is not a sealed value: it should start with 'tdm1:'."),
        ("tdm1:old:", "This is not a sealed value"),
        ("tdm1:old:c2hvcnQ", "This sealed value is damaged: it is too short."),
        ("tdm1:old:!!!!" + "A" * 120, "This sealed value is damaged: its body is not base64."),
    ],
)
def test_something_that_is_not_a_sealed_value_is_refused_with_a_sentence(keys, token, sentence):
    with pytest.raises(UnsealError) as refused:
        crypto.unseal(token, context=CONTEXT)

    assert str(refused.value).startswith(sentence)


def test_after_adding_a_new_key_old_values_open_and_new_ones_use_the_new_key(keys):
    old_token = crypto.seal("before", context=CONTEXT)
    keys(f"new:{NEW},old:{OLD}")

    new_token = crypto.seal("after", context=CONTEXT)

    assert crypto.key_id_of(new_token) == "new"
    assert crypto.unseal(old_token, context=CONTEXT) == b"before"
    assert crypto.reseal(new_token, context=CONTEXT) is None
    resealed = crypto.reseal(old_token, context=CONTEXT)
    assert resealed is not None
    assert crypto.key_id_of(resealed) == "new"
    keys(f"new:{NEW}")
    assert crypto.unseal(resealed, context=CONTEXT) == b"before"


def test_a_value_whose_key_was_removed_names_the_key_to_put_back(keys):
    token = crypto.seal("secret", context=CONTEXT)
    keys(f"new:{NEW}")

    with pytest.raises(UnsealError, match=r"master key 'old', which is no longer configured"):
        crypto.unseal(token, context=CONTEXT)


def test_a_bare_key_gets_a_stable_id_from_its_fingerprint(keys):
    keys(OLD)
    token = crypto.seal("secret", context=CONTEXT)

    assert crypto.key_id_of(token) == crypto.fingerprint(b"o" * 32)
    keys(f"new:{NEW},{OLD}")
    assert crypto.unseal(token, context=CONTEXT) == b"secret"


def test_url_safe_base64_keys_are_accepted():
    url_safe = base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode().rstrip("=")

    ring = crypto.parse_keys(f"k:{url_safe}", source="TANDEM_MASTER_KEY")

    assert ring.newest.secret == b"\xfb\xff" * 16


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        ("", "TANDEM_MASTER_KEY holds no key."),
        (" , ", "TANDEM_MASTER_KEY holds no key."),
        ("k1:not base64!", "TANDEM_MASTER_KEY's key number 1 is not valid base64."),
        (
            f"k1:{NEW},k2:{base64.b64encode(b'short').decode()}",
            "TANDEM_MASTER_KEY's key number 2 is 5 bytes long; a master key is 32 bytes",
        ),
        (f"k1:{NEW},k1:{OLD}", "TANDEM_MASTER_KEY names the key id 'k1' twice"),
        (f"a b:{NEW}", "TANDEM_MASTER_KEY's key number 1 has the id 'a b'"),
    ],
)
def test_a_key_written_wrongly_is_refused_with_a_sentence_saying_what_to_fix(value, sentence):
    with pytest.raises(MasterKeyError) as refused:
        crypto.parse_keys(value, source="TANDEM_MASTER_KEY")

    assert str(refused.value).startswith(sentence)
    assert NEW not in str(refused.value)  # a key is never repeated into an error or a log


def test_without_the_variable_a_key_file_readable_only_by_its_owner_is_made_once(
    settings, tmp_path
):
    settings.TANDEM_MASTER_KEY = ""
    settings.TANDEM_MASTER_KEY_FILE = tmp_path / "var" / "master_key"

    token = crypto.seal("secret", context=CONTEXT)

    path: Path = settings.TANDEM_MASTER_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [entry.name for entry in path.parent.iterdir()] == ["master_key"]
    written = path.read_text()
    crypto._load_keyring.cache_clear()  # as a new process would
    assert crypto.unseal(token, context=CONTEXT) == b"secret"
    assert path.read_text() == written
    assert crypto.key_id_of(token) == written.split(":", 1)[0]


def test_production_never_makes_a_key_file_and_says_what_to_set(settings, tmp_path):
    settings.IS_PRODUCTION = True
    settings.TANDEM_MASTER_KEY = ""
    settings.TANDEM_MASTER_KEY_FILE = tmp_path / "master_key"

    with pytest.raises(MasterKeyError, match="Set the TANDEM_MASTER_KEY environment variable"):
        crypto.seal("secret", context=CONTEXT)

    assert not settings.TANDEM_MASTER_KEY_FILE.exists()


def test_production_uses_an_existing_key_file(settings, tmp_path):
    settings.IS_PRODUCTION = True
    settings.TANDEM_MASTER_KEY = ""
    settings.TANDEM_MASTER_KEY_FILE = tmp_path / "master_key"
    settings.TANDEM_MASTER_KEY_FILE.write_text(f"ops-2026:{NEW}\n")

    assert crypto.key_id_of(crypto.seal("secret", context=CONTEXT)) == "ops-2026"


def test_production_start_up_stops_without_a_master_key(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TANDEM_", "DATABASE_URL"))
    }
    env.update(
        TANDEM_ENV="production",
        TANDEM_VAR_DIR=str(tmp_path),
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="tandem.example.com",
    )

    started = subprocess.run(
        [sys.executable, "-c", "import tandem.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert started.returncode != 0
    assert "Set the TANDEM_MASTER_KEY environment variable" in started.stderr
    assert not (tmp_path / "master_key").exists()


def test_a_context_is_required(keys):
    with pytest.raises(ValueError, match="needs a context"):
        crypto.seal("secret", context="")


def test_the_start_up_check_stops_a_mistyped_key_with_its_sentence(keys):
    assert crypto.check_master_keys() == []
    keys("k1:c2hvcnQ=")

    [error] = crypto.check_master_keys()

    assert error.id == "tandem.E001"
    assert error.msg.startswith("TANDEM_MASTER_KEY's key number 1 is 5 bytes long")
