"""Citizen reports on hotspots, and who may moderate them.

Editors read and moderate reports (view, change); assessors read them; admins get
everything. Uses `grant_roles` of the roles migration (0002), which only adds permissions.
"""

import importlib

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLES = {
    "editor": {"inventory": {"hotspotreport": ("view", "change")}},
    "assessor": {"inventory": {"hotspotreport": ("view",)}},
    "admin": {"inventory": {"hotspotreport": ("add", "change", "delete", "view")}},
}


def grant(apps, schema_editor):
    """Forward: add the report permissions to the role groups."""
    importlib.import_module("inventory.migrations.0002_roles").grant_roles(apps, ROLES)


def revoke(apps, schema_editor):
    """Backward: remove the report permissions from the role groups (the groups stay)."""
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)):
        group.permissions.remove(*Permission.objects.filter(
            content_type__app_label="inventory", content_type__model="hotspotreport"))


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0002_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HotspotReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='dibuat')),
                ('last_updated', models.DateTimeField(auto_now=True, verbose_name='terakhir diubah')),
                ('kind', models.CharField(choices=[('not_working', 'Tidak berfungsi'), ('slow', 'Lambat'), ('not_found', 'Tidak ditemukan di sini'), ('wrong_location', 'Lokasi salah'), ('other', 'Lainnya')], max_length=20, verbose_name='jenis laporan')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='keterangan')),
                ('location', django.contrib.gis.db.models.fields.PointField(blank=True, null=True, srid=4326, verbose_name='lokasi pelapor')),
                ('distance_m', models.FloatField(blank=True, editable=False, help_text='Jarak geodesik dari lokasi pelapor ke hotspot.', null=True, verbose_name='jarak ke hotspot (m)')),
                ('status', models.CharField(choices=[('new', 'Baru'), ('confirmed', 'Dikonfirmasi'), ('resolved', 'Selesai'), ('rejected', 'Ditolak')], default='new', max_length=10, verbose_name='status')),
                ('moderated_at', models.DateTimeField(blank=True, editable=False, help_text='Saat editor pertama kali mengubah status laporan.', null=True, verbose_name='pertama ditanggapi')),
                ('resolved_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='diselesaikan')),
                ('moderator_note', models.TextField(blank=True, verbose_name='catatan editor')),
                ('hotspot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='inventory.hotspot', verbose_name='hotspot')),
                ('moderated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ditanggapi oleh')),
            ],
            options={
                'verbose_name': 'laporan warga',
                'verbose_name_plural': 'laporan warga',
                'ordering': ['-created', '-pk'],
                'indexes': [models.Index(fields=['status', 'created'], name='inventory_report_status_idx'), models.Index(fields=['hotspot', 'status'], name='inventory_report_hotspot_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('resolved_at__isnull', True), ('status', 'resolved'), _connector='OR'), name='inventory_hotspotreport_resolved_at_only_when_resolved')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
