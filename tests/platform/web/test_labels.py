"""The shared ``labels`` template library shows stored codes as words."""

from django.template import Context, Template

from valuechain.platform.web.templatetags.labels import words


def test_words_replaces_every_underscore():
    assert words("partially_received") == "partially received"
    assert words("qty_over_price_over") == "qty over price over"


def test_words_of_nothing_is_empty():
    assert words(None) == ""
    assert words("") == ""


def test_any_template_may_load_it():
    rendered = Template("{% load labels %}{{ state|words }}").render(
        Context({"state": "to_approve"})
    )
    assert rendered == "to approve"
