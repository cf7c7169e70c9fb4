"""Identifying fields are encrypted at rest; keys rotate; exact search uses a blind index."""

import base64
import hashlib
import hmac
import json
import os
import random

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from spona.accounts.models import Role
from spona.core.keys import FernetOpener, _Signer
from spona.people.models import Person
from spona.people.selectors import person_list_page
from spona.people.services import person_register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _raw_database_text() -> str:
    """Every text value of the people and accounts tables, as the database holds them."""
    chunks = []
    with connection.cursor() as cursor:
        for table in ["people_person", "accounts_totpdevice"]:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            chunks += [str(value) for row in cursor.fetchall() for value in row]
    return " ".join(chunks)


def test_raw_database_holds_no_plaintext_name(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    person_register(
        user=user, given_name="Љиљана", family_name="Vukašinović", settlement="Велико Село"
    )
    raw = _raw_database_text()
    for plaintext in ["Љиљана", "Vukašinović", "Велико Село", "Ljiljana"]:
        assert plaintext not in raw
    assert Person.objects.get().given_name == "Љиљана"


def test_empty_and_missing_values_round_trip(make_user) -> None:
    person = person_register(user=make_user(), given_name="", family_name="Ilić")
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("", "Ilić")


def _stored(person: Person, *columns: str) -> tuple:
    """The person's ``columns`` as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM people_person WHERE id = %s",  # noqa: S608 - own names
            [person.pk],
        )
        return cursor.fetchone()


def _opened(token: str, settings) -> str:
    """``token`` opened by ``cryptography``'s own Fernet with the configured keys."""
    reference = MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])
    return reference.decrypt(token.encode()).decode()


def test_an_empty_value_is_stored_empty_and_a_filled_one_as_a_token(make_user, settings) -> None:
    """Issue 19: most of a person's fields are empty, and opening their tokens was most of a
    duplicate check's decrypting. An empty field is stored as '' (a raw reader learns only
    that it is empty), every filled one as a token."""
    person = person_register(
        user=make_user(), given_name="Љиљана", family_name="", settlement="Велико Село"
    )
    given, family, settlement, jmbg, address = _stored(
        person, "given_name", "family_name", "settlement", "jmbg", "address"
    )
    assert (family, jmbg, address) == ("", "", "")
    assert (_opened(given, settings), _opened(settlement, settings)) == ("Љиљана", "Велико Село")
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.jmbg) == ("Љиљана", "", "")


def test_a_token_of_an_empty_value_written_before_still_reads_empty(make_user, settings) -> None:
    """Rows written before empties were stored empty hold a token of ''. It still opens, and
    key rotation (which rewrites every value) stores it as '' from then on."""
    person = person_register(user=make_user(), given_name="Марија", family_name="")
    old_empty = Fernet(settings.FIELD_ENCRYPTION_KEYS[0]).encrypt(b"").decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_person SET family_name = %s WHERE id = %s", [old_empty, person.pk]
        )
    person.refresh_from_db()
    assert person.family_name == ""

    call_command("keys_rotate")

    assert _stored(person, "family_name") == ("",)
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Марија", "")


def test_the_encrypting_migration_step_leaves_empty_values_empty(make_user, settings) -> None:
    """``encrypt_column`` (the data migrations' step) agrees with the field: '' stays '',
    a plain value becomes a token, and the way back opens it again."""
    from types import SimpleNamespace

    from spona.core.fields import decrypt_column, encrypt_column

    person = person_register(user=make_user(), given_name="Марија", family_name="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET given_name = 'Марија' WHERE id = %s", [person.pk])
    editor = SimpleNamespace(connection=connection)
    for column in ("given_name", "family_name"):
        encrypt_column("people_person", column)(None, editor)
    given, family = _stored(person, "given_name", "family_name")
    assert (_opened(given, settings), family) == ("Марија", "")

    for column in ("given_name", "family_name"):
        decrypt_column("people_person", column)(None, editor)
    assert _stored(person, "given_name", "family_name") == ("Марија", "")


