"""History on every curated model: a change made in the admin is recorded with its user,
and reverting it from the history screen brings the earlier value back."""

import pytest
from django.urls import reverse

from timeline.models import (
    Country,
    Dispute,
    Event,
    OfficeTerm,
    Organization,
    Participation,
    Person,
    Place,
    Source,
    Tag,
)
from timeline.roles import CURATED_MODELS

from .admin_forms import admin_form_data

# A text field a curator would correct on each model, and a corrected value.
CHANGES = {
    Country: ("name_en", "Russian Federation"),
    Person: ("name_en", "Vladimir V. Putin"),
    OfficeTerm: ("office", "President of the Russian Federation"),
    Organization: ("name_en", "Group of Seven"),
    Place: ("name_en", "Château de Versailles, France"),
    Tag: ("name_en", "summitry"),
    Dispute: ("name_en", "Syrian civil war"),
    Event: ("title_en", "Macron and Putin meet at Versailles"),
    Participation: ("role", "participant"),
    Source: ("title", "A corrected title"),
}


def test_every_curated_model_is_covered():
    assert {model._meta.model_name for model in CHANGES} == set(CURATED_MODELS)


def pick(model):
    if model is Participation:
        return Participation.objects.filter(person__slug="vladimir-putin").first()
    if model is OfficeTerm:
        return OfficeTerm.objects.get(person__slug="vladimir-putin", end__isnull=True)
    if model is Country:
        return Country.objects.get(code="RU")
    return model.objects.order_by("pk").first()


@pytest.mark.parametrize("model", list(CHANGES), ids=lambda m: m.__name__)
def test_it_records_and_reverts_a_change_on_every_model(client, dataset, editor, model):
    field, corrected = CHANGES[model]
    obj = pick(model)
    original = getattr(obj, field)
    assert original != corrected
    opts = model._meta
    client.force_login(editor)

    change_url = reverse(f"admin:timeline_{opts.model_name}_change", args=[obj.pk])
    data = {**admin_form_data(client.get(change_url)), field: corrected}
    response = client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert getattr(obj, field) == corrected
    latest = obj.history.first()
    assert latest.history_user == editor and getattr(latest, field) == corrected

    before = obj.history.filter(**{field: original}).first()
    revert_url = reverse(
        f"admin:timeline_{opts.model_name}_simple_history", args=[obj.pk, before.history_id]
    )
    page = client.get(revert_url)
    assert page.status_code == 200
    assert client.post(revert_url, admin_form_data(page)).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == original
    assert obj.history.first().history_user == editor
