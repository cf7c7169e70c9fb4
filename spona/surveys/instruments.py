"""Survey instruments as data: loading, validation, indicator values, age bands, texts.

An instrument is a JSON document in the format ``spona-survey-instrument/1`` (described in
``spona/surveys/data/README.md``): its questions with answer codes and texts in English and
Serbian Cyrillic, its indicators (each a rule over one question that makes every answer a
1 or a 0), and the KoboToolbox/ODK export column of every question. Serbian Latin is never
stored: :func:`localized` transliterates the Cyrillic.

Demographics and the sample design are not questions of an instrument: every wave has the
same standard columns (:data:`STANDARD_COLUMNS`). No instrument may ask about ethnicity
(:func:`validate` refuses it).

Only numpy and :mod:`spona.core.translit` are needed here, apart from Django's active
language in :func:`localized`; nothing touches the database.
"""

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict

import numpy as np
import numpy.typing as npt

from spona.core.translit import to_latin

FORMAT = "spona-survey-instrument/1"
DATA_DIR = Path(__file__).resolve().parent / "data"
#: The instruments Spona ships, by instrument code.
DEFAULT_INSTRUMENTS: dict[str, Path] = {
    "citizens": DATA_DIR / "instrument_citizens.json",
    "professionals": DATA_DIR / "instrument_professionals.json",
}
QUESTION_TYPES = ("single", "multiple", "likert", "number", "coded_text")
POPULATIONS = ("citizens", "professionals")
LANGUAGES = ("en", "sr")

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

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_OPTION_CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_KOBO_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*(/[A-Za-z_][A-Za-z0-9_.\-]*)*$")
_LATIN = re.compile(r"[A-Za-z]")
# Word starts that would make a question about ethnicity, in English, Serbian Cyrillic and
# Serbian Latin. Checked against codes, texts and export columns.
_ETHNICITY = re.compile(
    r"(?<![^\W_])(ethnic|roma\b|romani|nationality|етни|роми\b|ромск|ромкињ|националн?ост"
    r"|etni|romi\b|romsk|romkinj|nacionaln?ost)",
    re.IGNORECASE,
)
_RULE_KINDS = ("in", "includes_any", "at_least")
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
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = validate(document)
    if problems:
        raise InstrumentError(problems, where=str(path))
    instrument: Instrument = document
    return instrument


def load_default(code: str) -> Instrument:
    """One of the shipped instruments (``citizens`` or ``professionals``)."""
    if code not in DEFAULT_INSTRUMENTS:
        raise KeyError(f"no default instrument {code!r}; known: {sorted(DEFAULT_INSTRUMENTS)}")
    return load(DEFAULT_INSTRUMENTS[code])


# --- validation ----------------------------------------------------------------------------


def _text_problems(value: Any, where: str) -> list[str]:
    if not isinstance(value, Mapping):
        return [f"{where}: must be an object with 'en' and 'sr' texts"]
    problems = []
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: the {language!r} text is missing or empty")
    extra = sorted(set(value) - set(LANGUAGES))
    if extra:
        problems.append(
            f"{where}: unknown language(s) {extra} (Serbian Latin is generated, never stored)"
        )
    sr = value.get("sr")
    if isinstance(sr, str) and _LATIN.search(sr):
        problems.append(f"{where}: the 'sr' text must be in Cyrillic, found Latin letters")
    return problems


def _ethnicity_problems(value: Any, where: str) -> list[str]:
    if isinstance(value, str) and _ETHNICITY.search(value):
        return [f"{where}: refers to ethnicity or nationality, which Spona never asks about"]
    return []


def _options_problems(question: Mapping[str, Any], where: str) -> list[str]:
    kind = question.get("type")
    options = question.get("options")
    if kind == "number":
        return [] if options is None else [f"{where}: a number question has no options"]
    if not isinstance(options, list) or not options:
        return [f"{where}: a {kind} question needs a non-empty 'options' list"]
    problems: list[str] = []
    seen: set[str] = set()
    for j, option in enumerate(options):
        at = f"{where}.options[{j}]"
        if not isinstance(option, Mapping):
            problems.append(f"{at}: must be an object")
            continue
        code = option.get("code")
        if not isinstance(code, str) or not _OPTION_CODE.match(code):
            problems.append(f"{at}: code {code!r} must be lower-case letters, digits, '_'")
            continue
        if code in seen:
            problems.append(f"{at}: duplicate option code {code!r}")
        seen.add(code)
        problems += _text_problems(option.get("text"), f"{at} ({code})")
        problems += _ethnicity_problems(code, f"{at}.code")
        for language in LANGUAGES:
            text = (option.get("text") or {}).get(language)
            problems += _ethnicity_problems(text, f"{at} ({code}).{language}")
    if kind == "likert":
        codes = [o.get("code") for o in options if isinstance(o, Mapping)]
        expected = [str(k) for k in range(1, len(codes) + 1)]
        if codes != expected or not 3 <= len(codes) <= 11:
            problems.append(
                f"{where}: likert option codes must be '1'..'k' in order (3 <= k <= 11), "
                f"found {codes}"
            )
    return problems


def _question_problems(question: Any, index: int) -> list[str]:
    where = f"questions[{index}]"
    if not isinstance(question, Mapping):
        return [f"{where}: must be an object"]
    code = question.get("code")
    if isinstance(code, str):
        where = f"question {code!r}"
    if not isinstance(code, str) or not _CODE.match(code):
        return [f"{where}: code {code!r} must start with a letter; lower-case letters, digits, '_'"]
    problems = _ethnicity_problems(code, f"{where}.code")
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        problems.append(f"{where}: unknown type {kind!r} (known: {', '.join(QUESTION_TYPES)})")
    problems += _text_problems(question.get("text"), f"{where}.text")
    for language in LANGUAGES:
        problems += _ethnicity_problems(
            (question.get("text") or {}).get(language), f"{where}.text.{language}"
        )
    if kind in QUESTION_TYPES:
        problems += _options_problems(question, where)
    extra = sorted(set(question) - {"code", "type", "text", "options"})
    if extra:
        problems.append(f"{where}: unknown key(s) {extra}")
    return problems


