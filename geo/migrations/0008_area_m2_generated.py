"""`area_m2` becomes a stored generated column: PostgreSQL derives it from `geom`.

ST_Area(ST_Transform(geom, analysis SRID)) is IMMUTABLE in PostGIS, so the column can be
stored. A regular column cannot be altered into a generated one, so it is dropped and added
again; PostgreSQL computes every row's value (history rows too, from their own `geom`).
Backwards, the plain column is filled again with the same measure.
"""

import core.functions
from django.conf import settings
from django.db import migrations, models


def area_m2():
    """The generated field, as on the model (and copied to its history model)."""
    return models.GeneratedField(
        db_persist=True,
        expression=core.functions.AreaM2("geom"),
        output_field=models.FloatField(),
        verbose_name="luas (m²)",
    )


def measure_again(table: str) -> migrations.RunSQL:
    """Backwards only: fill the plain column that the backward RemoveField adds again."""
    return migrations.RunSQL(
        migrations.RunSQL.noop,
        reverse_sql=f"UPDATE {table} "
                    f"SET area_m2 = ST_Area(ST_Transform(geom, {settings.SIMPUL_ANALYSIS_SRID}))",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("geo", "0007_editor_area_permissions"),
    ]

    operations = [
        measure_again("geo_adminarea"),
        migrations.RemoveField(model_name="adminarea", name="area_m2"),
        migrations.AddField(model_name="adminarea", name="area_m2", field=area_m2()),
        measure_again("geo_historicaladminarea"),
        migrations.RemoveField(model_name="historicaladminarea", name="area_m2"),
        migrations.AddField(model_name="historicaladminarea", name="area_m2", field=area_m2()),
    ]
