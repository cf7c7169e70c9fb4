"""What labelling tables for phones (spona.core.stacking.label_cells, run by the base template
on every page's content) costs, beside its peer: Django rendering the same table.

    .venv/bin/python bench/stacking.py            # 50-row list, 5 runs of 200
    .venv/bin/python bench/stacking.py --rows 500

Prints the median time per page of each and their ratio, for a list of ``--rows`` rows of six
columns, and for the risk map page (about 200 KB of inline SVG before a small table), where
the scan passes over the map's markup.
"""

import sys
from pathlib import Path

# the repository, not bench/ (whose statistics.py would hide the standard library's)
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import statistics  # noqa: E402
import timeit  # noqa: E402
from collections.abc import Callable  # noqa: E402

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    USE_I18N=False,
)
django.setup()

from django.template import engines  # noqa: E402

from spona.core.stacking import label_cells  # noqa: E402

TABLE = engines["django"].from_string(
    '<table><caption>People</caption><thead><tr>{% for h in heads %}<th scope="col">{{ h }}'
    "</th>{% endfor %}</tr></thead><tbody>{% for row in rows %}<tr>{% for cell in row %}"
    "<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>"
)
HEADS = ["Code", "Name", "Born", "Municipality", "Registered", "Status"]


def median_ms(run: Callable[[], object], number: int, runs: int) -> float:
    return statistics.median(timeit.timeit(run, number=number) / number for _ in range(runs)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args()
    rows = [
        [f"P-{i:07d}", "Јована Марковић", "1.2.1990.", "Пирот", "6.12.2026.", "отворен"]
        for i in range(args.rows)
    ]
    context = {"heads": HEADS, "rows": rows}
    page = TABLE.render(context)
    render = median_ms(lambda: TABLE.render(context), args.number, args.runs)
    label = median_ms(lambda: label_cells(page), args.number, args.runs)
    print(f"list of {args.rows} rows × 6 ({len(page):,} chars)")
    print(f"  Django renders the table   {render:8.3f} ms (median)")
    print(f"  label_cells labels it      {label:8.3f} ms (median)  ratio {label / render:.2f}")
    small = TABLE.render({"heads": HEADS, "rows": rows[:3]})
    map_page = "<svg>" + '<path d="M1 2L3 4Z"/>' * 9000 + "</svg>" + small
    labelled = median_ms(lambda: label_cells(map_page), args.number // 10 or 1, args.runs)
    print(f"risk map page ({len(map_page):,} chars): label_cells {labelled:8.3f} ms (median)")


if __name__ == "__main__":
    main()
