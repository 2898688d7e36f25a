"""The working-day calendar (docs/calendar.md): national holidays (global, written by system
administrators through tenants.services.calendar) and each agency's own days (tenant-owned: RLS)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from tenants.db import EnableTenantRLS


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0003_audit_append_function'),
    ]

    operations = [
        migrations.CreateModel(
            name='NationalHoliday',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True)),
                ('name_th', models.CharField(max_length=255)),
                ('name_en', models.CharField(blank=True, max_length=255)),
                ('kind', models.CharField(choices=[('public', 'วันหยุดราชการประจำปี'), ('cabinet', 'วันหยุดพิเศษตามมติคณะรัฐมนตรี')], default='public', max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['date'],
            },
        ),
        migrations.CreateModel(
            name='AgencyHoliday',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('kind', models.CharField(choices=[('holiday', 'วันหยุดของหน่วยงาน'), ('working', 'เปิดทำการในวันหยุด')], default='holiday', max_length=20)),
                ('name_th', models.CharField(max_length=255)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tenant', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenants.agency')),
            ],
            options={
                'ordering': ['date'],
                'constraints': [models.UniqueConstraint(fields=('tenant', 'date'), name='agencyholiday_unique_date')],
            },
        ),
        EnableTenantRLS("tenants_agencyholiday"),
    ]
