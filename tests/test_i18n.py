"""Transliteration, catalogue upkeep (spona.core.i18n) and the committed catalogues.

The committed-catalogue tests read locale/{sr,sr_Latn,en}/LC_MESSAGES/django.po, which
the ``i18n_sync`` management command writes; they fail until it has been run.
"""

import gettext
import shutil
import unicodedata
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from unittest.mock import patch

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.commands.makemessages import Command as MakeMessagesCommand
from django.core.management.commands.makemessages import TranslatableFile
from django.template import Context, Engine, Template
from django.test import RequestFactory
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from spona.core import i18n
from spona.core.translit import to_latin

SERBIAN_CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"
SERBIAN_CYRILLIC += SERBIAN_CYRILLIC.upper()
SR_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
LANGUAGES = ("sr", "sr_Latn", "en")
SYNC_HINT = "run the i18n_sync management command"


def _is_cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def _repo_locale() -> Path:
    return Path(django_settings.BASE_DIR) / "locale"


def _catalogue(locale_dir: Path, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def _committed(language: str) -> Path:
    path = _catalogue(_repo_locale(), language)
    assert path.exists(), f"{path} is missing: {SYNC_HINT}"
    return path


def _new_catalogue(plural_forms: str = SR_PLURAL_FORMS, language: str = "sr") -> polib.POFile:
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "spona",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms,
    }
    return po


def _save(po: polib.POFile, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


# Transliteration -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Љубав", "Ljubav"),
        ("ЉУБАВ", "LJUBAV"),
        ("ЏЕП", "DŽEP"),
        ("ЊЕГОШ", "NJEGOŠ"),
        ("НЊЕГОШ", "NNJEGOŠ"),  # two letters: N, then NJ
        ("Њ", "Nj"),
        ("Његош", "Njegoš"),
        ("Џеп", "Džep"),
        ("КРАЉ И ЏЕЛАТ", "KRALJ I DŽELAT"),
        ("Ђорђе Ћирић", "Đorđe Ćirić"),
        ("жвачући шећер", "žvačući šećer"),
    ],
)
def test_to_latin_transliterates_serbian_cyrillic(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_to_latin_keeps_placeholders_and_markup_intact():
    assert to_latin("%(name)s {count} <b>х</b>") == "%(name)s {count} <b>h</b>"
    assert to_latin('<a href="/x?y=1">Особа %(name)s</a>, {0}') == (
        '<a href="/x?y=1">Osoba %(name)s</a>, {0}'
    )


@pytest.mark.parametrize(
    "text",
    ["", "Hello, %(name)s!", "Đorđe Ćirić, žvaka, šešir, Džep", "{count} <br/> 42 €", "ñ ü ß"],
)
def test_to_latin_leaves_non_cyrillic_text_unchanged(text):
    assert to_latin(text) == text


_NON_CYRILLIC = st.characters().filter(lambda char: not _is_cyrillic(char))


@given(st.text(alphabet=st.one_of(st.sampled_from(SERBIAN_CYRILLIC), _NON_CYRILLIC)))
def test_to_latin_output_contains_no_cyrillic_letters(text):
    # Serbian Cyrillic mixed with anything else; to_latin is documented to leave other
    # alphabets' Cyrillic letters (я, ы, ѝ ...) alone, so those are not generated.
    assert [char for char in to_latin(text) if _is_cyrillic(char) and char.isalpha()] == []


def test_to_latin_writes_every_character_alike_with_and_without_a_capital_digraph():
    # text without Љ, Њ, Џ goes through one translation table; with one of them, letter
    # by letter (a capital digraph's case follows its neighbours). Both must agree on
    # every character (the space keeps the digraph from seeing it).
    every = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000)
    assert to_latin(every + " Љ") == to_latin(every) + " Lj"


@given(st.text(alphabet=st.one_of(st.sampled_from(SERBIAN_CYRILLIC), st.characters())))
def test_to_latin_is_idempotent_on_its_own_output(text):
    once = to_latin(text)
    assert to_latin(once) == once


# spona.core.i18n on throwaway catalogues ----------------------------------------------


