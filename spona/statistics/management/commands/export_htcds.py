import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spona.audit.context import AuditContext, acting
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.statistics.anonymity import K
from spona.statistics.export import release, write_csv
from spona.statistics.services import PrivacyRefusedError, dp_release
from spona.statistics.summary import export_counts


class Command(BaseCommand):
    help = (
        "Write the cases as an anonymised CSV in HTCDS field names (k-anonymous: every "
        "combination of values shared by at least k cases), and report what was generalised "
        "and suppressed. With --dp: a differentially private table of counts instead, its "
        "epsilon spent from this year's privacy budget (refused past it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", default="-", help="the CSV file (- for stdout)")
        parser.add_argument("--k", type=int, default=K, help=f"the smallest class (default {K})")
        parser.add_argument(
            "--dp",
            action="store_true",
            help="write a differentially private table of counts (OpenDP) instead",
        )
        parser.add_argument("--epsilon", default="1.0", help="the privacy loss of --dp (1.0)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dp"]:
            self._differentially_private(options["output"], options["epsilon"])
            return
        k = options["k"]
        if k < K:
            raise SystemExit(f"k must be at least {K} for a public release")
        counts, as_of = export_counts()
        result = release(counts, k=k)
        if options["output"] == "-":
            write_csv(result, sys.stdout)
        else:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as out:
                write_csv(result, out)
        report = {**result.report(), "counted_at": as_of.isoformat() if as_of else None}
        with acting(AuditContext(channel="cli")):
            audit(AuditAction.EXPORT, details={"htcds_export": report})
        self.stderr.write(json.dumps(report, ensure_ascii=False, indent=2))

    def _differentially_private(self, output: str, epsilon: str) -> None:
        """Release first (refused: nothing written, not even an empty file), then write."""
        try:
            with acting(AuditContext(channel="cli")):
                table = dp_release(user=None, epsilon=epsilon, channel="cli")
        except PrivacyRefusedError as refused:
            raise CommandError(str(refused)) from refused
        if output == "-":
            lines = table.write_csv(sys.stdout)
        else:
            with Path(output).open("w", encoding="utf-8", newline="") as out:
                lines = table.write_csv(out)
        self.stderr.write(
            f"epsilon {table.epsilon}: {lines} non-zero cells of {table.cells} "
            f"(years {table.years[0]}-{table.years[1]})"
        )
