"""Upkeep of the translation catalogues, as plain functions over ``.po`` files.

Serbian Cyrillic (``sr``) is the catalogue translators edit. Serbian Latin (``sr_Latn``)
is generated from it by transliteration and never edited by hand. English (``en``) has
English msgids, so an empty msgstr is filled with the msgid and an editor may refine it.
Compilation uses polib, so no gettext binaries are needed at run time.

Only polib and :mod:`spona.core.translit` are needed here; the ``i18n_sync`` and
``i18n_compile`` management commands drive these functions.
"""

import os
import re
from pathlib import Path
from typing import Any

import polib

from spona.core.translit import to_latin

LATIN_LANGUAGE = "sr@latin"
GENERATED_NOTICE = (
    "GENERATED from locale/sr by transliteration (i18n_sync). Do not edit: "
    "edit the sr catalogue and run i18n_sync."
)
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")

type PathLike = str | os.PathLike[str]


def makemessages_options() -> dict[str, Any]:
    """Options of Django's ``makemessages`` for the catalogues (a fresh dict every call).

    ``makemessages`` extends the ignore list it is given in place, so the lists must not
    be shared between calls.
    """
    return {
        "locale": ["sr", "en"],
        "domain": "django",
        "no_obsolete": True,
        "add_location": "file",
        "ignore_patterns": ["var/*", ".venv/*", "tests/*", "bench/*", "artifacts/*"],
    }