def test_sync_latin_transliterates_every_msgstr_and_copies_everything_else(tmp_path):
    sr = _new_catalogue()
    sr.header = "Spona."
    sr.append(
        polib.POEntry(
            msgid="Save",
            msgstr="Сачувај %(name)s",
            occurrences=[("spona/core/views.py", "")],
            comment="Translators: a button",
            tcomment="кратко",
            flags=["python-format"],
        )
    )
    sr.append(
        polib.POEntry(
            msgid="%(count)d person",
            msgid_plural="%(count)d people",
            msgstr_plural={0: "%(count)d особа", 1: "%(count)d особе", 2: "%(count)d ЉУДИ"},
        )
    )
    sr.append(polib.POEntry(msgid="May", msgctxt="month", msgstr="мај"))
    sr.append(
        polib.POEntry(msgid="Delete", msgstr="Обриши", flags=["fuzzy"], previous_msgid="Delete it")
    )
    sr_path = _save(sr, tmp_path / "sr.po")

    count = i18n.sync_latin(sr_path, tmp_path / "sr_Latn" / "LC_MESSAGES" / "django.po")

    latin = polib.pofile(str(tmp_path / "sr_Latn" / "LC_MESSAGES" / "django.po"))
    assert count == len(latin) == 4
    assert latin.metadata["Language"] == "sr@latin"
    assert latin.metadata["Plural-Forms"] == SR_PLURAL_FORMS
    assert "Spona." in latin.header
    save, people, may, delete = latin
    assert (save.msgstr, save.occurrences, save.comment, save.tcomment, save.flags) == (
        "Sačuvaj %(name)s",
        [("spona/core/views.py", "")],
        "Translators: a button",
        "кратко",
        ["python-format"],
    )
    assert people.msgid_plural == "%(count)d people"
    assert people.msgstr_plural == {
        0: "%(count)d osoba",
        1: "%(count)d osobe",
        2: "%(count)d LJUDI",
    }
    assert (may.msgctxt, may.msgstr) == ("month", "maj")
    assert (delete.msgstr, delete.fuzzy, delete.previous_msgid) == ("Obriši", True, "Delete it")


def test_sync_latin_output_is_byte_identical_for_the_same_input(tmp_path):
    sr = _new_catalogue()
    sr.append(polib.POEntry(msgid="Save", msgstr="Сачувај"))
    sr.append(polib.POEntry(msgid="a", msgid_plural="b", msgstr_plural={2: "в", 0: "а", 1: "б"}))
    sr_path = _save(sr, tmp_path / "sr.po")

    i18n.sync_latin(sr_path, tmp_path / "one.po")
    i18n.sync_latin(sr_path, tmp_path / "two.po")

    assert (tmp_path / "one.po").read_bytes() == (tmp_path / "two.po").read_bytes()


def test_fill_english_fills_empty_msgstr_with_msgid_and_keeps_edited_wording(tmp_path):
    en = _new_catalogue("nplurals=2; plural=(n != 1);", "en")
    en.append(polib.POEntry(msgid="Save", msgstr=""))
    en.append(polib.POEntry(msgid="Welcome", msgstr="Welcome!"))
    en.append(
        polib.POEntry(msgid="%(n)d file", msgid_plural="%(n)d files", msgstr_plural={0: "", 1: ""})
    )
    en.append(
        polib.POEntry(msgid="a case", msgid_plural="cases", msgstr_plural={0: "one case", 1: ""})
    )
    path = _save(en, tmp_path / "en.po")

    assert i18n.fill_english(path) == 3

    by_msgid = {entry.msgid: entry for entry in polib.pofile(str(path))}
    assert by_msgid["Save"].msgstr == "Save"
    assert by_msgid["Welcome"].msgstr == "Welcome!"
    assert by_msgid["%(n)d file"].msgstr_plural == {0: "%(n)d file", 1: "%(n)d files"}
    assert by_msgid["a case"].msgstr_plural == {0: "one case", 1: "cases"}
    assert i18n.fill_english(path) == 0


