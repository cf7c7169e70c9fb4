"""What the accounts app announces to the apps above it.

``person_access_granted`` is sent inside the transaction that created an account in one of the
roles that see data about persons (``PERSON_ROLES``), gave an account such a role, or made such
an account active again, with ``by`` (the admin), ``account``, ``how`` (``created``,
``role_changed``, ``reactivated``) and ``new_admin`` (the admin's own account is younger than
``NEW_ADMIN_DAYS``). The inbox alerts the institution's other admins and, when the admin is
new or alone, the Centre (issue 14, finding 13).
"""

from django.dispatch import Signal

person_access_granted = Signal()
