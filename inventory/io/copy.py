"""Fast creation of many records with PostgreSQL COPY, history rows included.

Django's `bulk_create` spends about a millisecond per row building SQL; COPY writes the same
rows in a fraction of that. Values are encoded column by column (one encoder per field,
geometries as EWKB hex in one vectorised shapely call). Primary keys are reserved from the
table's sequence first, so the django-simple-history rows (type '+', as
`bulk_create_with_history` writes them) are copied from the same encoded columns. No model
`save()` runs: the caller has done its work already (area of each point, default radius,
measured length).

With a `CopyWriter`, the COPY statements run in a second thread on the same connection and
transaction, so PostgreSQL stores one chunk while Python validates and encodes the next.
The connection is never used by both threads at once: every query the calling thread runs
through Django first waits for the pending COPY (`CopyWriter.before_query`, an execute
wrapper installed while the writer is open).
"""

import io
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import shapely
from django.contrib.gis.db.models import GeometryField
from django.db import connection
from django.utils import timezone

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(values):
    if None in values or _needs_escape(values):
        return [NULL if v is None else v.translate(_ESCAPES) for v in values]
    return values


def _needs_escape(values) -> bool:
    joined = "".join(values)
    return "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined


def _plain(values):
    return [NULL if v is None else str(v) for v in values]


def _boolean(values):
    return [NULL if v is None else ("t" if v else "f") for v in values]


def _isoformat(values):
    return [NULL if v is None else v.isoformat() for v in values]


def _geometry(values):
    array = np.array(values, dtype=object)
    if len(array) and not isinstance(array[0], shapely.Geometry | type(None)):
        array = np.array([shapely.from_wkb(bytes(v.ewkb)) if v is not None else None
                          for v in values], dtype=object)
    encoded = shapely.to_wkb(array, hex=True, output_dimension=2, byte_order=1)
    # EWKB: the SRID flag in the high byte of the (little-endian) type, then the SRID.
    return [NULL if v is None else v[:8] + _SRID_FLAG_4326 + v[10:] for v in encoded.tolist()]


_SRID_FLAG_4326 = "20" + (4326).to_bytes(4, "little").hex().upper()


def encoder(field):
    """The function that encodes a list of values of this field for COPY."""
    if isinstance(field, GeometryField):
        return _geometry
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField", "SlugField"):
        return _text
    if kind == "BooleanField":
        return _boolean
    if kind in ("DateField", "DateTimeField"):
        return _isoformat
    return _plain


def reserve_ids(model, count: int) -> list[int]:
    """`count` new primary keys from the model's table sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) "
            "FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return cursor.fetchone()[0]


class CopyWriter:
    """Runs COPY statements in order, in a background thread, within the caller's transaction.

    Use it as a context manager inside `transaction.atomic()`. While it is open, every query
    of the calling thread through Django first waits for the queued COPYs (an execute
    wrapper), so the two threads never use the connection at the same time.
    """

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy")
        self._pending: list[Future] = []
        self._wrapper = connection.execute_wrapper(self.before_query)

    def copy(self, table: str, columns: list[str], encoded_columns: list[list[str]]):
        """Queue a COPY of the encoded columns into `table`."""
        buffer, sql = _buffer(encoded_columns), _copy_sql(table, columns)
        raw_connection = connection.connection
        self._pending.append(self._executor.submit(_run_copy, raw_connection, sql, buffer))

    def wait(self):
        """Block until every queued COPY is done; raise the first one's error."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def before_query(self, execute, sql, params, many, context):
        """Execute wrapper: let the queued COPYs finish before the connection is used."""
        self.wait()
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper.__enter__()
        return self

    def __exit__(self, exc_type, exc, traceback):
        try:
            if exc_type is None:
                self.wait()
            else:  # already failing: let the COPYs end, keep the first error
                for future in self._pending:
                    future.exception()
        finally:
            self._executor.shutdown(wait=True)
            self._wrapper.__exit__(exc_type, exc, traceback)


def _run_copy(raw_connection, sql: str, buffer: io.StringIO):
    with raw_connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)


def _buffer(encoded_columns: list[list[str]]) -> io.StringIO:
    buffer = io.StringIO()
    buffer.writelines("\t".join(line) + "\n" for line in zip(*encoded_columns, strict=True))
    buffer.seek(0)
    return buffer


def _copy_sql(table: str, columns: list[str]) -> str:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    return f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"


def _copy(table: str, columns: list[str], encoded_columns: list[list[str]]):
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(_copy_sql(table, columns), _buffer(encoded_columns))