def test_fill_english_refreshes_an_unedited_fill_that_msgmerge_marked_fuzzy(tmp_path):
    en = _new_catalogue("nplurals=2; plural=(n != 1);", "en")
    en.append(
        polib.POEntry(
            msgid="Save the file",
            msgstr="Save file",
            flags=["fuzzy"],
            previous_msgid="Save file",
        )
    )
    en.append(
        polib.POEntry(
            msgid="Delete the file",
            msgstr="Remove this file",
            flags=["fuzzy"],
            previous_msgid="Delete file",
        )
    )
    path = _save(en, tmp_path / "en.po")

    assert i18n.fill_english(path) == 1

    refreshed, edited = polib.pofile(str(path))
    assert (refreshed.msgstr, refreshed.fuzzy, refreshed.previous_msgid) == (
        "Save the file",
        False,
        None,
    )
    assert (edited.msgstr, edited.fuzzy) == ("Remove this file", True)
    assert i18n.untranslated(path) == ["Delete the file"]


def test_untranslated_lists_empty_fuzzy_and_incomplete_plural_entries_but_not_obsolete(
    tmp_path,
):
    sr = _new_catalogue()
    sr.append(polib.POEntry(msgid="done", msgstr="готово"))
    sr.append(polib.POEntry(msgid="empty", msgstr=""))
    sr.append(polib.POEntry(msgid="fuzzy", msgstr="нејасно", flags=["fuzzy"]))
    sr.append(
        polib.POEntry(msgid="one", msgid_plural="many", msgstr_plural={0: "а", 1: "б", 2: "в"})
    )
    sr.append(
        polib.POEntry(msgid="hole", msgid_plural="holes", msgstr_plural={0: "а", 1: "", 2: "в"})
    )
    sr.append(polib.POEntry(msgid="two forms", msgid_plural="x", msgstr_plural={0: "а", 1: "б"}))
    sr.append(polib.POEntry(msgid="gone", msgstr="", obsolete=True))
    path = _save(sr, tmp_path / "sr.po")

    assert i18n.untranslated(path) == ["empty", "fuzzy", "hole", "two forms"]


def test_pad_plural_forms_adds_the_missing_serbian_form_and_keeps_the_others(tmp_path):
    sr = _new_catalogue()
    sr.append(polib.POEntry(msgid="one", msgid_plural="many", msgstr_plural={0: "а", 1: "б"}))
    sr.append(polib.POEntry(msgid="x", msgid_plural="y", msgstr_plural={0: "", 1: "", 2: ""}))
    path = _save(sr, tmp_path / "sr.po")

    assert i18n.pad_plural_forms(path) == 1

    padded, untouched = polib.pofile(str(path))
    assert padded.msgstr_plural == {0: "а", 1: "б", 2: ""}
    assert untouched.msgstr_plural == {0: "", 1: "", 2: ""}


def test_compiled_catalogue_is_readable_by_python_gettext(tmp_path):
    sr = _new_catalogue()
    sr.append(polib.POEntry(msgid="Save", msgstr="Сачувај"))
    sr.append(
        polib.POEntry(
            msgid="%(count)d person",
            msgid_plural="%(count)d people",
            msgstr_plural={0: "%(count)d особа", 1: "%(count)d особе", 2: "%(count)d особа"},
        )
    )
    sr.append(polib.POEntry(msgid="May", msgctxt="month", msgstr="мај"))
    sr.append(polib.POEntry(msgid="Delete", msgstr="Обриши", flags=["fuzzy"]))
    sr.append(polib.POEntry(msgid="Later", msgstr=""))
    _save(sr, _catalogue(tmp_path, "sr"))

    written = i18n.compile_catalogues(tmp_path)

    mo_path = _catalogue(tmp_path, "sr").with_suffix(".mo")
    assert written == [mo_path]
    assert sorted(p.name for p in mo_path.parent.iterdir()) == ["django.mo", "django.po"]
    with mo_path.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert catalogue.gettext("Save") == "Сачувај"
    assert catalogue.pgettext("month", "May") == "мај"
    forms = {n: catalogue.ngettext("%(count)d person", "%(count)d people", n) for n in (1, 3, 5)}
    assert forms == {1: "%(count)d особа", 3: "%(count)d особе", 5: "%(count)d особа"}
    assert catalogue.gettext("Delete") == "Delete", "fuzzy entries are left out"
    assert catalogue.gettext("Later") == "Later"
    assert catalogue.info()["plural-forms"] == SR_PLURAL_FORMS


