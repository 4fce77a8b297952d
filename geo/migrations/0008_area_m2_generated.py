"""`area_m2` becomes a stored generated column: PostgreSQL derives it from `geom`.

ST_Area(ST_Transform(geom, analysis SRID)) is IMMUTABLE in PostGIS, so the column can be
stored. A regular column cannot be altered into a generated one, so it is dropped and added
again; PostgreSQL computes every row's value (history rows too, from their own `geom`).
"""

import core.functions
from django.db import migrations, models


def area_m2():
    """The generated field, as on the model (and copied to its history model)."""
    return models.GeneratedField(
        db_persist=True,
        expression=core.functions.AreaM2("geom"),
        output_field=models.FloatField(),
        verbose_name="luas (m²)",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("geo", "0007_editor_area_permissions"),
    ]

    operations = [
        migrations.RemoveField(model_name="adminarea", name="area_m2"),
        migrations.AddField(model_name="adminarea", name="area_m2", field=area_m2()),
        migrations.RemoveField(model_name="historicaladminarea", name="area_m2"),
        migrations.AddField(model_name="historicaladminarea", name="area_m2", field=area_m2()),
    ]
