"""Survey instruments as data, indicator values, and the demo waves."""

import copy
import csv
import io
import json
import re
from typing import Any

import numpy as np
import pytest
from django.utils import translation
from jsonschema import Draft202012Validator

from spona.surveys import demo_data, instruments
from spona.surveys.instruments import (
    DEFAULT_INSTRUMENTS,
    STANDARD_COLUMNS,
    AnswerError,
    InstrumentError,
    age_band,
    answers_from_kobo,
    indicator_values,
    load,
    load_default,
    localized,
    validate,
)

# The study's figures (percent) the demo citizens' wave must come close to.
STUDY_CITIZENS = {
    "aware": 94.4,
    "can_recognise": 20.6,
    "would_report_police": 87.0,
    "knows_false_job": 3.9,
    "social_distance": 20.3,
    "victim_blaming": 50.5,
}
FORBIDDEN = ("ethnic", "roma", "nationality", "етн", "ром")


def _texts(document: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """(where, {"en": ..., "sr": ...}) for every text of an instrument."""
    found = [("title", document["title"]), ("source", document["source"])]
    for question in document["questions"]:
        found.append((f"question {question['code']}", question["text"]))
        for option in question.get("options", []):
            found.append((f"option {question['code']}.{option['code']}", option["text"]))
    for indicator in document["indicators"]:
        found.append((f"indicator {indicator['code']}", indicator["title"]))
    return found


@pytest.fixture(params=sorted(DEFAULT_INSTRUMENTS))
def shipped(request: pytest.FixtureRequest) -> dict[str, Any]:
    return json.loads(DEFAULT_INSTRUMENTS[request.param].read_text(encoding="utf-8"))


@pytest.fixture
def citizens() -> instruments.Instrument:
    return load_default("citizens")


@pytest.fixture
def english() -> Any:
    """Validation messages are translated; these tests read them in English."""
    with translation.override("en"):
        yield


# --- the shipped instruments ---------------------------------------------------------------


def test_shipped_instruments_validate(shipped: dict[str, Any]) -> None:
    assert validate(shipped) == []
    assert load_default(shipped["code"])["code"] == shipped["code"]
    assert shipped["format"] == "spona-survey-instrument/1"
    assert shipped["population"] == shipped["code"]


def test_shipped_files_are_formatted_as_specified(shipped: dict[str, Any]) -> None:
    path = DEFAULT_INSTRUMENTS[shipped["code"]]
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(shipped, indent=2, ensure_ascii=False) + "\n"


def test_citizens_instrument_has_the_study_measures(citizens: instruments.Instrument) -> None:
    indicators = {i["code"]: i["rule"] for i in citizens["indicators"]}
    assert indicators["aware"] == {"question": "heard", "in": ["yes"]}
    assert indicators["would_report_police"] == {"question": "report_to", "in": ["police"]}
    assert indicators["knows_false_job"]["includes_any"] == [
        "false_job_offer",
        "promise_better_life",
    ]
    assert indicators["victim_blaming"] == {"question": "victims_contributed", "in": ["4", "5"]}
    assert set(indicators["recognises_recruitment"]["includes_any"]) == {
        "false_job_offer",
        "promise_better_life",
        "marriage_promise",
        "internet_contact",
        "family",
    }
    types = {q["code"]: q["type"] for q in citizens["questions"]}
    assert types["recruitment"] == "multiple"
    assert types["what_is"] == types["how_recognise"] == "coded_text"
    assert types["victims_contributed"] == "likert"


def test_professionals_scoring_key() -> None:
    professionals = load_default("professionals")
    rules = {i["code"]: i["rule"] for i in professionals["indicators"]}
    for item in ("intent", "victim_awareness", "within_serbia", "non_physical_control", "begging"):
        assert rules[f"knows_{item}"] == {"question": item, "in": ["true"]}
    assert rules["knows_smuggling"] == {"question": "smuggling_same", "in": ["false"]}
    assert rules["knows_first_contact"] == {"question": "contact_centre", "in": ["within_24h"]}
    assert rules["victim_blaming"]["in"] == ["4", "5"]


def test_no_question_or_column_about_ethnicity(shipped: dict[str, Any]) -> None:
    strings = [q["code"] for q in shipped["questions"]]
    strings += [o["code"] for q in shipped["questions"] for o in q.get("options", [])]
    strings += [i["code"] for i in shipped["indicators"]]
    strings += list(shipped["kobo"].values()) + list(STANDARD_COLUMNS.values())
    strings += [text[lang] for _, text in _texts(shipped) for lang in ("en", "sr")]
    rows = demo_data.generate_wave(
        load_default(shipped["code"]), municipality_code="70939", n=20, seed=1
    )
    strings += list(rows[0])
    for value in strings:
        for word in FORBIDDEN:
            assert word not in value.lower(), (word, value)


def test_serbian_texts_are_cyrillic(shipped: dict[str, Any]) -> None:
    for where, text in _texts(shipped):
        assert not re.search(r"[A-Za-z]", text["sr"]), (where, text["sr"])
        assert re.search(r"[\u0400-\u04FF]", text["sr"]), where
        assert text["en"].isascii(), (where, text["en"])


# --- validation ----------------------------------------------------------------------------


def _broken(document: dict[str, Any], change: Any) -> list[str]:
    copy_ = copy.deepcopy(document)
    change(copy_)
    return validate(copy_)


def test_validate_reports_a_broken_reference(citizens: instruments.Instrument, english) -> None:
    def to_missing_question(doc: dict[str, Any]) -> None:
        doc["indicators"][0]["rule"]["question"] = "heard_of"

    problems = _broken(dict(citizens), to_missing_question)
    assert problems == [
        "indicator “aware” › rule: refers to question “heard_of”, which the instrument does not have"
    ]

    def to_missing_option(doc: dict[str, Any]) -> None:
        doc["indicators"][0]["rule"]["in"] = ["yes", "maybe"]

    (problem,) = _broken(dict(citizens), to_missing_option)
    assert problem == (
        "indicator “aware” › rule: question “heard” has no options “maybe” (its options: “no”, “yes”)"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["questions"][0].update(type="slider"),
            "question “heard” › type: must be one of “single”, “multiple”, “likert”, “number”, "
            "“coded_text”, found “slider”",
        ),
        (lambda d: d["questions"][0].pop("options"), "question “heard”: missing “options”"),
        (lambda d: d["questions"][0]["text"].pop("sr"), "question “heard” › text: missing “sr”"),
        (
            lambda d: d["questions"][0]["text"].update(sr="Da li ste"),
            "question “heard” › text › sr: must be a non-empty text in Serbian Cyrillic, "
            "without Latin letters, found “Da li ste”",
        ),
        (
            lambda d: d["questions"][0]["text"].update(sr_latn="Da li ste"),
            "(Serbian Latin is generated, never stored), found “sr_latn”",
        ),
        (
            lambda d: d["questions"][2]["options"][1].update(code="Bad Code"),
            "question “can_recognise” › option “Bad Code” › code: must be an option code",
        ),
        (lambda d: d["kobo"].pop("heard"), "kobo: no export column for the questions “heard”"),
        (lambda d: d["kobo"].update(ghost="x/ghost"), "does not have: “ghost”"),
        (
            lambda d: d["kobo"].update(heard="awareness/what_is"),
            "kobo › what_is: column “awareness/what_is” is also the column of question “heard”",
        ),
        (
            lambda d: d["kobo"].update(heard="_respondent/sex"),
            "kobo › heard: “_respondent/sex” is a standard column of every wave",
        ),
        (
            lambda d: d["indicators"][0]["rule"].update({"includes_any": ["yes"]}),
            "exactly one of",
        ),
        (
            lambda d: d["indicators"][4]["rule"].update(weight=2),
            "indicator “knows_false_job” › rule: unknown keys “weight”",
        ),
        (
            lambda d: d["indicators"].append(copy.deepcopy(d["indicators"][0])),
            "indicator “aware”: this code is used twice",
        ),
        (
            lambda d: d.update(format="kobo"),
            "format: must be “spona-survey-instrument/1”, found “kobo”",
        ),
        (lambda d: d.update(population="everyone"), "population: must be one of"),
        (lambda d: d.update(questions=[]), "questions: must not be an empty list"),
        (lambda d: d.pop("kobo"), "the instrument: missing “kobo”"),
    ],
)
def test_validate_catches(
    citizens: instruments.Instrument, change: Any, expected: str, english
) -> None:
    problems = _broken(dict(citizens), change)
    assert any(expected in p for p in problems), problems


