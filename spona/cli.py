"""The ``spona`` command: friendly names for the management commands.

    spona serve [--host H] [--port P]   serve the app (Gunicorn, the production server)
    spona serve --dev                   the development server, reloading on code changes
    spona worker                        run the background worker (imports, reports, e-mail, reminders)
    spona reminders                     send any reminder that is due and was missed (the worker does it hourly)
    spona demo                          migrate if needed, load demo data, print sign-ins
    spona migrate                       apply database migrations
    spona createadmin USERNAME          create a system administrator
    spona audit verify                  check the audit log's hash chain
    spona keys rotate                   re-encrypt all encrypted fields with the newest key
    spona reference load                load or refresh the register of municipalities
    spona people reindex                recompute the duplicate-search keys of every person
    spona people scan                   find likely duplicates among all persons, for review
    spona providers export-hsds [-o F]  the directory of providers as HSDS 3.0 JSON
    spona providers import-hsds FILE    add an HSDS 3.0 file's providers (all or nothing)
    spona totp USERNAME                 (demo only) a demo user's current 2FA code
    spona i18n sync | compile           update or compile the translation catalogues
    spona export htcds [-o FILE]        the cases as an anonymised HTCDS CSV (k = 11)
    spona statistics refresh            count the cases anew for the dashboards and the export
    spona export htcds --dp --epsilon E a differentially private table of counts (OpenDP)
    spona import ctdc FILE              load CTDC's public CSV as a reference dataset

Anything else is passed to Django's management commands.
"""

import os
import sys

_TWO_WORD = {
    ("audit", "verify"): "audit_verify",
    ("keys", "rotate"): "keys_rotate",
    ("reference", "load"): "reference_load",
    ("people", "reindex"): "people_reindex",
    ("people", "scan"): "people_scan",
    ("providers", "export-hsds"): "providers_export_hsds",
    ("providers", "import-hsds"): "providers_import_hsds",
    ("i18n", "sync"): "i18n_sync",
    ("i18n", "compile"): "i18n_compile",
    ("export", "htcds"): "export_htcds",
    ("statistics", "refresh"): "statistics_refresh",
    ("import", "ctdc"): "import_ctdc",
}


def _translate(argv: list[str]) -> list[str]:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        raise SystemExit(0)
    if argv[0] == "worker":
        return ["worker", *argv[1:]]
    if tuple(argv[:2]) in _TWO_WORD:
        return [_TWO_WORD[(argv[0], argv[1])], *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spona.settings")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        from spona.ops.serve import serve

        serve(argv[1:])  # runs the development server, or becomes Gunicorn
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["spona", *_translate(argv)])


if __name__ == "__main__":
    main()
