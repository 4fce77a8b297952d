"""What `is_sensitive` hides from the public: the one rule every output applies.

A fiber record marked `is_sensitive` keeps its name, status, owner, operator and location
public, and hides its technical details (`SENSITIVE_FIELDS` of the model):

- a fiber node: its `node_type` (data centre, POP, ODC, …: which sites matter most);
- a fiber link: `fibre_count`, `capacity_gbps` and `deployment` (aerial or underground).

"The public" is anyone without the model's `view` permission in the REST API, OGC API and
exports (`core.permissions.can_see_internal`), and everyone on the map, whose layers are
cached publicly. Editors, assessors and admins read the details in the API, the OGC API,
exports and the admin.
"""

from django.db import models


def sensitive_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields `is_sensitive` hides for records of `model` (none for other layers)."""
    return getattr(model, "SENSITIVE_FIELDS", ())


def hidden_fields(record, *, public: bool) -> tuple[str, ...]:
    """The fields of `record` (a model instance) to withhold from this reader."""
    if public and getattr(record, "is_sensitive", False):
        return sensitive_fields(type(record))
    return ()


def redact(values: dict, model: type[models.Model], *, public: bool = True) -> dict:
    """`values` (field values of one `model` record, `is_sensitive` among them) with the
    hidden fields set to None, for outputs built from `.values()` rows."""
    if public and values.get("is_sensitive"):
        for name in sensitive_fields(model):
            if name in values:
                values[name] = None
    return values
