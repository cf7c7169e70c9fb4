"""Django's PostgreSQL backend, plus work that must run inside a transaction just before it
commits (``before_commit``): see ``base.DatabaseWrapper``."""
