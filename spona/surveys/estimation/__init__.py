"""Design-based estimates for survey waves: weighted proportions and means, with Taylor
linearisation standard errors for stratified cluster designs.

numpy for the arithmetic and SciPy for the distributions: no survey package at run time.
The numbers equal those of ``svy`` (samplics' successor) to 1e-9;
``tests/test_survey_estimation.py`` checks it.

- :mod:`.design`: the sample design (strata, PSUs, weights, lonely PSUs) and its variance
  of PSU score totals;
- :mod:`.estimators`: proportions, means, the indicator table by domain, design effects,
  differences between independent samples;
- :mod:`.distributions`: confidence intervals (logit, Wald, Korn-Graubard) and the z test,
  from SciPy's Student t, normal and beta distributions.
"""

from spona.surveys.estimation.design import Design, SingletonRule, SingletonStratumError
from spona.surveys.estimation.distributions import CI_METHODS, CIMethod
from spona.surveys.estimation.estimators import (
    Comparison,
    DeffReference,
    Estimate,
    difference,
    mean,
    proportion,
    table,
)

__all__ = [
    "CI_METHODS",
    "CIMethod",
    "Comparison",
    "DeffReference",
    "Design",
    "Estimate",
    "SingletonRule",
    "SingletonStratumError",
    "difference",
    "mean",
    "proportion",
    "table",
]
