"""Survey instruments as data: loading, validation, indicator values, age bands, texts.

An instrument is a JSON document in the format ``spona-survey-instrument/1`` (described in
``spona/surveys/data/README.md``): its questions with answer codes and texts in English and
Serbian Cyrillic, its indicators (each a rule over one question that makes every answer a
1 or a 0), and the KoboToolbox/ODK export column of every question. Serbian Latin is never
stored: :func:`localized` transliterates the Cyrillic.

Demographics and the sample design are not questions of an instrument: every wave has the
same standard columns (:data:`STANDARD_COLUMNS`). No instrument may ask about ethnicity
(:func:`validate` refuses it).

The shape of an instrument is a JSON Schema (``data/instrument.schema.json``, checked with
jsonschema); :func:`validate` adds the rules a schema cannot say and reports every problem
translated into the active language. Nothing here touches the database.
"""

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict

import numpy as np
import numpy.typing as npt
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from jsonschema import Draft202012Validator, ValidationError

from spona.core.translit import to_latin

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_PATH = DATA_DIR / "instrument.schema.json"
#: The instruments Spona ships, by instrument code.
DEFAULT_INSTRUMENTS: dict[str, Path] = {
    "citizens": DATA_DIR / "instrument_citizens.json",
    "professionals": DATA_DIR / "instrument_professionals.json",
}

#: Columns every wave has besides the questions, as a KoboToolbox/ODK export names them
#: (group/name): field -> export column. ``sex`` is ``female`` or ``male``; ``age`` whole
#: years; ``municipality`` the official municipality code (e.g. ``70939``); ``stratum`` and
#: ``psu`` free labels of the sample design; ``weight`` the design (base) weight.
STANDARD_COLUMNS: dict[str, str] = {
    "sex": "_respondent/sex",
    "age": "_respondent/age",
    "municipality": "_respondent/municipality",
    "stratum": "_design/stratum",
    "psu": "_design/psu",
    "weight": "_design/weight",
}
SEX_CODES = ("female", "male")

#: Age bands (lower bound, code). Each band runs to the next lower bound minus one; the last
#: is open. They aggregate the census's five-year groups (15-19 | 20-24, 25-29 | 30-34 ...
#: 40-44 | 45-49 ... 60-64 | 65+), so post-stratification and raking can use census margins.
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (15, "15-19"),
    (20, "20-29"),
    (30, "30-44"),
    (45, "45-64"),
    (65, "65+"),
)

# Word starts that would make a question about ethnicity, in English, Serbian Cyrillic and
# Serbian Latin. Checked against codes, texts and export columns.
_ETHNICITY = re.compile(
    r"(?<![^\W_])(ethnic|roma\b|romani|nationality|етни|роми\b|ромск|ромкињ|националн?ост"
    r"|etni|romi\b|romsk|romkinj|nacionaln?ost)",
    re.IGNORECASE,
)
_RULE_FOR_TYPE = {
    "single": "in",
    "likert": "in",
    "coded_text": "in",
    "multiple": "includes_any",
    "number": "at_least",
}


class Text(TypedDict):
    en: str
    sr: str


class Option(TypedDict):
    code: str
    text: Text


class Question(TypedDict):
    code: str
    type: Literal["single", "multiple", "likert", "number", "coded_text"]
    text: Text
    options: NotRequired[list[Option]]


class Indicator(TypedDict):
    code: str
    title: Text
    #: {"question": code} and exactly one of "in": [codes] (single, likert, coded_text),
    #: "includes_any": [codes] (multiple), "at_least": number (number)
    rule: dict[str, Any]


class Instrument(TypedDict):
    format: str
    code: str
    version: str
    population: Literal["citizens", "professionals"]
    title: Text
    source: Text
    questions: list[Question]
    indicators: list[Indicator]
    kobo: dict[str, str]


class InstrumentError(ValueError):
    """An instrument document that does not validate; ``problems`` lists every problem."""

    def __init__(self, problems: Sequence[str], where: str = "instrument") -> None:
        self.problems = list(problems)
        super().__init__(f"{where}: " + "; ".join(self.problems))


