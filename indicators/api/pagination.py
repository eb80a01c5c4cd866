"""Cursor pages for the read API's long lists: a deep page costs what the first does, and rows
added meanwhile do not shift the pages already read."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class CursorPages(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request: Request) -> Cursor | None:
        # A cursor is a parameter like any other: a mangled one is the client's to mend (400),
        # not a page that does not exist (DRF's 404).
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError(
                {self.cursor_query_param: [_("This cursor was not made here: follow `next`.")]}
            ) from error
