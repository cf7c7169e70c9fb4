"""Spona's records in the Human Trafficking Case Data Standard (HTCDS 2.0, IOM, CC BY 4.0;
``data/htcds/``) and in the Counter Trafficking Data Collaborative's (CTDC) public columns,
with the generalisation hierarchy of each released column.

What Spona records and how it is written:

=========================  ====================================================================
column                     from
=========================  ====================================================================
``prs_Gender``             the person's sex: Feminine, Masculine; "other" and "unknown" as
                           NonSpecifiedUnknown (Spona records sex, not gender expression)
``ageBroad``               the person's estimated age at registration, in CTDC's bands (CTDC's
                           column: HTCDS has the age *when trafficked*, which Spona does not
                           record); without an age, the case's child flag gives Minor/Adult
``prs_Citizenship``        the person's citizenship (ISO 3166 alpha-2, as Spona stores it)
``yearRegister``           the year the case was opened (CTDC's column)
``vic_TypeOfExploitation`` the purposes of the person's latest completed screening, in HTCDS
                           values (";"-separated, sorted)
``vic_MethodsOfControl``   the means of that screening, in HTCDS values
``vic_RelationshipToTrafficker``  not recorded by Spona: always empty
=========================  ====================================================================

Hierarchies (level 0 first): age band → Minor/Adult → *; sex → *; country → UN region → *;
year → five-year period (CTDC's, from 2014) → *; forms → broad form (SexualExploitation,
ForcedLabour, Other, or several joined) → *; methods of control → *.
"""

from spona.statistics.anonymity import ANY, Hierarchy

NOT_RECORDED = ""
UNKNOWN = "Unknown"
SEPARATOR = ";"

GENDER = {
    "female": "Feminine",
    "male": "Masculine",
    "other": "NonSpecifiedUnknown",
    "unknown": "NonSpecifiedUnknown",
}

#: CTDC's age bands (``ageBroad``); the first two are minors.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, None, "48+"),
)
MINOR, ADULT = "Minor", "Adult"
MINOR_BANDS = frozenset({"0--8", "9--17"})

#: Spona's forms of exploitation (the catalogue's codes) in HTCDS's TypeOfExploitation.
EXPLOITATION = {
    "labour_exploitation": "ForcedLabour",
    "forced_labour": "ForcedLabour",
    "criminal_activity": "Other",
    "prostitution": "SexualExploitation",
    "pornography": "SexualExploitation",
    "begging": "ForcedBegging",
    "slavery": "Servitude",
    "organ_removal": "OrganRemoval",
    "armed_conflict": "Other",
    "forced_marriage": "ForcedMarriage",
}
#: HTCDS's forms in CTDC's broad split (isSexualExploit, isForcedLabour, other).
BROAD_FORM = {
    "SexualExploitation": "SexualExploitation",
    "ForcedLabour": "ForcedLabour",
    "ChildLabour": "ForcedLabour",
    "Servitude": "ForcedLabour",
    "ForcedBegging": "ForcedLabour",
}

#: The means of the Criminal Code (screening's ``means``) in HTCDS's MethodsOfControl.
CONTROL = {
    "force": "PhysicalAbuse",
    "threat": "PhysicalThreats",
    "deception": "FalsePromises",
    "withholding_documents": "WithholdsDocuments",
    "abuse_of_authority": "Other",
    "abuse_of_trust": "Other",
    "abuse_of_dependency": "Other",
    "abuse_of_difficult_circumstances": "Other",
    "giving_or_receiving_benefit": "Other",
}

#: UN M49 regions (as CTDC names them) of ISO 3166 alpha-2 codes (XK: Kosovo, as in CTDC).
_REGIONS = {
    "Africa": "DZ EG LY MA SD TN EH IO BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TF UG TZ "
    "ZM ZW AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH "
    "SN SL TG",
    "Americas": "AI AG AR AW BS BB BZ BM BO BQ BV BR CA KY CL CO CR CU CW DM DO EC SV FK GF GL "
    "GD GP GT GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX GS SR TT TC US UM UY VE "
    "VG VI",
    "Asia": "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KP KR KW KG LA LB MO MY "
    "MV MN MM NP OM PK PS PH QA SA SG LK SY TW TJ TH TL TR TM AE UZ VN YE",
    "Europe": "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE LV "
    "LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB XK",
    "Oceania": "AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU "
    "WF",
}
REGION = {code: region for region, codes in _REGIONS.items() for code in codes.split()}

FIRST_PERIOD = 2014  # CTDC's periods: 2014-2018, 2019-2023, ...
PERIOD_YEARS = 5


def age_band(age: int | None, is_child: bool) -> str:
    if age is None:
        return MINOR if is_child else UNKNOWN
    for low, high, name in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return name
    return UNKNOWN


def gender(sex: str) -> str:
    return GENDER.get(sex, "NonSpecifiedUnknown")


def citizenship(code: str) -> str:
    code = code.strip().upper()
    return code if code in REGION else UNKNOWN


def exploitation(purposes: list[str] | None) -> str:
    return SEPARATOR.join(sorted({EXPLOITATION.get(p, "Other") for p in purposes or []}))


def control(means: list[str] | None) -> str:
    return SEPARATOR.join(sorted({CONTROL.get(m, "Other") for m in means or []}))


def period(year: int) -> str:
    start = FIRST_PERIOD + PERIOD_YEARS * ((year - FIRST_PERIOD) // PERIOD_YEARS)
    return f"{start}-{start + PERIOD_YEARS - 1}"


def _age_ladder(band: str) -> tuple[str, ...]:
    if band in {MINOR, ADULT, UNKNOWN}:
        return (band, ANY)
    return (MINOR if band in MINOR_BANDS else ADULT, ANY)


def _country_ladder(code: str) -> tuple[str, ...]:
    return (REGION.get(code, UNKNOWN), ANY)


def _year_ladder(year: str) -> tuple[str, ...]:
    return (period(int(year)) if year.isdigit() else year, ANY)


def _form_ladder(forms: str) -> tuple[str, ...]:
    broad = {BROAD_FORM.get(f, "Other") for f in forms.split(SEPARATOR) if f}
    return (SEPARATOR.join(sorted(broad)), ANY)


def _one_step(value: str) -> tuple[str, ...]:
    return (ANY,)


COLUMNS = (
    "prs_Gender",
    "ageBroad",
    "prs_Citizenship",
    "yearRegister",
    "vic_TypeOfExploitation",
    "vic_MethodsOfControl",
)
NOT_RECORDED_COLUMNS = ("vic_RelationshipToTrafficker",)

HIERARCHIES = (
    Hierarchy("prs_Gender", ("gender", "any"), _one_step),
    Hierarchy("ageBroad", ("age band", "minor or adult", "any"), _age_ladder),
    Hierarchy("prs_Citizenship", ("country", "UN region", "any"), _country_ladder),
    Hierarchy("yearRegister", ("year", "five-year period", "any"), _year_ladder),
    Hierarchy("vic_TypeOfExploitation", ("form", "broad form", "any"), _form_ladder),
    Hierarchy("vic_MethodsOfControl", ("methods", "any"), _one_step),
)