def copy_create(model, rows: list[dict], *, user=None, reason: str = "",
                writer: CopyWriter | None = None) -> list[int]:
    """Insert `rows` (dicts by field attname) and their history rows; return the new ids.

    Missing values take the field default; `created`/`last_updated` are now. With a
    `writer`, the COPYs are queued there and may still run when this returns.
    """
    if not rows:
        return []
    send = writer.copy if writer is not None else _copy
    now = timezone.now().isoformat()
    count = len(rows)
    encoded = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            encoded[f.attname] = [now] * count
        else:
            default = f.get_default()
            encoded[f.attname] = encoder(f)([row.get(f.attname, default) for row in rows])
    # Reserved last: the query waits for the previous chunk's COPY (see CopyWriter).
    ids = reserve_ids(model, count)
    encoded[model._meta.pk.attname] = [str(pk) for pk in ids]
    fields = model._meta.concrete_fields
    send(model._meta.db_table, [f.column for f in fields], [encoded[f.attname] for f in fields])
    history = getattr(model, "history", None)
    if history is not None:
        constants = {
            "history_date": now,
            "history_change_reason": reason[:100].translate(_ESCAPES) if reason else NULL,
            "history_type": "+",
            "history_user_id": str(user.pk) if getattr(user, "pk", None) else NULL,
        }
        columns, values = [], []
        for f in history.model._meta.concrete_fields:
            if f.attname == "history_id":
                continue
            columns.append(f.column)
            values.append([constants[f.attname]] * count if f.attname in constants
                          else encoded[f.attname])
        send(history.model._meta.db_table, columns, values)
    return ids


def copy_update(model, changes: dict[int, dict], *, user=None, reason: str = "") -> int:
    """Apply `{pk: {attname: new value}}` set-wise; write one '~' history row per record.

    The new values go by COPY into a temporary table, one UPDATE … FROM applies them (fields
    a record does not change keep their value), and the history rows are copied from the
    updated rows, so they hold the final stored state as `bulk_update_with_history` writes
    it. `auto_now` fields (`last_updated`) are now. Returns the number of records updated.
    """
    if not changes:
        return 0
    quote = connection.ops.quote_name
    table = model._meta.db_table
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    names = sorted({name for values in changes.values() for name in values})
    fields = [by_name[name] for name in names]
    pks = list(changes)
    staging = "_simpul_import_update"
    changed_flags = [f"{f.column}__set" for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {quote(model._meta.pk.column)} AS pk, "
            + ", ".join(f"{quote(f.column)}, true AS {quote(flag)}"
                        for f, flag in zip(fields, changed_flags, strict=True))
            + f" FROM {quote(table)} WITH NO DATA"
        )
    columns = [[str(pk) for pk in pks]]
    for f in fields:
        columns.append(encoder(f)([changes[pk].get(f.attname) for pk in pks]))
        columns.append(["t" if f.attname in changes[pk] else "f" for pk in pks])
    _copy(staging, ["pk"] + [c for f, flag in zip(fields, changed_flags, strict=True)
                             for c in (f.column, flag)], columns)
    now = timezone.now()
    assignments = ", ".join(
        f"{quote(f.column)} = CASE WHEN s.{quote(flag)} THEN s.{quote(f.column)} "
        f"ELSE t.{quote(f.column)} END"
        for f, flag in zip(fields, changed_flags, strict=True)
    )
    stamped = [f for f in by_name.values() if getattr(f, "auto_now", False) and f not in fields]
    assignments += "".join(f", {quote(f.column)} = %s" for f in stamped)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} t SET {assignments}"
            f" FROM {staging} s WHERE t.{quote(model._meta.pk.column)} = s.pk",
            [now] * len(stamped),
        )
        updated = cursor.rowcount
        history = getattr(model, "history", None)
        if history is not None:
            columns = [f.column for f in history.model._meta.concrete_fields
                       if f.attname in by_name]
            cursor.execute(
                f"INSERT INTO {quote(history.model._meta.db_table)} "
                f"({', '.join(map(quote, columns))}, history_date, history_type, "
                "history_user_id, history_change_reason) "
                f"SELECT {', '.join('t.' + quote(c) for c in columns)}, %s, '~', %s, %s "
                f"FROM {quote(table)} t JOIN {staging} s "
                f"ON t.{quote(model._meta.pk.column)} = s.pk ORDER BY s.pk",
                [now, getattr(user, "pk", None), reason[:100] or None],
            )
        cursor.execute(f"DROP TABLE {staging}")
    return updated
