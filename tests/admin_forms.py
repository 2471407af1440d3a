"""What a browser sends from an admin change form, and what the form page says went wrong:
helpers for the tests that post to the admin as a curator would."""


def _value(bound_field):
    value = bound_field.value()
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def admin_form_data(response):
    """The POST data the admin form in `response` would send as it stands: the main form's
    fields and every inline's management form and forms (what a browser would submit)."""
    data = {}

    def add(form):
        for name in form.fields:
            value = _value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    inlines = response.context.get("inline_admin_formsets", [])
    for inline in inlines:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def set_inline(data, prefix, rows):
    """Fill the inline `prefix` with `rows` (dicts of field values) after the existing ones."""
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{initial + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(initial + len(rows))
    return data


def errors_in(response):
    """Every error message on the admin form page (form, fields and inlines)."""
    messages = []
    context = response.context
    form = context["adminform"].form
    messages += form.non_field_errors()
    for field_errors in form.errors.values():
        messages += field_errors
    for inline in context["inline_admin_formsets"]:
        messages += inline.formset.non_form_errors()
        for form_errors in inline.formset.errors:
            for field_errors in form_errors.values():
                messages += field_errors
    return [str(m) for m in messages]
