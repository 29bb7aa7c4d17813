"""Serializers of a course's certificate settings and policy changes (``courses/{course_id}/settings…``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from cert_manager_plugin import api
from cert_manager_plugin.data import ALL_MODES, IssuePolicy


class CourseSettingsSerializer(serializers.Serializer):
    """A course's certificate settings (PATCH any subset of the writable fields)."""

    course_id = serializers.CharField(source="course_key", read_only=True)
    self_generation_enabled = serializers.BooleanField(required=False)
    issue_policy = serializers.ChoiceField(choices=[p.value for p in IssuePolicy], required=False)
    revoke_on_grade_drop = serializers.BooleanField(required=False)
    eligible_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ALL_MODES)), required=False, allow_empty=True
    )
    print_grade = serializers.BooleanField(required=False)
    template = serializers.SerializerMethodField(help_text="The course's template (id and name), or null.")
    modified = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_template(self, obj: api.CourseSettingsRow) -> dict | None:
        """The course's template (id and name), or null: the view reads it (``context["template"]``)."""
        return self.context.get("template")

    def to_internal_value(self, data: object) -> dict:
        """
        The validated changes; unknown and read-only fields are refused by name, not silently dropped.

        400 ``invalid_input`` with ``Unknown field.`` or ``This field is read-only.`` for each of them.
        """
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields) - {"course_id", "modified", "template"}
            readonly = {"course_id", "modified", "template"} & set(data)
            if unknown or readonly:
                raise serializers.ValidationError(
                    {name: [gettext_lazy("Unknown field.")] for name in unknown}
                    | {name: [gettext_lazy("This field is read-only.")] for name in readonly}
                )
        return super().to_internal_value(data)


class PoliciesSerializer(serializers.Serializer):
    """A course's complete policies, as a policy change records them."""

    issue_policy = serializers.ChoiceField(choices=[p.value for p in IssuePolicy])
    revoke_on_grade_drop = serializers.BooleanField()
    eligible_modes = serializers.ListField(child=serializers.ChoiceField(choices=list(ALL_MODES)))
    print_grade = serializers.BooleanField()


class ModeChangeSerializer(serializers.Serializer):
    """How many certificates one transition changes in one mode (the mode they hold afterwards)."""

    before = serializers.CharField(help_text="A status, or new (no certificate yet).")
    after = serializers.CharField()
    mode = serializers.CharField()
    count = serializers.IntegerField()


class PolicyPreviewSerializer(serializers.Serializer):
    """
    What saving and applying proposed policies would do, computed before anything is saved.

    The dry run of "generate all" under the proposed policies (as ``DryRunSerializer``), ``by_mode`` (each
    transition by the mode the certificates hold afterwards), the policies in force (``current``), the complete
    proposed ones and the names of those that differ (``changed``).
    """

    total = serializers.IntegerField()
    would_change = serializers.IntegerField()
    transitions = serializers.DictField(child=serializers.IntegerField())
    by_mode = ModeChangeSerializer(many=True)
    not_issued = serializers.DictField(child=serializers.DictField())
    current = PoliciesSerializer()
    proposed = PoliciesSerializer()
    changed = serializers.ListField(child=serializers.CharField())


class LastPolicyChangeSerializer(serializers.Serializer):
    """
    The course's last policy change and whether it can be undone (``job`` null: none yet).

    ``reason`` says why not: ``running`` (still being applied), ``undone`` (it was an undo), ``changed_since``
    (the policies changed after it). ``restores``: the policies an undo brings back; ``applied``: those it set.
    """

    job = serializers.DictField(allow_null=True, help_text="The job that applied it (as in the history).")
    can_undo = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    restores = PoliciesSerializer(allow_null=True)
    applied = PoliciesSerializer(allow_null=True)


class UndoPolicyRequestSerializer(serializers.Serializer):
    """Undo the last policy change: the id of its job (``GET settings/undo`` names it)."""

    job = serializers.IntegerField(min_value=1)