def test_validate_rule_kind_must_fit_the_question(
    citizens: instruments.Instrument, english
) -> None:
    def multiple_with_in(doc: dict[str, Any]) -> None:
        doc["indicators"][4]["rule"] = {"question": "recruitment", "in": ["kidnapping"]}

    (problem,) = _broken(dict(citizens), multiple_with_in)
    assert "question “recruitment” is of type “multiple” and takes “includes_any”, not “in”" in (
        problem
    )


def test_validate_refuses_an_ethnicity_question(citizens: instruments.Instrument, english) -> None:
    def add(doc: dict[str, Any]) -> None:
        doc["questions"].append(
            {
                "code": "ethnicity",
                "type": "single",
                "text": {"en": "Your ethnicity?", "sr": "Ваша националност?"},
                "options": [{"code": "x", "text": {"en": "X", "sr": "Икс"}}],
            }
        )
        doc["kobo"]["ethnicity"] = "respondent/ethnicity"

    problems = _broken(dict(citizens), add)
    assert sum("never asks about" in p for p in problems) >= 3, problems


def test_validate_number_and_likert_shapes(english) -> None:
    """The shape of a document is checked first; its Likert codes once the shape is right."""
    doc = _tiny()
    assert validate(doc) == []
    doc["questions"][2]["options"] = [{"code": "a", "text": {"en": "A", "sr": "А"}}]
    doc["questions"][1]["options"] = doc["questions"][1]["options"][::-1]
    assert validate(doc) == ["question “years”: a number question has no options"]
    del doc["questions"][2]["options"]
    assert validate(doc) == [
        "question “agree”: Likert options are coded “1” to “k” in order, 3 ≤ k ≤ 11; "
        "found “5”, “4”, “3”, “2”, “1”"
    ]
    assert validate([]) == [
        "the instrument: must be a JSON object in the format spona-survey-instrument/1, found “[]”"
    ]


