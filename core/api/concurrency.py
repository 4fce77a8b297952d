"""No lost updates: ETags for registry records and `If-Match` checks on every write.

A record's version is its `last_updated` timestamp in microseconds (`auto_now`, so every save
moves it). `GET /api/<layer>/<id>/` answers with `ETag: "<id>-<version>"`; `PUT`, `PATCH` and
`DELETE` must send it back in `If-Match`:

- no `If-Match` → 428 Precondition Required (a client that never read the record cannot
  knowingly overwrite it);
- an `If-Match` that is not the record's current ETag → 412 Precondition Failed, with the
  current ETag in the body; nothing is written.

The check and the write happen in one transaction on a row locked with `SELECT … FOR
UPDATE`, so of two truly concurrent writers holding the same ETag, exactly one wins: the
other waits for the lock, then sees the new version and gets 412.
"""

import datetime

from django.db import transaction
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
UNSAFE_METHODS = ("PUT", "PATCH", "DELETE")


def version_of(last_updated: datetime.datetime) -> int:
    """A timestamp as whole microseconds since 1970 (exact, no float rounding)."""
    return (last_updated - _EPOCH) // datetime.timedelta(microseconds=1)


def etag_for(instance) -> str:
    """The strong ETag of a record: `"<id>-<last_updated in µs>"`."""
    return f'"{instance.pk}-{version_of(instance.last_updated)}"'


def if_match_allows(header: str, current: str) -> bool:
    """Whether an `If-Match` header value matches the current ETag (strong comparison)."""
    tags = parse_etags(header)
    return "*" in tags or current in tags


class PreconditionRequired(exceptions.APIException):
    """428: a write without `If-Match`."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _(
        "Header If-Match wajib dikirim berisi ETag dari GET terakhir atas data ini, agar "
        "perubahan orang lain tidak tertimpa."
    )


class PreconditionFailed(exceptions.APIException):
    """412: the record changed since the client read it."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    message = _(
        "Data ini telah diubah oleh pengguna lain sejak Anda membacanya. Ambil versi "
        "terbaru (GET), periksa perubahannya, lalu kirim ulang dengan If-Match berisi ETag "
        "yang baru."
    )

    def __init__(self, current_etag: str):
        super().__init__({"detail": self.message, "current_etag": current_etag})


class ConcurrencyMixin:
    """Viewset mixin: ETag on read and write responses, `If-Match` required on writes.

    `update`, `partial_update` and `destroy` run in a transaction; `get_object` locks the row
    (`FOR UPDATE OF` the record's own table) and compares the ETag before anything changes.
    """

    def get_queryset(self):
        """Lock the row for writes (only the record's table, not joined ones)."""
        queryset = super().get_queryset()
        if self.request.method in UNSAFE_METHODS and transaction.get_connection().in_atomic_block:
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def get_object(self):
        """The record; for writes, only if `If-Match` names its current version."""
        instance = super().get_object()
        if self.request.method in UNSAFE_METHODS:
            header = self.request.headers.get("If-Match")
            if not header:
                raise PreconditionRequired()
            current = etag_for(instance)
            if not if_match_allows(header, current):
                raise PreconditionFailed(current)
        return instance

    def retrieve(self, request, *args, **kwargs):
        """The record, with its ETag."""
        instance = self.get_object()
        data = self.get_serializer(instance).data
        return Response(data, headers={"ETag": etag_for(instance)})

    def create(self, request, *args, **kwargs):
        """Create; the response carries the new record's ETag."""
        response = super().create(request, *args, **kwargs)
        self._add_etag(response)
        return response

    def update(self, request, *args, **kwargs):
        """Check the version and save under the row lock; answer with the new ETag."""
        with transaction.atomic():
            response = super().update(request, *args, **kwargs)
        self._add_etag(response)
        return response

    def destroy(self, request, *args, **kwargs):
        """Check the version and delete under the row lock."""
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)

    def perform_create(self, serializer):
        """Save, recording the requester in the history (token or session)."""
        serializer.save()
        self._saved = serializer.instance

    def perform_update(self, serializer):
        """Save, recording the requester in the history (token or session)."""
        serializer.instance._history_user = self.request.user
        serializer.save()
        self._saved = serializer.instance

    def _add_etag(self, response):
        saved = getattr(self, "_saved", None)
        if saved is not None and response.status_code < 300:
            response["ETag"] = etag_for(saved)


class InUse(exceptions.APIException):
    """409: the record is still referenced by others that protect it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "in_use"


IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="The ETag of the record from your last GET (e.g. `\"12-1735689600000000\"`); "
                "412 if the record changed since, 428 if missing.",
)
