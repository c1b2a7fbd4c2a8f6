from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]  # historical models: nothing to annotate with
    """Every user with a role in a Pemda gets that Pemda's account (its directory entry)."""
    Membership = apps.get_model("core", "Membership")
    Account = apps.get_model("core", "Account")
    pairs = set(Membership._base_manager.values_list("pemda_id", "user_id"))
    have = set(Account._base_manager.values_list("pemda_id", "user_id"))
    Account._base_manager.bulk_create([Account(pemda_id=p, user_id=u) for p, u in sorted(pairs - have)])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_tenants_accounts_year_rules")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
