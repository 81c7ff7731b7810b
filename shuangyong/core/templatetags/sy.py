"""Template helpers shared by every app."""

from django import template

register = template.Library()

SELECT_TYPES = {"select", "selectmultiple", "nullbooleanselect"}


@register.filter
def widget(field):
    """Render a form field's widget with the CSS kit's classes and its error state."""
    kind = field.widget_type
    if kind in SELECT_TYPES:
        css = "form-select"
    elif kind in {"checkbox", "checkboxselectmultiple", "radioselect"}:
        css = "form-check-input"  # a box or a dot each, not a text field's bar
    elif kind in {"clearablefile", "file"}:
        css = "form-control"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()}
    if kind == "textarea" and not getattr(field.field, "max_length", None):
        from shuangyong.core.middleware import text_max

        attrs["maxlength"] = text_max()  # what the server takes from any text field
    return field.as_widget(attrs=attrs)


@register.filter
def text_limit(field) -> int | None:
    """How many characters a text area takes: its own limit or the platform's."""
    if field.widget_type != "textarea":
        return None
    from shuangyong.core.middleware import text_max

    return getattr(field.field, "max_length", None) or text_max()


@register.filter
def masked_id(value):
    """An ID number as pages show it: 110105********002X."""
    from shuangyong.core.idnumber import mask

    return mask(value)


@register.filter
def to_json(value):
    """JSON for a data attribute (auto-escaped by the template): chart data, for instance."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


@register.simple_tag(takes_context=True)
def panels(context, obj):
    """The panels higher apps registered for this object's page (see core.panels)."""
    from shuangyong.core.panels import render_panels

    return render_panels(context["request"], obj)


@register.simple_tag
def form_token() -> str:
    """A fresh one-time token for a form (core.once)."""
    from shuangyong.core.once import new_token

    return new_token()