def _rule_problems(rule: Any, where: str, questions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    if not isinstance(rule, Mapping):
        return [f"{where}.rule: must be an object"]
    target = rule.get("question")
    if not isinstance(target, str) or target not in questions:
        return [f"{where}.rule: refers to question {target!r}, which the instrument does not have"]
    kinds = [k for k in _RULE_KINDS if k in rule]
    extra = sorted(set(rule) - {"question", *_RULE_KINDS})
    if extra:
        return [f"{where}.rule: unknown key(s) {extra}"]
    if len(kinds) != 1:
        return [f"{where}.rule: needs exactly one of 'in', 'includes_any', 'at_least'"]
    kind = kinds[0]
    question = questions[target]
    qtype = question.get("type")
    expected = _RULE_FOR_TYPE.get(str(qtype))
    if expected is not None and kind != expected:
        return [f"{where}.rule: a {qtype} question {target!r} takes {expected!r}, not {kind!r}"]
    value = rule[kind]
    if kind == "at_least":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return [f"{where}.rule: 'at_least' must be a finite number, found {value!r}"]
        return []
    if not isinstance(value, list) or not value or not all(isinstance(c, str) for c in value):
        return [f"{where}.rule: {kind!r} must be a non-empty list of option codes"]
    known = {o.get("code") for o in question.get("options") or [] if isinstance(o, Mapping)}
    unknown = [c for c in value if c not in known]
    if unknown:
        return [
            f"{where}.rule: option code(s) {unknown} do not exist in question {target!r} "
            f"(options: {sorted(c for c in known if isinstance(c, str))})"
        ]
    return []


def validate(document: Any) -> list[str]:
    """Every problem of an instrument document, as readable messages; empty when valid.

    Checks the format tag, codes and texts (English and Cyrillic Serbian everywhere), question
    types and their options, that every indicator rule refers to an existing question and its
    options with the rule kind that fits the question type, that the Kobo mapping names every
    question exactly once with distinct columns, and that nothing asks about ethnicity.
    """
    if not isinstance(document, Mapping):
        return ["the instrument must be a JSON object"]
    problems: list[str] = []
    if document.get("format") != FORMAT:
        problems.append(f"format must be {FORMAT!r}, found {document.get('format')!r}")
    for key in ("code", "version"):
        value = document.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key!r} must be a non-empty string")
    if document.get("population") not in POPULATIONS:
        problems.append(
            f"population must be one of {list(POPULATIONS)}, found {document.get('population')!r}"
        )
    problems += _text_problems(document.get("title"), "title")
    problems += _text_problems(document.get("source"), "source")
    extra = sorted(set(document) - set(Instrument.__annotations__))
    if extra:
        problems.append(f"unknown top-level key(s) {extra}")

    questions: dict[str, Mapping[str, Any]] = {}
    raw_questions = document.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append("'questions' must be a non-empty list")
        raw_questions = []
    for i, question in enumerate(raw_questions):
        problems += _question_problems(question, i)
        if isinstance(question, Mapping) and isinstance(question.get("code"), str):
            code = question["code"]
            if code in questions:
                problems.append(f"question {code!r}: duplicate question code")
            questions[code] = question

    raw_indicators = document.get("indicators")
    if not isinstance(raw_indicators, list):
        problems.append("'indicators' must be a list")
        raw_indicators = []
    seen: set[str] = set()
    for i, indicator in enumerate(raw_indicators):
        where = f"indicators[{i}]"
        if not isinstance(indicator, Mapping):
            problems.append(f"{where}: must be an object")
            continue
        code = indicator.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            problems.append(f"{where}: code {code!r} must be lower-case letters, digits, '_'")
            continue
        where = f"indicator {code!r}"
        if code in seen:
            problems.append(f"{where}: duplicate indicator code")
        seen.add(code)
        problems += _text_problems(indicator.get("title"), f"{where}.title")
        problems += _ethnicity_problems(code, f"{where}.code")
        problems += _rule_problems(indicator.get("rule"), where, questions)
        extra = sorted(set(indicator) - {"code", "title", "rule"})
        if extra:
            problems.append(f"{where}: unknown key(s) {extra}")

    kobo = document.get("kobo")
    if not isinstance(kobo, Mapping):
        problems.append("'kobo' must be an object mapping question codes to export columns")
        kobo = {}
    missing = [code for code in questions if code not in kobo]
    if missing:
        problems.append(f"kobo: no export column for question(s) {missing}")
    unknown = [code for code in kobo if code not in questions]
    if unknown:
        problems.append(f"kobo: maps question(s) {unknown}, which the instrument does not have")
    columns: dict[str, str] = {}
    standard = set(STANDARD_COLUMNS.values())
    for code, column in kobo.items():
        if not isinstance(column, str) or not _KOBO_COLUMN.match(column):
            problems.append(f"kobo[{code!r}]: {column!r} is not a group/name column name")
            continue
        if column in standard:
            problems.append(f"kobo[{code!r}]: {column!r} is a standard column of every wave")
        if column in columns:
            problems.append(
                f"kobo[{code!r}]: column {column!r} is also used by {columns[column]!r}"
            )
        columns[column] = code
        problems += _ethnicity_problems(column, f"kobo[{code!r}]")
    return problems


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
