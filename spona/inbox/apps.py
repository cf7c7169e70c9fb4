from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "spona.inbox"
    label = "inbox"