def test_load_raises_with_every_problem(tmp_path: Any, citizens: instruments.Instrument) -> None:
    doc = copy.deepcopy(dict(citizens))
    doc["kobo"].pop("heard")
    doc["indicators"][0]["rule"]["question"] = "nope"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        load(path)
    assert len(caught.value.problems) == 2
    assert str(path) in str(caught.value)


def test_the_schema_is_valid_and_each_of_its_titles_has_a_message() -> None:
    schema = json.loads(instruments.SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    titles: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("title"), str):
                titles.add(node["title"])
            for key, value in node.items():
                if key != "properties":
                    collect(value)
                else:  # property names such as "title" are not annotations
                    for subschema in value.values():
                        collect(subschema)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(schema)
    assert titles == set(instruments._EXPECTED) | set(instruments._STATED)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sr", "индикатор „aware“ › rule: позива се на питање „heard_of“, којег у упитнику нема"),
        (
            "sr-latn",
            "indikator „aware“ › rule: poziva se na pitanje „heard_of“, kojeg u upitniku nema",
        ),
    ],
)
def test_problems_are_told_in_the_active_language(
    citizens: instruments.Instrument, language: str, expected: str
) -> None:
    def to_missing_question(doc: dict[str, Any]) -> None:
        doc["indicators"][0]["rule"]["question"] = "heard_of"

    with translation.override(language):
        assert _broken(dict(citizens), to_missing_question) == [expected]


def test_load_refuses_numbers_json_does_not_have(
    tmp_path: Any, citizens: instruments.Instrument, english
) -> None:
    doc = copy.deepcopy(dict(citizens))
    doc["indicators"][0]["rule"] = {"question": "heard", "at_least": float("nan")}
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InstrumentError, match="NaN is not a JSON number"):
        load(path)


# --- indicator values ----------------------------------------------------------------------


