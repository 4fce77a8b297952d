"""FiberLink.length_m becomes a stored generated column: ST_Length(ST_Transform(route, the
analysis SRID)), derived by PostgreSQL on every write (admin, API, import alike).

PostgreSQL cannot turn a plain column into a generated one, so the column is dropped and
added again; PostgreSQL computes it for every stored row (history rows included: the
historical model copies the field, simple-history 3.13 keeps it generated there too). The
SRID is the `SIMPUL_ANALYSIS_SRID` in force when this migration runs.
"""

from django.db import migrations, models

import core.functions


def _length():
    return models.GeneratedField(
        db_persist=True,
        expression=core.functions.LengthM("route"),
        output_field=models.FloatField(),
        verbose_name="panjang (m)",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0004_single_spatial_index"),
    ]

    operations = [
        migrations.RemoveField(model_name="fiberlink", name="length_m"),
        migrations.AddField(model_name="fiberlink", name="length_m", field=_length()),
        migrations.RemoveField(model_name="historicalfiberlink", name="length_m"),
        migrations.AddField(model_name="historicalfiberlink", name="length_m", field=_length()),
    ]
