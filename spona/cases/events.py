"""What the cases app announces to the apps above it.

``referral_moved`` is sent inside ``referral_act``'s transaction, after the referral was
accepted, declined, completed or revoked, with ``referral``, ``step`` (a ``ReferralStep``) and
``user``. A plan whose goal requested the service updates the goal (``spona.plans.receivers``).
"""

from django.dispatch import Signal

referral_moved = Signal()
