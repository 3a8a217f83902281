"""The error a service raises when its data did not pass a form: the API answers it as a 422 in
the shape of Ninja's own validation errors (see arusha.api), a page shows the form again."""

from __future__ import annotations

from django import forms


class Invalid(Exception):
    """The data did not pass the form; ``form`` holds the bound form and its messages."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__(form.errors.as_text())
        self.form = form

    @property
    def errors(self) -> dict[str, list[str]]:
        return {field: [str(e) for e in errors] for field, errors in self.form.errors.items()}
