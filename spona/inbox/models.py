"""The in-app inbox: notifications for one user, also sent by e-mail by the worker."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    #: codes and dates only (see ``kinds``); rendered in the reader's language
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def subject(self) -> str:
        from spona.inbox.kinds import KINDS

        return str(KINDS[self.kind][0]) % self.params

    @property
    def body(self) -> str:
        from spona.inbox.kinds import KINDS

        return str(KINDS[self.kind][1]) % self.params