def _tiny() -> dict[str, Any]:
    def t(en: str, sr: str) -> dict[str, str]:
        return {"en": en, "sr": sr}

    yes_no = [{"code": "yes", "text": t("Yes", "Да")}, {"code": "no", "text": t("No", "Не")}]
    likert = [{"code": str(k), "text": t(str(k), str(k))} for k in range(1, 6)]
    methods = [{"code": c, "text": t(c, "Начин")} for c in ("a", "b", "c", "dont_know")]
    return {
        "format": "spona-survey-instrument/1",
        "code": "tiny",
        "version": "1",
        "population": "citizens",
        "title": t("Tiny", "Мали"),
        "source": t("Test", "Тест"),
        "questions": [
            {"code": "heard", "type": "single", "text": t("Heard?", "Чули?"), "options": yes_no},
            {"code": "agree", "type": "likert", "text": t("Agree?", "Слажете?"), "options": likert},
            {"code": "years", "type": "number", "text": t("Years?", "Година?")},
            {"code": "how", "type": "multiple", "text": t("How?", "Како?"), "options": methods},
        ],
        "indicators": [
            {"code": "aware", "title": t("A", "А"), "rule": {"question": "heard", "in": ["yes"]}},
            {
                "code": "agrees",
                "title": t("B", "Б"),
                "rule": {"question": "agree", "in": ["4", "5"]},
            },
            {"code": "senior", "title": t("C", "Ц"), "rule": {"question": "years", "at_least": 5}},
            {
                "code": "knows",
                "title": t("D", "Д"),
                "rule": {"question": "how", "includes_any": ["a", "b"]},
            },
        ],
        "kobo": {"heard": "g/heard", "agree": "g/agree", "years": "g/years", "how": "g/how"},
    }


def test_indicator_values_by_question_type() -> None:
    instrument: Any = _tiny()
    answers = [
        {"heard": "yes", "agree": "5", "years": "12", "how": "c a"},
        {"heard": "no", "agree": "3", "years": "4.5", "how": "c"},
        {"heard": " yes ", "agree": "4", "years": "5", "how": "dont_know"},
        {},  # nothing answered
        {"heard": "", "agree": "1", "years": "0", "how": "b"},
    ]
    values = indicator_values(instrument, answers)
    assert set(values) == {"aware", "agrees", "senior", "knows"}
    nan = np.nan
    np.testing.assert_array_equal(values["aware"], [1, 0, 1, nan, nan])
    np.testing.assert_array_equal(values["agrees"], [1, 0, 1, nan, 0])
    np.testing.assert_array_equal(values["senior"], [1, 0, 1, nan, 0])
    np.testing.assert_array_equal(values["knows"], [1, 0, 0, nan, 1])
    assert all(v.dtype == np.float64 for v in values.values())
    assert indicator_values(instrument, [])["aware"].shape == (0,)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"heard": "maybe"}, "row 1: question 'heard': unknown option 'maybe'"),
        ({"how": "a zz"}, "row 1: question 'how': unknown option(s) ['zz']"),
        ({"years": "many"}, "row 1: question 'years': 'many' is not a number"),
        ({"years": "nan"}, "is not a finite number"),
    ],
)
def test_indicator_values_refuses_answers_the_instrument_does_not_allow(
    answer: dict[str, str], message: str
) -> None:
    with pytest.raises(AnswerError, match=re.escape(message)):
        indicator_values(_tiny(), [{}, answer])  # type: ignore[arg-type]


def test_answers_from_kobo_maps_columns_and_drops_blanks(
    citizens: instruments.Instrument,
) -> None:
    rows = [{"awareness/heard": "yes", "recruitment/methods": "kidnapping family", "x": "1"}]
    rows.append({"awareness/heard": "  ", "_respondent/sex": "male"})
    assert answers_from_kobo(citizens, rows) == [
        {"heard": "yes", "recruitment": "kidnapping family"},
        {},
    ]


# --- age bands and texts -------------------------------------------------------------------


AGE_CASES = [(15, "15-19"), (19, "15-19"), (20, "20-29"), (29, "20-29"), (30, "30-44")]
AGE_CASES += [(44, "30-44"), (45, "45-64"), (64, "45-64"), (65, "65+"), (101, "65+")]


@pytest.mark.parametrize(("age", "band"), [*AGE_CASES, (np.int64(33), "30-44")])
def test_age_band(age: int, band: str) -> None:
    assert age_band(age) == band


@pytest.mark.parametrize("age", [14, -1, 30.5, True, "30"])
def test_age_band_refuses(age: Any) -> None:
    with pytest.raises(ValueError, match="age"):
        age_band(age)