def test_i18n_compile_command_compiles_the_catalogues_under_base_dir(tmp_path, settings):
    sr = _new_catalogue()
    sr.append(polib.POEntry(msgid="Save", msgstr="Сачувај"))
    _save(sr, _catalogue(tmp_path / "locale", "sr"))
    _save(sr, _catalogue(tmp_path / "locale", "en"))
    settings.BASE_DIR = tmp_path
    out = StringIO()

    call_command("i18n_compile", stdout=out)

    assert _catalogue(tmp_path / "locale", "sr").with_suffix(".mo").exists()
    assert _catalogue(tmp_path / "locale", "en").with_suffix(".mo").exists()
    assert out.getvalue().count("\n") == 1
    assert "2 catalogues" in out.getvalue()


def test_i18n_sync_command_builds_all_three_catalogues_for_a_project(
    tmp_path, settings, monkeypatch
):
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "views.py").write_text(
        "from django.utils.translation import gettext as _, ngettext\n"
        'SAVE = _("Save")\n'
        'FILES = ngettext("%(n)d file", "%(n)d files", 2)\n',
        encoding="utf-8",
    )
    (project / "var").mkdir()
    (project / "var" / "junk.py").write_text(
        'from django.utils.translation import gettext as _\nX = _("Ignored")\n', encoding="utf-8"
    )
    settings.BASE_DIR = project
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(tmp_path)
    out = StringIO()

    call_command("i18n_sync", stdout=out)

    assert Path.cwd() == tmp_path
    locale_dir = project / "locale"
    sr = {entry.msgid: entry for entry in polib.pofile(str(_catalogue(locale_dir, "sr")))}
    assert set(sr) == {"Save", "%(n)d file"}
    assert sr["%(n)d file"].msgstr_plural == {0: "", 1: "", 2: ""}
    assert i18n.untranslated(_catalogue(locale_dir, "en")) == []
    latin = polib.pofile(str(_catalogue(locale_dir, "sr_Latn")))
    assert latin.metadata["Language"] == "sr@latin"
    assert {entry.msgid for entry in latin} == set(sr)
    for language in LANGUAGES:
        assert _catalogue(locale_dir, language).with_suffix(".mo").exists()
    assert out.getvalue().count("\n") == 1
    assert "untranslated or fuzzy: sr 2, en 0" in out.getvalue()


# The committed catalogues ---------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_in_every_language(language):
    missing = i18n.untranslated(_committed(language))
    assert missing == [], (
        f"{len(missing)} untranslated or fuzzy entries in locale/{language} (a fuzzy entry "
        f"needs review; Serbian plurals need all three forms):\n  " + "\n  ".join(missing)
    )


def _translations(po: polib.POFile) -> dict[tuple[bool, str | None, str], tuple[object, ...]]:
    return {
        (entry.obsolete, entry.msgctxt, entry.msgid): (
            entry.msgid_plural,
            entry.msgstr,
            dict(sorted(entry.msgstr_plural.items())),
            entry.fuzzy,
        )
        for entry in po
    }


def test_latin_catalogue_is_generated_from_cyrillic(tmp_path):
    committed = polib.pofile(str(_committed("sr_Latn")))
    i18n.sync_latin(_committed("sr"), tmp_path / "django.po")
    generated = polib.pofile(str(tmp_path / "django.po"))

    assert committed.metadata.get("Language") == generated.metadata["Language"] == "sr@latin"
    assert _translations(committed) == _translations(generated), (
        f"locale/sr_Latn is not the transliteration of locale/sr: {SYNC_HINT}"
    )


class _MakeMessagesInto(MakeMessagesCommand):
    """makemessages writing into ``target`` whatever it would write into ``source``.

    Overriding LOCALE_PATHS is not enough: makemessages also adds ``./locale`` of the
    cwd to its locale paths, and while walking the tree puts every ``locale`` directory
    it meets first, so with cwd = BASE_DIR it would still write the repository's
    catalogues.
    """

    def __init__(self, target: Path, source: Path) -> None:
        super().__init__()
        self.target, self.source = str(target.resolve()), str(source.resolve())

    def find_files(self, root: str) -> list[TranslatableFile]:
        files = super().find_files(root)
        for file in files:
            locale_dir = file.locale_dir  # a str, or the NO_LOCALE_DIR sentinel
            if isinstance(locale_dir, str) and str(Path(locale_dir).resolve()) == self.source:
                file.locale_dir = self.target
        paths = [
            self.target if str(Path(p).resolve()) == self.source else p for p in self.locale_paths
        ]
        self.locale_paths = list(dict.fromkeys(paths))
        return files


