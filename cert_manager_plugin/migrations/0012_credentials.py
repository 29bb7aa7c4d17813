# Open Badges 3.0 credentials: issuer keys, per-course credential settings, status lists, index allocations.
# Depends on 0011 (the lead relinked it after the other helpers' 0008-0011).

import django.db.models.deletion
import opaque_keys.edx.django.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cert_manager_plugin', '0011_postgresql_fillfactor'),
    ]

    operations = [
        migrations.CreateModel(
            name='IssuerKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fragment', models.CharField(help_text="the verification method's #fragment", max_length=64, unique=True)),
                ('public_key_multibase', models.CharField(max_length=64, unique=True)),
                ('private_key_pem', models.TextField(blank=True, default='', help_text='generated demo keys only')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('retired_at', models.DateTimeField(blank=True, help_text='when a newer key took over signing', null=True)),
            ],
            options={
                'ordering': ['created', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CourseCredentialSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_key', opaque_keys.edx.django.models.CourseKeyField(max_length=255, unique=True)),
                ('valid_for_days', models.PositiveIntegerField(blank=True, null=True)),
                ('modified', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name='StatusList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_key', opaque_keys.edx.django.models.CourseKeyField(max_length=255)),
                ('purpose', models.CharField(max_length=16)),
                ('length', models.PositiveIntegerField()),
                ('bits', models.BinaryField()),
                ('allocated', models.BinaryField()),
                ('version', models.PositiveIntegerField(default=1)),
                ('signed', models.TextField(blank=True, default='')),
                ('modified', models.DateTimeField(auto_now=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('course_key', 'purpose'), name='cm_statuslist_course_purpose')],
            },
        ),
        migrations.CreateModel(
            name='CredentialSlot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_key', opaque_keys.edx.django.models.CourseKeyField(max_length=255)),
                ('suspension_index', models.PositiveIntegerField()),
                ('salt', models.CharField(max_length=64)),
                ('certificate', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cert_manager_plugin.certificate')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('course_key', 'suspension_index'), name='cm_credslot_course_index')],
            },
        ),
        migrations.CreateModel(
            name='CredentialVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_key', opaque_keys.edx.django.models.CourseKeyField(max_length=255)),
                ('revision', models.PositiveIntegerField()),
                ('revocation_index', models.PositiveIntegerField()),
                ('signed', models.TextField(blank=True, default='')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('slot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='cert_manager_plugin.credentialslot')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('slot', 'revision'), name='cm_credversion_slot_revision'), models.UniqueConstraint(fields=('course_key', 'revocation_index'), name='cm_credversion_course_index')],
            },
        ),
    ]