def test_localized_follows_the_active_language() -> None:
    text = {"en": "Human trafficking", "sr": "Трговина људима"}
    with translation.override("sr"):
        assert localized(text) == "Трговина људима"
    with translation.override("sr-latn"):
        assert localized(text) == "Trgovina ljudima"
    with translation.override("en"):
        assert localized(text) == "Human trafficking"


# --- demo waves ----------------------------------------------------------------------------


def _percentages(instrument: Any, rows: list[dict[str, str]]) -> dict[str, float]:
    values = indicator_values(instrument, answers_from_kobo(instrument, rows))
    return {code: 100 * float(np.nanmean(v)) for code, v in values.items()}


@pytest.mark.parametrize("municipality", ["70939", "71099", "80403"])
@pytest.mark.parametrize("seed", [1, 2014])
def test_demo_citizens_wave_resembles_the_study(
    citizens: instruments.Instrument, municipality: str, seed: int
) -> None:
    rows = demo_data.generate_wave(citizens, municipality_code=municipality, n=600, seed=seed)
    assert len(rows) == 600
    shares = _percentages(citizens, rows)
    for code, study in STUDY_CITIZENS.items():
        assert abs(shares[code] - study) <= 4, (code, shares[code], study)


def test_demo_professionals_wave_resembles_the_study() -> None:
    professionals = load_default("professionals")
    rows = demo_data.generate_wave(professionals, municipality_code="70939", n=41, seed=1)
    shares = _percentages(professionals, rows)
    assert abs(shares["victim_blaming"] - 31.7) <= 5
    assert shares["knows_intent"] > 75
    assert shares["knows_first_contact"] < 50
    assert sum(float(r["_design/weight"]) for r in rows) == pytest.approx(41, abs=0.01)


def test_demo_rows_are_deterministic(citizens: instruments.Instrument) -> None:
    def wave(seed: int, code: str = "70939") -> list[dict[str, str]]:
        return demo_data.generate_wave(citizens, municipality_code=code, n=120, seed=seed)

    assert wave(7) == wave(7)
    assert demo_data.write_csv(wave(7)) == demo_data.write_csv(wave(7))
    assert wave(7) != wave(8)
    assert wave(7) != wave(7, "71099")


def test_demo_rows_have_the_design_and_demographic_columns(
    citizens: instruments.Instrument,
) -> None:
    rows = demo_data.generate_wave(citizens, municipality_code="70939", n=600, seed=3)
    expected = [*STANDARD_COLUMNS.values(), *citizens["kobo"].values(), "_uuid", "_index"]
    assert all(list(row) == expected for row in rows)
    assert {r["_respondent/municipality"] for r in rows} == {"70939"}
    assert len({r["_design/stratum"] for r in rows}) == 4
    assert len({r["_design/psu"] for r in rows}) == 20
    ages = [int(r["_respondent/age"]) for r in rows]
    assert min(ages) >= 18
    assert max(ages) <= 75
    women = sum(r["_respondent/sex"] == "female" for r in rows) / len(rows)
    assert 0.46 <= women <= 0.58
    weights = np.array([float(r["_design/weight"]) for r in rows])
    population = demo_data.municipality_population("70939")
    assert weights.sum() == pytest.approx(population, rel=1e-4)
    assert weights.min() > 0.5 * population / 600
    assert weights.max() < 1.6 * population / 600
    assert weights.std() > 0  # not all equal
    # how_recognise is asked only of those who think they could recognise a victim
    for row in rows:
        asked = row["recognition/can_recognise"] == "yes"
        assert (row["recognition/how_recognise"] != "") == asked
    assert len({r["_uuid"] for r in rows}) == 600


def test_write_csv_is_a_kobo_style_export(citizens: instruments.Instrument) -> None:
    rows = demo_data.generate_wave(citizens, municipality_code="80403", n=50, seed=5)
    data = demo_data.write_csv(rows)
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert parsed == rows
    assert text.splitlines()[0].startswith("_respondent/sex,_respondent/age,")
    assert any(" " in row["recruitment/methods"] for row in parsed)  # space-separated choices
    with pytest.raises(ValueError, match="row 1"):
        demo_data.write_csv([rows[0], {"other": "x"}])


def test_unknown_municipality_is_refused(citizens: instruments.Instrument) -> None:
    with pytest.raises(ValueError, match="unknown municipality code"):
        demo_data.generate_wave(citizens, municipality_code="99999", n=10, seed=1)
