# Certificate designs (issue 17): design versions and assets; each certificate and revision records its version.

import cert_manager_plugin.designs.models
import django.db.models.deletion
import opaque_keys.edx.django.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cert_manager_plugin', '0012_credentials'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='certificate',
            name='source',
            field=models.CharField(choices=[('grade_event', 'grade_event'), ('enrollment_event', 'enrollment_event'), ('passing_status_event', 'passing_status_event'), ('instructor', 'instructor'), ('job', 'job'), ('self_request', 'self_request'), ('exception', 'exception'), ('invalidation', 'invalidation'), ('revalidation', 'revalidation'), ('course_end', 'course_end'), ('settings', 'settings'), ('backfill', 'backfill'), ('lms', 'lms'), ('deletion', 'deletion'), ('name_change', 'name_change'), ('design', 'design')], max_length=32),
        ),
        migrations.AlterField(
            model_name='certificaterevision',
            name='source',
            field=models.CharField(choices=[('grade_event', 'grade_event'), ('enrollment_event', 'enrollment_event'), ('passing_status_event', 'passing_status_event'), ('instructor', 'instructor'), ('job', 'job'), ('self_request', 'self_request'), ('exception', 'exception'), ('invalidation', 'invalidation'), ('revalidation', 'revalidation'), ('course_end', 'course_end'), ('settings', 'settings'), ('backfill', 'backfill'), ('lms', 'lms'), ('deletion', 'deletion'), ('name_change', 'name_change'), ('design', 'design')], max_length=32),
        ),
        migrations.AlterField(
            model_name='certificaterevision',
            name='superseded_by_source',
            field=models.CharField(choices=[('grade_event', 'grade_event'), ('enrollment_event', 'enrollment_event'), ('passing_status_event', 'passing_status_event'), ('instructor', 'instructor'), ('job', 'job'), ('self_request', 'self_request'), ('exception', 'exception'), ('invalidation', 'invalidation'), ('revalidation', 'revalidation'), ('course_end', 'course_end'), ('settings', 'settings'), ('backfill', 'backfill'), ('lms', 'lms'), ('deletion', 'deletion'), ('name_change', 'name_change'), ('design', 'design')], max_length=32),
        ),
        migrations.AlterField(
            model_name='generationjob',
            name='kind',
            field=models.CharField(choices=[('generate_all', 'generate_all'), ('regenerate', 'regenerate'), ('generate_exceptions', 'generate_exceptions'), ('export', 'export'), ('delete', 'delete'), ('apply_design', 'apply_design')], max_length=32),
        ),
        migrations.CreateModel(
            name='DesignAsset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_key', opaque_keys.edx.django.models.CourseKeyField(db_index=True, max_length=255)),
                ('kind', models.CharField(choices=[('logo', 'logo'), ('background', 'background'), ('signature', 'signature')], max_length=16)),
                ('file', models.FileField(max_length=255, upload_to=cert_manager_plugin.designs.models.asset_upload_to)),
                ('content_type', models.CharField(max_length=32)),
                ('size', models.PositiveIntegerField()),
                ('width', models.PositiveIntegerField()),
                ('height', models.PositiveIntegerField()),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DesignVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_key', opaque_keys.edx.django.models.CourseKeyField(max_length=255)),
                ('number', models.PositiveIntegerField()),
                ('document', models.JSONField()),
                ('note', models.CharField(blank=True, default='', help_text='what changed', max_length=255)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-number'],
            },
        ),
        migrations.AddField(
            model_name='certificate',
            name='design_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cert_manager_plugin.designversion'),
        ),
        migrations.AddField(
            model_name='certificaterevision',
            name='design_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cert_manager_plugin.designversion'),
        ),
        migrations.AddConstraint(
            model_name='designversion',
            constraint=models.UniqueConstraint(fields=('course_key', 'number'), name='cm_designversion_course_number'),
        ),
    ]
