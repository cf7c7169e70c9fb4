import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from spona.audit.context import AuditContext, acting
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.statistics.anonymity import K
from spona.statistics.export import release, write_csv
from spona.statistics.summary import export_counts


class Command(BaseCommand):
    help = (
        "Write the cases as an anonymised CSV in HTCDS field names (k-anonymous: every "
        "combination of values shared by at least k cases), and report what was generalised "
        "and suppressed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", default="-", help="the CSV file (- for stdout)")
        parser.add_argument("--k", type=int, default=K, help=f"the smallest class (default {K})")

    def handle(self, *args: Any, **options: Any) -> None:
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
