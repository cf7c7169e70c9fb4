from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The user's workspace: the home page, the phase pages and the navigation. It sits above
    every other app and composes what they offer."""

    name = "spona.workspace"
    label = "workspace"