def _nplurals(po: polib.POFile) -> int | None:
    match = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def sync_latin(sr_po_path: PathLike, latin_po_path: PathLike) -> int:
    """Write the Serbian Latin catalogue generated from the Cyrillic one.

    Every entry is copied as it is (context, plural msgid, flags including fuzzy,
    comments, occurrences, previous msgids, obsolete marker) with msgstr and every
    plural form transliterated. The metadata is copied with ``Language: sr@latin``. The
    output depends only on the input, byte for byte. Returns the number of entries.
    """
    source = polib.pofile(os.fspath(sr_po_path))
    latin = polib.POFile(wrapwidth=source.wrapwidth, encoding=source.encoding)
    latin.header = f"{GENERATED_NOTICE}\n{source.header}" if source.header else GENERATED_NOTICE
    latin.metadata = dict(source.metadata)
    latin.metadata["Language"] = LATIN_LANGUAGE
    latin.metadata_is_fuzzy = source.metadata_is_fuzzy
    for entry in source:
        latin.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgctxt=entry.msgctxt,
                msgstr=to_latin(entry.msgstr),
                msgstr_plural={
                    index: to_latin(text) for index, text in sorted(entry.msgstr_plural.items())
                },
                flags=list(entry.flags),
                comment=entry.comment,
                tcomment=entry.tcomment,
                occurrences=list(entry.occurrences),
                previous_msgctxt=entry.previous_msgctxt,
                previous_msgid=entry.previous_msgid,
                previous_msgid_plural=entry.previous_msgid_plural,
                obsolete=entry.obsolete,
                encoding=source.encoding,
            )
        )
    target = Path(latin_po_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    latin.save(os.fspath(target))
    return len(latin)


def _english_forms(entry: polib.POEntry) -> dict[int, str]:
    return {0: entry.msgid, 1: entry.msgid_plural}


def _is_stale_fill(entry: polib.POEntry) -> bool:
    """A fuzzy entry whose msgstr is just the previous msgid, i.e. an unrefined fill.

    msgmerge keeps the old msgstr and marks the entry fuzzy when a msgid changes a
    little; when that msgstr was only the old msgid copied over, nobody refined it.
    """
    if not entry.fuzzy or entry.previous_msgid is None:
        return False
    if entry.msgid_plural:
        previous_plural = entry.previous_msgid_plural or entry.msgid_plural
        return entry.msgstr_plural.get(0) == entry.previous_msgid and all(
            text == previous_plural for index, text in entry.msgstr_plural.items() if index
        )
    return bool(entry.msgstr == entry.previous_msgid)


def fill_english(en_po_path: PathLike) -> int:
    """Fill empty msgstr of the English catalogue with the (English) msgid.

    A non-empty msgstr is never overwritten: an editor may have refined the wording.
    The one exception is a fuzzy entry whose msgstr is the previous msgid verbatim (an
    earlier automatic fill that msgmerge carried over to a changed msgid): it is
    refilled and its fuzzy flag dropped. The file is rewritten only if something
    changed. Returns the number of entries filled.
    """
    po = polib.pofile(os.fspath(en_po_path))
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        changed = False
        if _is_stale_fill(entry):
            if entry.msgid_plural:
                entry.msgstr_plural = _english_forms(entry)
            else:
                entry.msgstr = entry.msgid
            entry.flags.remove("fuzzy")
            entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
            changed = True
        elif entry.msgid_plural:
            forms = dict(entry.msgstr_plural)
            for index, text in _english_forms(entry).items():
                if not forms.get(index):
                    forms[index] = text
            if forms != entry.msgstr_plural:
                entry.msgstr_plural = dict(sorted(forms.items()))
                changed = True
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
            changed = True
        if changed:
            filled += 1
    if filled:
        po.save()
    return filled


def pad_plural_forms(po_path: PathLike) -> int:
    """Give every plural entry the ``nplurals`` msgstr slots its Plural-Forms header asks for.

    makemessages creates a catalogue with the template's two plural slots (msgmerge
    gives the header's count only to entries added later), so whoever edits Serbian by
    hand would not see its third form. Existing forms are kept. The file is rewritten
    only if an entry was padded. Returns the number of entries padded.
    """
    po = polib.pofile(os.fspath(po_path))
    nplurals = _nplurals(po)
    padded = 0
    for entry in po:
        if nplurals and entry.msgid_plural and not entry.obsolete:
            missing = set(range(nplurals)) - set(entry.msgstr_plural)
            if missing:
                entry.msgstr_plural = dict(
                    sorted({**entry.msgstr_plural, **dict.fromkeys(missing, "")}.items())
                )
                padded += 1
    if padded:
        po.save()
    return padded


def compile_catalogues(locale_dir: PathLike) -> list[Path]:
    """Compile every ``*/LC_MESSAGES/*.po`` under ``locale_dir`` to the ``.mo`` beside it.

    Like msgfmt, fuzzy and untranslated entries are left out (the header is kept). Each
    ``.mo`` is replaced atomically, so a running process never reads half a file.
    Returns the ``.mo`` paths written.
    """
    written = []
    for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        tmp_path = mo_path.with_name(f".{mo_path.stem}.{os.getpid()}.tmp.mo")
        try:
            polib.pofile(os.fspath(po_path)).save_as_mofile(os.fspath(tmp_path))
            tmp_path.replace(mo_path)
        finally:
            tmp_path.unlink(missing_ok=True)
        written.append(mo_path)
    return written


def _is_translated(entry: polib.POEntry, nplurals: int | None) -> bool:
    if not entry.msgid_plural:
        return bool(entry.msgstr)
    forms = entry.msgstr_plural
    indices = range(nplurals) if nplurals else forms.keys()
    return bool(forms) and all(forms.get(index) for index in indices)


def untranslated(po_path: PathLike) -> list[str]:
    """Msgids of the entries that are fuzzy, or have an empty msgstr or plural form.

    Obsolete entries are ignored. Plural forms are checked against the ``nplurals``
    of the Plural-Forms header when there is one, so a missing form counts as empty.
    """
    po = polib.pofile(os.fspath(po_path))
    nplurals = _nplurals(po)
    return [
        entry.msgid
        for entry in po
        if not entry.obsolete and (entry.fuzzy or not _is_translated(entry, nplurals))
    ]
