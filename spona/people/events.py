"""What the people app announces to the apps above it, which own the records about a person.

``person_merged`` is sent inside the merge's transaction with ``by``, ``keep`` and
``duplicate``; each receiver re-points its own app's records through its own service and
returns a dict of what it moved, for the merge's audit entry.
"""

from django.dispatch import Signal

person_merged = Signal()