class AnswerError(ValueError):
    """An answer that the instrument does not allow (unknown code, not a number)."""


def load(path: str | Path) -> Instrument:
    """Read and validate an instrument file; raises :class:`InstrumentError` if invalid."""
    document = json.loads(
        Path(path).read_text(encoding="utf-8"), parse_constant=lambda name: _not_json(name, path)
    )
    problems = validate(document)
    if problems:
        raise InstrumentError(problems, where=str(path))
    instrument: Instrument = document
    return instrument


def _not_json(constant: str, path: str | Path) -> None:
    """Python reads NaN and Infinity, which JSON does not have: the file is refused."""
    problem = _("%(constant)s is not a JSON number") % {"constant": constant}
    raise InstrumentError([problem], where=str(path))


def load_default(code: str) -> Instrument:
    """One of the shipped instruments (``citizens`` or ``professionals``)."""
    if code not in DEFAULT_INSTRUMENTS:
        raise KeyError(f"no default instrument {code!r}; known: {sorted(DEFAULT_INSTRUMENTS)}")
    return load(DEFAULT_INSTRUMENTS[code])


# --- validation ----------------------------------------------------------------------------

# What a value must be, by the title of the schema it breaks (instrument.schema.json);
# the value found is quoted after it.
_EXPECTED: dict[str, Promise] = {
    "instrument": gettext_lazy("must be a JSON object in the format spona-survey-instrument/1"),
    "code": gettext_lazy(
        "must be a code: lower-case letters, digits and “_”, starting with a letter"
    ),
    "option code": gettext_lazy("must be an option code: lower-case letters, digits and “_”"),
    "export column": gettext_lazy("must be an export column name such as “group/name”"),
    "non-empty text": gettext_lazy("must be a non-empty text"),
    "Cyrillic text": gettext_lazy(
        "must be a non-empty text in Serbian Cyrillic, without Latin letters"
    ),
    "language": gettext_lazy(
        "texts are given in “en” and “sr” only (Serbian Latin is generated, never stored)"
    ),
}
# Breaking these schemas needs no value quoted: the message says it all.
_STATED: dict[str, Promise] = {
    "number question": gettext_lazy("a number question has no options"),
    "rule": gettext_lazy("needs “question” and exactly one of “in”, “includes_any” and “at_least”"),
}
_TYPES: dict[str, Promise] = {
    "object": gettext_lazy("an object"),
    "array": gettext_lazy("a list"),
    "string": gettext_lazy("a text"),
    "number": gettext_lazy("a number"),
}
# Items of these lists are named by their code (or their number when it has none).
_ITEMS: dict[str, tuple[Promise, Promise]] = {
    "questions": (gettext_lazy("question %(code)s"), gettext_lazy("question %(number)s")),
    "options": (gettext_lazy("option %(code)s"), gettext_lazy("option %(number)s")),
    "indicators": (gettext_lazy("indicator %(code)s"), gettext_lazy("indicator %(number)s")),
}


@lru_cache(maxsize=1)
def _schema_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validate(document: Any) -> list[str]:
    """Every problem of an instrument document, as translated messages; empty when valid.

    First the document's shape, against ``instrument.schema.json`` (format tag, codes,
    texts in English and Cyrillic Serbian, question types and their options, indicator
    rules); then, for a well-shaped document, what a schema cannot say: unique codes,
    Likert codes, that every rule refers to an existing question and its options with the
    rule kind that fits the question type, that the Kobo mapping names every question
    exactly once with distinct columns, and that nothing asks about ethnicity.
    """
    problems: list[str] = []
    for error in _schema_validator().iter_errors(document):
        problem = _say(document, list(error.absolute_path), _problem(error))
        if problem not in problems:  # a text both empty and not Cyrillic, said once
            problems.append(problem)
    if problems:
        return problems
    checks = (
        _code_problems,
        _likert_problems,
        _rule_problems,
        _kobo_problems,
        _ethnicity_problems,
    )
    return [_say(document, path, message) for check in checks for path, message in check(document)]