def test_a_json_value_stays_a_token_even_when_empty(settings) -> None:
    """``EncryptedJSONField`` keeps a token for every value: ``{}`` or ``[]`` is a shape
    worth hiding, and no JSON text is ''."""
    from spona.core.fields import EncryptedJSONField

    for value in ({}, [], ""):
        token = EncryptedJSONField().get_prep_value(value)
        assert token
        assert _opened(token, settings) == json.dumps(value)


def test_encrypted_fields_cannot_be_filtered_by_value() -> None:
    with pytest.raises(FieldError):
        Person.objects.filter(family_name="Ilić").count()


def test_exact_name_search_finds_both_scripts(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    person = person_register(user=user, given_name="Ђорђе", family_name="Јовановић")
    person_register(user=user, given_name="Đorđe", family_name="Petrović")
    for query in ["Ђорђе Јовановић", "Djordje Jovanovic", "đorđe  jovanović"]:
        shown = person_list_page(user=user, params={"name": query})["people"]
        assert [p.code for p in shown] == [person.code]


def test_key_rotation_reencrypts_with_the_new_key(make_user, settings) -> None:
    person = person_register(user=make_user(), given_name="Марија", family_name="Илић")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = _raw_database_text()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("keys_rotate")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone

    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Марија", "Илић")
    assert _raw_database_text() != before


def test_without_the_right_key_nothing_decrypts(make_user, settings) -> None:
    person = person_register(user=make_user(), given_name="Марија")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        Person.objects.get(pk=person.pk)


# --- issue 14, finding 3: every free text about a person encrypted, history included ------


def _every_raw_text() -> str:
    """Every text value of every table of the database, as the database holds it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks += [str(value) for row in cursor.fetchall() for value in row if value]
    return "\n".join(chunks)


def test_finding_03_no_free_text_of_the_demo_and_its_amendments_is_stored_in_plain(
    settings,
) -> None:
    """The probe found screening revisions (amendment snapshots), amendment reasons,
    conference agendas, decisions and task details in plain text. After the full demo and
    every free-text path on top of it (amendments included), the raw database holds none."""
    from datetime import timedelta

    from django.utils import timezone

    from spona.accounts.models import User
    from spona.cases.models import Case
    from spona.cases.services import break_glass_open, referral_act, referral_send
    from spona.conferences import services as conferences
    from spona.institutions.models import Institution, InstitutionType
    from spona.screening.services import screening_amend, screening_complete, screening_start
    from spona.signals.models import Signal
    from spona.signals.services import citizen_signal_submit, signal_dismiss
    from spona.workspace.demo_story import SIGNALS

    call_command("demo")
    manager = User.objects.get(username="pirot.casemanager")
    officer = User.objects.get(username="centre.officer")
    stories = {
        "notes": "Жртва каже да јој је газда одузео пасош у Нишу",
        "notes_amended": "Након разговора: газда је и претио породици",
        "amend_reason": "Накнадно сазнање од сестре жртве о претњама",
        "amend_reason_2": "Исправка: пасош је код ујака, не код газде",
        "referral": "Потребан смештај, ујак осумњичен за врбовање",
        "decline": "Немамо слободно место за жртву ове недеље",
        "dismissed": "Пријава се односи на комшијску свађу око ограде",
        "topic": "Смештај жртве у склониште, ујак осумњичен",
        "agenda": "Безбедност жртве и контакт са ујаком",
        "minutes": "Записник: жртва пристаје на смештај",
        "decision": "Сместити жртву у склониште до суда",
        "task": "Одвести жртву од ујака у склониште",
        "task_details": "Ујак зна адресу школе, пратња полиције",
        "break_glass": "Ноћни позив полиције, жртва у болници",
        "citizen": "Комшиница види девојку закључану у подруму",
        "citizen_contact": "064 123 4567 Весна",
    }
    # a screening, completed with notes, then amended twice (the revisions keep the old notes)
    screening = screening_start(user=manager)
    data = {"indicators": ["DR01", "DR02", "EC01", "EC02", "CD01", "CD02"]}
    screening_complete(
        user=manager,
        screening=screening,
        expected_version=1,
        data=data | {"notes": stories["notes"]},
    )
    screening.refresh_from_db()
    for reason, notes in [
        (stories["amend_reason"], stories["notes_amended"]),
        (stories["amend_reason_2"], stories["notes_amended"] + "."),
    ]:
        screening_amend(
            user=manager,
            screening=screening,
            expected_version=screening.version,
            data=data | {"notes": notes},
            reason=reason,
        )
        screening.refresh_from_db()
    assert screening.revisions.count() == 2
    # a referral with a reason, declined with a reason
    case = Case.objects.filter(opened_by=manager).order_by("pk").first()
    police = Institution.objects.get(
        type=InstitutionType.POLICE, municipality=manager.institution.municipality
    )
    referral = referral_send(
        user=manager, case=case, to=police, reason=stories["referral"], urgency="normal"
    )
    police_manager = UserFactory(role=Role.CASE_MANAGER, institution=police)
    referral_act(
        user=police_manager,
        referral=referral,
        expected_version=referral.version,
        action="decline",
        reason=stories["decline"],
    )
    # a signal dismissed with a reason; a citizen's signal with contact details
    signal = Signal.objects.filter(municipality=manager.institution.municipality).first()
    signal_dismiss(
        user=manager, signal=signal, expected_version=signal.version, reason=stories["dismissed"]
    )
    citizen_signal_submit(
        municipality=manager.institution.municipality,
        what_seen=stories["citizen"],
        contact=stories["citizen_contact"],
    )
    # a case conference: topic, agenda, minutes, a decision and its task
    conference = conferences.conference_convene(
        user=manager,
        case=case,
        topic=stories["topic"],
        agenda=stories["agenda"],
        phase="protection",
        held_on=timezone.now() + timedelta(days=1),
        participants=[manager.institution, officer.institution],
    )
    [decision] = conferences.conference_record(
        user=manager,
        conference=conference,
        expected_version=conference.version,
        minutes=stories["minutes"],
        decisions=[stories["decision"]],
    )
    conferences.task_create(
        user=manager,
        decision=decision,
        title=stories["task"],
        details=stories["task_details"],
        owner_institution=manager.institution,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    # break-glass by a case manager elsewhere
    elsewhere = User.objects.get(username="smederevo.casemanager")
    break_glass_open(user=elsewhere, code=case.code, reason=stories["break_glass"])

    raw = _every_raw_text()
    assert "Центар за заштиту жртава трговине људима" in raw  # the scan sees plain text
    demo_texts = [signal.text for signal in SIGNALS]
    found = [text for text in [*demo_texts, *stories.values()] if text in raw]
    assert found == []
    # and every one of them still reads back through the models
    assert screening.revisions.order_by("number").first().snapshot["notes"] == stories["notes"]
    assert screening.revisions.order_by("number").last().reason == stories["amend_reason_2"]


MIGRATED = [
    ("cases", "0005_alter_referral_urgency", "0006_encrypt_free_text"),
    ("conferences", "0001_initial", "0002_encrypt_free_text"),
    ("screening", "0003_rules_version_risk_factors_offences", "0004_encrypt_free_text"),
    ("signals", "0002_alter_signal_urgency", "0003_encrypt_free_text"),
]


def _migrate(position: int) -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([(app, names[position]) for app, *names in MIGRATED])


def _migrate_to_latest() -> None:
    """Every app at its latest migration again, as the rest of the suite expects."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_finding_03_the_migrations_encrypt_the_rows_already_there(world) -> None:
    """Rows written before the change (plain) are encrypted by the data migrations, and the
    way back decrypts them: on either database."""
    from spona.screening.models import Screening, ScreeningRevision
    from spona.screening.services import screening_amend

    manager = world.users[Role.CASE_MANAGER]
    screening = Screening.objects.get(pk=world.completed_pk)
    screening_amend(
        user=manager,
        screening=screening,
        expected_version=screening.version,
        data={"notes": "Сестра жртве је видела пасош код газде"},
        reason="Ново сазнање од сестре жртве",
    )
    texts = ["Ново сазнање од сестре жртве", "Смештај", "Обезбедити смештај", "Заштита"]
    assert not [text for text in texts if text in _every_raw_text()]
    try:
        _migrate(0)  # back to plain columns: what the database held before issue 14
        assert all(text in _every_raw_text() for text in texts)
        _migrate(1)  # the data migrations encrypt what is there
        assert not [text for text in texts if text in _every_raw_text()]
        revision = ScreeningRevision.objects.get(screening=screening)
        assert revision.reason == "Ново сазнање од сестре жртве"
        assert isinstance(revision.snapshot, dict)
    finally:
        _migrate_to_latest()  # later tests (the backup's) need every column there


# --- issue 18: values are opened without Fernet's per-token cipher objects -----------------


def _signed(key: bytes, body: bytes) -> bytes:
    """A Fernet token of ``body`` (version, time stamp, IV, ciphertext) signed with ``key``."""
    raw = base64.urlsafe_b64decode(key)
    return base64.urlsafe_b64encode(body + hmac.digest(raw[:16], body, hashlib.sha256))


def _badly_padded(key: bytes, block: bytes) -> bytes:
    """A correctly signed token of the one ``block`` as it is, without padding."""
    raw, iv = base64.urlsafe_b64decode(key), os.urandom(16)
    encryptor = Cipher(algorithms.AES(raw[16:]), modes.CBC(iv)).encryptor()
    return _signed(key, b"\x80" + bytes(8) + iv + encryptor.update(block) + encryptor.finalize())


def test_tokens_open_as_fernet_opens_them() -> None:
    """The opener (``spona.core.keys.FernetOpener``) gives what ``cryptography``'s
    MultiFernet gives, and refuses what it refuses: other keys, every changed byte, cut or
    lengthened tokens, signed tokens with bad padding."""
    old, new, other = (Fernet.generate_key() for _ in range(3))
    reference = MultiFernet([Fernet(new), Fernet(old)])
    opener = FernetOpener((new.decode(), old.decode()))
    rng = random.Random(18)
    texts = [os.urandom(n) for n in range(70)] + ["Љиљана Вукашиновић".encode()]
    tokens = [Fernet(rng.choice([new, old])).encrypt(text) for text in texts]
    for text, token in zip(texts, tokens, strict=True):
        assert opener.decrypt(token) == reference.decrypt(token) == text

    def refused(token: bytes) -> None:
        with pytest.raises(InvalidToken):
            reference.decrypt(token)
        with pytest.raises(InvalidToken):
            opener.decrypt(token)

    token = tokens[-1]
    raw = base64.urlsafe_b64decode(token)
    for position in range(len(raw)):
        changed = bytearray(raw)
        changed[position] ^= 1 << rng.randrange(8)
        refused(base64.urlsafe_b64encode(changed))
    refused(Fernet(other).encrypt(b"secret"))
    for cut in (0, 1, 9, 40, 72, len(token) - 4):
        refused(token[:cut])
    refused(token + b"AAAA")
    refused(b"not a token at all")
    for block in (b"0" * 15 + b"\x00", b"0" * 15 + b"\x11", b"0" * 13 + b"\x02\x03\x03"):
        refused(_badly_padded(new, block))


def test_the_opener_signs_as_hmac_does() -> None:
    """The opener's HMAC-SHA256 (the key's padded blocks hashed once) is ``hmac``'s, for
    keys up to SHA-256's block and messages of any length, each signer used many times."""
    rng = random.Random(20)
    for size in (0, 1, 16, 32, 63, 64):
        key = os.urandom(size)
        signer = _Signer(key)
        for length in (0, 1, 55, 56, 64, 65, 119, 200, rng.randrange(1000)):
            message = os.urandom(length)
            assert signer.sign(message) == hmac.digest(key, message, "sha256")
    with pytest.raises(ValueError, match="hashed first"):
        _Signer(os.urandom(65))


def test_tokens_opened_all_at_once_open_as_one_by_one() -> None:
    """``FernetOpener.decrypt_all`` (one AES call for a batch) gives what MultiFernet gives
    each token, empties as empties, in order, under either key; one changed byte anywhere
    in a batch, or a token under another key, refuses the batch."""
    old, new, other = (Fernet.generate_key() for _ in range(3))
    reference = MultiFernet([Fernet(new), Fernet(old)])
    opener = FernetOpener((new.decode(), old.decode()))
    rng = random.Random(19)
    texts = [os.urandom(rng.randrange(60)) for _ in range(300)] + ["Ђорђе Љубић".encode()]
    tokens = [Fernet(rng.choice([new, old])).encrypt(text) for text in texts]
    batch = [rng.choice([token, b""]) for token in tokens]
    assert opener.decrypt_all(batch) == [reference.decrypt(t) if t else b"" for t in batch]
    assert opener.decrypt_all([]) == []
    for position in (0, 9, 30, 57, len(base64.urlsafe_b64decode(tokens[5])) - 1):
        changed = bytearray(base64.urlsafe_b64decode(tokens[5]))
        changed[position] ^= 1 << rng.randrange(8)
        with pytest.raises(InvalidToken):
            opener.decrypt_all([*tokens[:5], base64.urlsafe_b64encode(changed), *tokens[6:]])
    with pytest.raises(InvalidToken):
        opener.decrypt_all([*tokens, Fernet(other).encrypt(b"secret")])
    with pytest.raises(InvalidToken):
        opener.decrypt_all([_badly_padded(new, b"0" * 15 + b"\x11")])
    with pytest.raises(TypeError):
        opener.decrypt_all(["gAAAAA"])  # type: ignore[list-item]


def test_the_opener_refuses_what_fernet_refuses_at_construction_and_call() -> None:
    """No key, or a key of another length than Fernet's 32 bytes, is refused when the
    opener is made (not at its first token); a token that is not bytes is a TypeError."""
    with pytest.raises(ValueError, match="at least one Fernet"):
        MultiFernet([])
    with pytest.raises(ValueError, match="at least one Fernet"):
        FernetOpener(())
    for size in (16, 40, 48):
        key = base64.urlsafe_b64encode(os.urandom(size))
        with pytest.raises(ValueError, match="32 url-safe"):
            Fernet(key)
        with pytest.raises(ValueError, match="32 url-safe"):
            FernetOpener((key.decode(),))
    opener = FernetOpener((Fernet.generate_key().decode(),))
    with pytest.raises(TypeError):
        opener.decrypt(bytearray(b"gAAAAA"))  # type: ignore[arg-type]


def test_a_key_whose_signature_matches_but_whose_padding_does_not_passes_to_the_next() -> None:
    """As MultiFernet: keys sharing a signing half (never generated, but possible by hand)
    do not stop at the first whose MAC matches when its padding is wrong."""
    first = base64.urlsafe_b64decode(Fernet.generate_key())
    second = base64.urlsafe_b64encode(first[:16] + os.urandom(16))
    first_key = base64.urlsafe_b64encode(first)
    token = Fernet(second).encrypt(b"x" * 15)
    while _opens(Fernet(first_key), token):  # by chance (1 in ~256) valid padding for both
        token = Fernet(second).encrypt(b"x" * 15)
    reference = MultiFernet([Fernet(first_key), Fernet(second)])
    opener = FernetOpener((first_key.decode(), second.decode()))
    assert opener.decrypt(token) == reference.decrypt(token) == b"x" * 15
    assert opener.decrypt_all([token, token]) == [b"x" * 15] * 2


def _opens(fernet: Fernet, token: bytes) -> bool:
    try:
        fernet.decrypt(token)
    except InvalidToken:
        return False
    return True


def test_an_empty_or_missing_value_is_read_without_asking_decrypt(monkeypatch) -> None:
    """Most encrypted values are empty (three of a signal's four): ``''`` and ``NULL`` are
    read as they are (issue 18); a token is opened."""
    from spona.core import fields

    asked: list[str] = []
    monkeypatch.setattr(fields, "decrypt", lambda token: asked.append(token) or "opened")
    field = fields.EncryptedTextField()
    assert field.from_db_value("", None, connection) == ""  # type: ignore[arg-type]
    assert field.from_db_value(None, None, connection) is None  # type: ignore[arg-type]
    assert asked == []
    assert field.from_db_value("gAAAA", None, connection) == "opened"  # type: ignore[arg-type]
    assert asked == ["gAAAA"]
