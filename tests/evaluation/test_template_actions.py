"""Template versions per Pemda: the shipped copy is installed once; a bad template is refused whole."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from nyata.core.models import AuditEvent
from nyata.core.tenancy import tenant_scope
from nyata.evaluation import actions
from nyata.evaluation.models import EvaluationTemplate
from tests.conftest import World


def test_the_shipped_template_is_installed_once_and_audited(world: World) -> None:
    with tenant_scope(world.a):
        row, created = actions.template_install_shipped(actor=None, pemda=world.a)
        again, created_again = actions.template_install_shipped(actor=None, pemda=world.a)
        assert (created, created_again, again.pk) == (True, False, row.pk)
        assert (row.regulation, row.year, row.version, row.starting_set) == ("PermenPANRB 88/2021", 2021, 1, True)
        assert list(AuditEvent.objects.filter(action__startswith="nyata.evaluation").values_list(
            "action", flat=True)) == ["nyata.evaluation.template_saved"]
    with tenant_scope(world.b):
        assert not EvaluationTemplate.objects.exists()


def test_an_adjusted_copy_is_a_new_version_and_the_old_one_is_kept(world: World) -> None:
    with tenant_scope(world.a):
        first, _ = actions.template_install_shipped(actor=None, pemda=world.a)
        document = actions.shipped_document() | {"starting_set": False}
        second = actions.template_save(actor=world.users["inspector"], pemda=world.a, document=document,
                                       reason="Kebijakan teknis Pergub")
        assert second.version == 2
        first.refresh_from_db()
        assert first.document == actions.shipped_document()
        # installing again still changes nothing
        assert actions.template_install_shipped(actor=None, pemda=world.a)[1] is False


@pytest.mark.parametrize(("change", "message"), [
    ({"components": []}, "templat: tidak ada komponen"),
    ({"scale": [{"letter": "AA", "value": None}]}, "jawaban AA: huruf tanpa nilai"),
    ({"bands": [{"grade": "AA", "lower": "90", "upper": "100"}]}, "nilai 0 tidak masuk predikat"),
    ({"year": "2021"}, "'year' harus bilangan bulat"),
])
def test_a_template_the_engine_cannot_use_is_refused_and_nothing_saved(
    world: World, change: dict[str, object], message: str
) -> None:
    with tenant_scope(world.a):
        with pytest.raises(ValidationError) as err:
            actions.template_save(actor=None, pemda=world.a, document=actions.shipped_document() | change)
        assert message in " ".join(err.value.message_dict["document"])
        assert not EvaluationTemplate.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="nyata.evaluation").exists()


def test_weights_not_summing_to_100_are_named(world: World) -> None:
    document = actions.shipped_document()
    components = document["components"]
    assert isinstance(components, list)
    document["components"] = [components[0] | {"weight": "25"}, *components[1:]]
    with tenant_scope(world.a), pytest.raises(ValidationError, match="jumlah bobot komponen 95, seharusnya 100"):
        actions.template_save(actor=None, pemda=world.a, document=document)


def test_the_command_installs_once(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("evaluation_template", "install", pemda=world.a.code, stdout=out)
    call_command("evaluation_template", "install", pemda=world.a.code, stdout=out)
    assert out.getvalue().splitlines()[1].endswith("sudah ada, tidak diubah")
    with tenant_scope(world.a):
        assert EvaluationTemplate.objects.count() == 1
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("evaluation_template", "install", pemda="99.99")
