"""``spona serve``: Gunicorn in production; ``--dev``: Django's server, reloading on changes."""

import argparse
import os
import sys

from django.core.management import call_command, execute_from_command_line


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="spona serve", description="Serve Spona (Gunicorn; --dev: Django's dev server)."
    )
    parser.add_argument("--dev", action="store_true", help="development server with reloading")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, help="processes (default: WEB_CONCURRENCY)")
    args = parser.parse_args(argv)
    if args.dev:
        # --nostatic: WhiteNoise serves static files (from the source folders) as in
        # production; Django's own static handler answered 500 to /static/..%2f..%2f.env
        execute_from_command_line(["spona", "runserver", "--nostatic", f"{args.host}:{args.port}"])
        return
    import django
    from django.conf import settings

    django.setup()
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
        call_command("collectstatic", interactive=False, verbosity=0)
    command = [sys.executable, "-m", "gunicorn", "--config", "python:spona.ops.gunicorn_conf"]
    command += ["--bind", f"{args.host}:{args.port}"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    sys.stdout.flush()
    os.execv(sys.executable, [*command, "spona.wsgi:application"])  # noqa: S606 - Gunicorn
