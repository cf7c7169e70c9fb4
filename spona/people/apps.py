from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "spona.people"
    label = "people"
