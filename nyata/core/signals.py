"""Signals that let a front (portal, dashboard) react to a domain app's change without the domain
app importing the front: the arrows of dependency run core ← domain apps ← fronts."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after commit when something a Pemda shows the public changed; keyword argument `pemda_id`.
public_content_changed = Signal()