def _say(document: Any, path: Sequence[str | int], problem: str) -> str:
    return _("%(where)s: %(problem)s") % {"where": _where(document, path), "problem": problem}


def _where(document: Any, path: Sequence[str | int]) -> str:
    """A location in the document as people read it: ``question “heard” › text › sr``."""
    parts: list[str] = []
    node, parent = document, None
    for key in path:
        node = node[key]
        if isinstance(key, int) and parent in _ITEMS:
            named, numbered = _ITEMS[str(parent)]
            code = node.get("code") if isinstance(node, Mapping) else None
            parts[-1] = (
                str(named) % {"code": _shown(code)}
                if isinstance(code, str)
                else str(numbered) % {"number": key + 1}
            )
        else:
            parts.append(str(key))
        parent = key
    return " › ".join(parts) or str(_("the instrument"))


def _shown(value: Any) -> str:
    """A value quoted in the active language's quotation marks, shortened when long."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    short = text if len(text) <= 60 else text[:59] + "…"
    return pgettext("a value quoted in a message", "“%(value)s”") % {"value": short}


def _problem(error: ValidationError) -> str:
    """What is wrong, for one schema error: translated, saying what is expected."""
    keyword = error.validator
    value: Any = error.instance
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    rule: Any = error.validator_value
    if keyword == "required":
        missing = [key for key in rule if key not in value]
        return _("missing %(keys)s") % {"keys": _keys(missing)}
    if keyword == "additionalProperties":
        unknown = sorted(set(value) - set(schema.get("properties", {})))
        return _("unknown keys %(keys)s") % {"keys": _keys(unknown)}
    title = schema.get("title")
    if title in _STATED:
        return str(_STATED[title])
    if title in _EXPECTED:
        expected = str(_EXPECTED[title])
    elif keyword == "type":
        kind = _TYPES.get(str(rule), rule)
        expected = _("must be %(type)s") % {"type": kind}
    elif keyword == "enum":
        expected = _("must be one of %(values)s") % {"values": _keys(rule)}
    elif keyword == "const":
        expected = _("must be %(value)s") % {"value": _shown(rule)}
    elif keyword == "minItems":
        return _("must not be an empty list")
    else:  # a keyword this schema does not use
        expected = _("does not have the required form")
    return _("%(expected)s, found %(value)s") % {"expected": expected, "value": _shown(value)}


def _keys(keys: Iterable[Any]) -> str:
    return ", ".join(_shown(key) for key in keys)


#: A message or a text, and where it is in the document.
Located = tuple[list[str | int], str]


def _duplicates(items: Sequence[Mapping[str, Any]], where: list[str | int]) -> list[Located]:
    seen: set[str] = set()
    found: list[Located] = []
    for i, item in enumerate(items):
        if item["code"] in seen:
            found.append(([*where, i], str(_("this code is used twice"))))
        seen.add(item["code"])
    return found


def _code_problems(document: Instrument) -> list[Located]:
    found = _duplicates(document["questions"], ["questions"])
    found += _duplicates(document["indicators"], ["indicators"])
    for i, question in enumerate(document["questions"]):
        found += _duplicates(question.get("options", []), ["questions", i, "options"])
    return found


def _likert_problems(document: Instrument) -> list[Located]:
    found: list[Located] = []
    for i, question in enumerate(document["questions"]):
        codes = [option["code"] for option in question.get("options", [])]
        if question["type"] == "likert" and (
            codes != [str(k) for k in range(1, len(codes) + 1)] or not 3 <= len(codes) <= 11
        ):
            message = _("Likert options are coded “1” to “k” in order, 3 ≤ k ≤ 11; found %(codes)s")
            found.append((["questions", i], message % {"codes": _keys(codes)}))
    return found


def _rule_problems(document: Instrument) -> list[Located]:
    questions = {q["code"]: q for q in document["questions"]}
    found: list[Located] = []
    for i, indicator in enumerate(document["indicators"]):
        problem = _rule_problem(indicator["rule"], questions)
        if problem is not None:
            found.append((["indicators", i, "rule"], problem))
    return found


def _rule_problem(rule: Mapping[str, Any], questions: Mapping[str, Question]) -> str | None:
    """What is wrong with a well-shaped rule: its question, its kind or its option codes."""
    question = questions.get(rule["question"])
    if question is None:
        message = _("refers to question %(question)s, which the instrument does not have")
        return message % {"question": _shown(rule["question"])}
    kind = next(k for k in _RULE_FOR_TYPE.values() if k in rule)
    expected = _RULE_FOR_TYPE[question["type"]]
    if kind != expected:
        message = _(
            "question %(question)s is of type %(type)s and takes %(expected)s, not %(kind)s"
        )
        return message % {
            "question": _shown(question["code"]),
            "type": _shown(question["type"]),
            "expected": _shown(expected),
            "kind": _shown(kind),
        }
    known = [option["code"] for option in question.get("options", [])]
    unknown = [code for code in rule[kind] if code not in known] if kind != "at_least" else []
    if not unknown:
        return None
    message = _("question %(question)s has no options %(codes)s (its options: %(known)s)")
    return message % {
        "question": _shown(question["code"]),
        "codes": _keys(unknown),
        "known": _keys(sorted(known)),
    }


def _kobo_problems(document: Instrument) -> list[Located]:
    kobo = document["kobo"]
    questions = [q["code"] for q in document["questions"]]
    found: list[Located] = []
    missing = [code for code in questions if code not in kobo]
    if missing:
        message = _("no export column for the questions %(codes)s")
        found.append((["kobo"], message % {"codes": _keys(missing)}))
    unknown = [code for code in kobo if code not in questions]
    if unknown:
        message = _("export columns for questions the instrument does not have: %(codes)s")
        found.append((["kobo"], message % {"codes": _keys(unknown)}))
    standard = set(STANDARD_COLUMNS.values())
    used: dict[str, str] = {}
    for code, column in kobo.items():
        if column in standard:
            message = _("%(column)s is a standard column of every wave")
            found.append((["kobo", code], message % {"column": _shown(column)}))
        if column in used:
            message = _("column %(column)s is also the column of question %(other)s")
            found.append(
                (
                    ["kobo", code],
                    message % {"column": _shown(column), "other": _shown(used[column])},
                )
            )
        used[column] = code
    return found


def _ethnicity_problems(document: Instrument) -> list[Located]:
    """Codes, texts and export columns that refer to ethnicity or nationality."""
    places: list[Located] = []
    for i, question in enumerate(document["questions"]):
        at: list[str | int] = ["questions", i]
        places += [([*at, "code"], question["code"]), *_texts([*at, "text"], question["text"])]
        for j, option in enumerate(question.get("options", [])):
            there: list[str | int] = [*at, "options", j]
            places += [
                ([*there, "code"], option["code"]),
                *_texts([*there, "text"], option["text"]),
            ]
    for i, indicator in enumerate(document["indicators"]):
        places.append((["indicators", i, "code"], indicator["code"]))
    places += [(["kobo", code], column) for code, column in document["kobo"].items()]
    message = _("refers to ethnicity or nationality, which Spona never asks about")
    return [(where, message) for where, text in places if _ETHNICITY.search(text)]


def _texts(where: list[str | int], text: Text) -> list[Located]:
    """The English and the Serbian text, each with its place."""
    return [([*where, "en"], text["en"]), ([*where, "sr"], text["sr"])]


# --- answers and indicators ----------------------------------------------------------------


def answers_from_kobo(
    instrument: Instrument, rows: Iterable[Mapping[str, Any]]
) -> list[dict[str, str]]:
    """Rows keyed by export column (as a Kobo CSV/XLSX) -> answers keyed by question code.

    Blank cells are left out; other columns (standard and Kobo meta columns) are ignored.
    """
    mapping = [(code, column) for code, column in instrument["kobo"].items()]
    result = []
    for row in rows:
        answers = {}
        for code, column in mapping:
            value = row.get(column)
            if value is None:
                continue
            text = str(value).strip()
            if text:
                answers[code] = text
        result.append(answers)
    return result


def _scorer(question: Question, rule: Mapping[str, Any]) -> Any:
    """A function raw answer (non-empty, stripped) -> 1.0 or 0.0, raising AnswerError."""
    qtype = question["type"]
    code = question["code"]
    if qtype == "number":
        threshold = float(rule["at_least"])

        def number(raw: str) -> float:
            try:
                value = float(raw)
            except ValueError:
                raise AnswerError(f"question {code!r}: {raw!r} is not a number") from None
            if not math.isfinite(value):
                raise AnswerError(f"question {code!r}: {raw!r} is not a finite number")
            return 1.0 if value >= threshold else 0.0

        return number
    known = {option["code"] for option in question.get("options", [])}
    if qtype == "multiple":
        wanted = set(rule["includes_any"])

        def multiple(raw: str) -> float:
            chosen = set(raw.split())
            unknown = chosen - known
            if unknown:
                raise AnswerError(f"question {code!r}: unknown option(s) {sorted(unknown)}")
            return 1.0 if chosen & wanted else 0.0

        return multiple
    wanted = set(rule["in"])

    def single(raw: str) -> float:
        if raw not in known:
            raise AnswerError(f"question {code!r}: unknown option {raw!r}")
        return 1.0 if raw in wanted else 0.0

    return single


def indicator_values(
    instrument: Instrument, answers: Sequence[Mapping[str, str]]
) -> dict[str, npt.NDArray[np.float64]]:
    """For each indicator, one float per respondent: 1.0, 0.0, or NaN when not answered.

    ``answers`` are dicts question code -> raw string as stored (and as Kobo exports it):
    one option code for single, likert and coded-text questions; space-separated codes for
    multiple choice; a numeric string for numbers. A missing key, None or a blank string is
    "not answered". An answer the instrument does not allow raises :class:`AnswerError`
    naming the row (0-based).
    """
    questions = {q["code"]: q for q in instrument["questions"]}
    result: dict[str, npt.NDArray[np.float64]] = {}
    for indicator in instrument["indicators"]:
        rule = indicator["rule"]
        code = rule["question"]
        score = _scorer(questions[code], rule)
        cache: dict[str, float] = {}
        values = np.full(len(answers), np.nan, dtype=np.float64)
        for i, row in enumerate(answers):
            raw = row.get(code)
            if raw is None:
                continue
            value = cache.get(raw)
            if value is None:
                text = str(raw).strip()
                if not text:
                    continue
                try:
                    value = score(text)
                except AnswerError as error:
                    raise AnswerError(f"row {i}: {error}") from None
                cache[raw] = value
            values[i] = value
        result[indicator["code"]] = values
    return result


# --- demographics and texts ----------------------------------------------------------------


def age_band(age: int) -> str:
    """The age band of an age in whole years: ``15-19``, ``20-29``, ``30-44``, ``45-64``, ``65+``.

    Respondents are 15 or older (the census's adult margins start at 15); a younger age, a
    negative one or a non-integer raises ValueError.
    """
    if isinstance(age, bool) or not isinstance(age, int | np.integer):
        raise ValueError(f"age must be a whole number of years, found {age!r}")
    if age < AGE_BANDS[0][0]:
        raise ValueError(f"age {age} is below {AGE_BANDS[0][0]}, the youngest band")
    band = AGE_BANDS[0][1]
    for lower, code in AGE_BANDS:
        if age >= lower:
            band = code
    return band


def localized(text: Mapping[str, str]) -> str:
    """A text of an instrument in the active Django language.

    ``sr`` gives the Cyrillic, ``sr-latn`` its transliteration to Latin, ``en`` the English;
    any other language (or none active) falls back to Serbian Cyrillic.
    """
    from django.utils.translation import get_language

    language = (get_language() or "sr").lower().replace("_", "-")
    if language == "en" or language.startswith("en-"):
        return text["en"]
    if language in ("sr-latn", "sr@latin") or language.startswith("sr-latn"):
        return to_latin(text["sr"])
    return text["sr"]
