"""Fill the SHA-256 of every product evidence file uploaded before it was taken at upload.

A file that is missing is left without one: `nyata audit verify` then reports it as missing.
"""

import hashlib

from django.core.files.storage import default_storage
from django.db import migrations

BATCH = 500


def backfill(apps, schema_editor):
    Evidence = apps.get_model("products", "Evidence")
    last = 0
    while True:
        rows = list(Evidence.objects.filter(sha256="", pk__gt=last).order_by("pk").only("pk", "file")[:BATCH])
        if not rows:
            return
        for ev in rows:
            last = ev.pk
            if not ev.file.name or not default_storage.exists(ev.file.name):
                continue
            h = hashlib.sha256()
            with default_storage.open(ev.file.name, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            Evidence.objects.filter(pk=ev.pk).update(sha256=h.hexdigest())


class Migration(migrations.Migration):

    dependencies = [
        ("products", "0003_evidence_sha256"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