def _msgids(path: Path) -> set[tuple[str | None, str, str]]:
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural)
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


def _describe(msgids: set[tuple[str | None, str, str]]) -> str:
    lines = [
        (f"[{ctx}] " if ctx else "") + repr(msgid) + (f" / {plural!r}" if plural else "")
        for ctx, msgid, plural in sorted(msgids, key=lambda m: (m[1], m[0] or "", m[2]))
    ]
    return "\n    ".join(lines) or "(none)"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_catalogues_are_in_sync_with_the_code(tmp_path, settings, monkeypatch):
    repo_locale = _repo_locale()
    committed = {language: _msgids(_committed(language)) for language in ("sr", "en")}
    before = _snapshot(repo_locale)
    tmp_locale = tmp_path / "locale"
    shutil.copytree(repo_locale, tmp_locale)
    settings.LOCALE_PATHS = [tmp_locale]
    monkeypatch.chdir(settings.BASE_DIR)  # makemessages walks the cwd; restored afterwards

    call_command(
        _MakeMessagesInto(tmp_locale, repo_locale), verbosity=0, **i18n.makemessages_options()
    )

    assert _snapshot(repo_locale) == before, "makemessages touched the repository's locale/"
    problems = []
    for language in ("sr", "en"):
        fresh = _msgids(_catalogue(tmp_locale, language))
        missing, extra = fresh - committed[language], committed[language] - fresh
        if missing or extra:
            problems.append(
                f"locale/{language}:\n  missing (in the code, not in the catalogue):\n    "
                f"{_describe(missing)}\n  extra (in the catalogue, no longer in the code):\n"
                f"    {_describe(extra)}"
            )
    assert not problems, f"Catalogues out of date, {SYNC_HINT}:\n" + "\n".join(problems)


def test_django_serves_each_language_from_its_compiled_catalogue(tmp_path, settings):
    sr = polib.pofile(str(_committed("sr")))
    known = next(
        (e for e in sr if e.msgstr and not (e.fuzzy or e.obsolete or e.msgctxt or e.msgid_plural)),
        None,
    )
    assert known is not None, f"locale/sr has no translated entry: {SYNC_HINT}"
    english = polib.pofile(str(_committed("en"))).find(known.msgid)
    shutil.copytree(_repo_locale(), tmp_path / "locale")
    i18n.compile_catalogues(tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    served = {}
    for language in ("sr", "sr-latn", "en"):
        with translation.override(language):
            served[language] = translation.gettext(known.msgid)

    assert served == {
        "sr": known.msgstr,
        "sr-latn": to_latin(known.msgstr),
        "en": english.msgstr if english else known.msgid,
    }


#: The language switcher as its included template wrote it before ``{% language_switcher %}``
#: (h18scope), the language list given by the test.
_SWITCHER_TEMPLATE = """{% load i18n spona_layout %}{% get_current_language as current %}
<form class="language-switcher" method="post" action="{% link 'set_language' %}">{% csrf_token %}
  <input type="hidden" name="next" value="{{ request.get_full_path }}">
  <fieldset>
    <legend class="visually-hidden">{% translate "Language" %}</legend>
    {% for code, name in languages %}
      <button type="submit" name="language" value="{{ code }}" lang="{% if code == 'sr-latn' %}sr-Latn{% else %}{{ code }}{% endif %}"{% if code == current %} aria-pressed="true"{% else %} aria-pressed="false"{% endif %}>{{ name }}</button>
    {% endfor %}
  </fieldset>
</form>
"""


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
@pytest.mark.parametrize("token", ["a-masked-token", None])
def test_the_language_switcher_is_written_as_its_template_wrote_it(language, token) -> None:
    request = RequestFactory().get("/cases/", {"q": '<script>"x"</script>', "page": "2"})
    old = Template(_SWITCHER_TEMPLATE)
    new = Template("{% load spona_i18n %}{% language_switcher %}")
    with translation.override(language):
        context = {"request": request, "languages": django_settings.LANGUAGES}
        if token is not None:
            context["csrf_token"] = token
        written = new.render(Context(context))
        assert written == old.render(Context(context))
    assert "&amp;page=2" in written  # the path escaped
    assert ('value="a-masked-token"' in written) is (token == "a-masked-token")


#: a template engine with Django's own ``i18n`` library (Spona's engine loads its own by that name)
_DJANGOS = Engine(libraries={"i18n": "django.templatetags.i18n"})


#: ``{% translate %}`` in each form it takes: a fixed text (kept per language), a text with a
#: percent sign, a variable, a filter, a message context, ``noop`` and ``as`` (a fixed text's
#: value, kept as well, before and after the text is written)
_TRANSLATE_FORMS = """{% autoescape MODE %}{% translate "Status" %}|{% translate "Status" %}|\
{% translate "50%% of <b>" as share %}{{ share }}|{% translate "50%% of <b>" %}|\
{% translate what %}|{% translate "Status"|upper %}|\
{% translate "Status" context "case" %}|{% translate "Status" noop %}|\
{% translate "Status" as status %}{{ status }}|{{ share|length }}{% endautoescape %}"""


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
@pytest.mark.parametrize("mode", ["on", "off"])
def test_a_kept_translation_is_what_djangos_tag_writes(language, mode) -> None:
    body = _TRANSLATE_FORMS.replace("MODE", mode)
    djangos = Template("{% load i18n %}" + body, engine=_DJANGOS)
    kept = Template("{% load i18n spona_i18n %}" + body)
    with translation.override(language):
        expected = djangos.render(Context({"what": "<Status>"}))
        first = kept.render(Context({"what": "<Status>"}))
        again = kept.render(Context({"what": "<Status>"}))

    assert first == again == expected
    assert ("&lt;Status&gt;" in expected) is (mode == "on")
    assert ("Статус" in expected) is (language == "sr")


def test_a_kept_translation_follows_the_language_and_the_catalogues(settings) -> None:
    page = Template('{% load i18n spona_i18n %}{% translate "Status" %}')
    written = {}
    for language in ("sr", "sr-latn", "en"):
        with translation.override(language):
            written[language] = page.render(Context())
    settings.LOCALE_PATHS = []  # no catalogue of Spona's: the text as the code writes it
    with translation.override("sr"):
        untranslated = page.render(Context())

    assert written == {"sr": "Статус", "sr-latn": "Status", "en": "Status"}
    assert untranslated == "Status"


def _templates() -> list[str]:
    """The names of every template of Spona's."""
    folders = [django_settings.BASE_DIR / "spona" / "templates"]
    folders += sorted((django_settings.BASE_DIR / "spona").glob("*/templates"))
    return sorted(
        {str(path.relative_to(folder)) for folder in folders for path in folder.rglob("*.html")}
    )


def test_every_template_keeps_its_fixed_texts() -> None:
    """``{% load i18n %}`` loads Spona's library (``TEMPLATES``' ``libraries``): each fixed
    ``{% translate %}`` text of every template is kept per language, not looked up on every
    render, and ``{% language %}`` is the library's own."""
    from django.template.loader import get_template
    from django.templatetags.i18n import LanguageNode, TranslateNode

    from spona.core.templatetags.spona_i18n import _fixed_text, _KeptTranslateNode, _LanguageNode

    names = _templates()
    assert "cases/case_detail.html" in names
    fixed = 0
    for name in names:
        nodelist = get_template(name).template.nodelist
        nodes = [n for n in nodelist.get_nodes_by_type(TranslateNode) if _fixed_text(n) is not None]
        assert all(isinstance(node, _KeptTranslateNode) for node in nodes), name
        fixed += len(nodes)
        languages = nodelist.get_nodes_by_type(LanguageNode)
        assert all(isinstance(node, _LanguageNode) for node in languages), name
    assert fixed > 1000


def test_spona_s_i18n_library_is_djangos_with_three_tags_of_its_own() -> None:
    from django.templatetags import i18n as djangos

    from spona.core.templatetags import spona_i18n

    library = spona_i18n.register
    assert set(djangos.register.tags) <= set(library.tags)
    assert library.filters == djangos.register.filters
    changed = {name for name, tag in djangos.register.tags.items() if library.tags[name] != tag}
    assert changed == {"translate", "trans", "language"}
    assert Engine.get_default().template_libraries["i18n"] is library


def test_no_library_name_but_i18n_is_given_to_two_modules() -> None:
    """Django's check of library names (``templates.W003``), silenced for ``i18n`` alone."""
    from collections import defaultdict

    from django.core import checks
    from django.template import engines
    from django.template.backends.django import get_template_tag_modules

    modules = defaultdict(set)
    for name, module in [*get_template_tag_modules(), *engines["django"].engine.libraries.items()]:
        modules[name].add(module)
    assert {name for name, found in modules.items() if len(found) > 1} == {"i18n"}
    assert django_settings.SILENCED_SYSTEM_CHECKS == ["templates.W003"]
    assert all(found.is_silenced() for found in checks.run_checks(tags=[checks.Tags.templates]))


def _asked(render: Callable[[], str]) -> tuple[str, int]:
    """What ``render`` writes, and how often the kept texts asked the active language."""
    from spona.core.templatetags import spona_i18n

    with patch.object(spona_i18n, "get_language", wraps=translation.get_language) as asked:
        written = render()
    return written, asked.call_count


def test_a_template_asks_the_language_once_for_all_its_fixed_texts() -> None:
    page = Template("{% load i18n %}" + '{% translate "Status" %} ' * 20)
    for language, status in (("sr", "Статус"), ("en", "Status"), ("sr", "Статус")):
        with translation.override(language):
            written, asked = _asked(lambda: page.render(Context()))
        assert written == f"{status} " * 20
        assert asked == 1


def test_a_language_block_writes_its_language_and_the_outer_one_after_it() -> None:
    """``{% language %}`` in a template, around an included template and around a block that
    a child template fills: its texts in its language, the rest in the page's."""
    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "status.html": '{% load i18n %}{% translate "Status" %}',
                    "parent.html": '{% load i18n %}{% translate "Status" %}|'
                    "{% language 'en' %}{% block inner %}{% endblock %}{% endlanguage %}|"
                    '{% translate "Status" %}',
                    "child.html": '{% extends "parent.html" %}{% load i18n %}'
                    '{% block inner %}{% translate "Status" %}{% endblock %}',
                },
            )
        ],
        libraries={"i18n": "spona.core.templatetags.spona_i18n"},
    )
    page = Template(
        '{% load i18n %}{% translate "Status" %}|{% language "en" %}{% translate "Status" %}|'
        '{% include "status.html" %}|{% language "sr-latn" %}{% translate "Status" %}'
        '{% endlanguage %}|{% translate "Status" %}{% endlanguage %}|{% translate "Status" %}|'
        '{% include "status.html" %}',
        engine=engine,
    )
    with translation.override("sr"):
        assert page.render(Context()) == "Статус|Status|Status|Status|Status|Статус|Статус"
        assert engine.get_template("child.html").render(Context()) == "Статус|Status|Статус"


def test_one_context_rendered_in_two_languages_writes_each() -> None:
    """The language is kept by the template's render, not by the context."""
    page = Template('{% load i18n %}{% translate "Status" %}')
    context = Context()
    with translation.override("en"):
        assert page.render(context) == "Status"
    with translation.override("sr"):
        assert page.render(context) == "Статус"
    node = page.nodelist[-1]  # a node rendered by itself asks the language every time
    with translation.override("en"):
        assert node.render(context) == "Status"
    with translation.override("sr"):
        assert node.render(context) == "Статус"


def test_no_template_tag_of_spona_s_changes_the_language_around_what_it_renders() -> None:
    """A template's language is asked once per template (``rendered_language``): a tag that
    rendered nodes of its template under ``translation.override`` would have them written in
    the template's language. ``{% language %}`` is the only one, and asks it again."""
    tags = sorted((django_settings.BASE_DIR / "spona").glob("**/templatetags/*.py"))
    assert len(tags) > 5
    for module in tags:
        source = module.read_text()
        changes = ("override(", "activate(", "deactivate(", "deactivate_all(")
        if module.name == "spona_i18n.py":
            source = source.replace(
                "with translation.override(self.language.resolve(context)):", ""
            )
        assert not any(change in source for change in changes), module
