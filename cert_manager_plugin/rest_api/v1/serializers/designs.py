"""
Serializers of certificate designs (issue 17): the design document, versions, assets, previews and applying one.

The design document is only parsed here (a JSON object); its rules (the built-in bases, ``#rrggbb`` colours, the
variables, 300 characters a block, no unknown key) are ``designs.document``'s, applied by ``api`` so the answer
names the field path (``blocks.title``) whatever the door.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .common import ClientTextField

#: Longest "what changed" note of a version (the column's length).
NOTE_MAX_LENGTH = 255
#: The highest version number (the column's range: a larger number is no version, never a database error).
VERSION_MAX = 2_147_483_647
#: What an uploaded design image is for.
ASSET_KINDS = ["logo", "background", "signature"]
#: A course mode's slug (``verified``, ``no-id-professional``).
MODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
#: A language tag (``es``, ``pt-br``, ``zh_Hans``): it picks a translation catalogue, so nothing else passes.
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$"
#: What a preview renders: the web certificate (HTML) or the PDF.
PREVIEW_FORMATS = ["html", "pdf"]


# --- the design document, for the schema (the rules are designs.document's) -----------------------------------


class DesignColoursSerializer(serializers.Serializer):
    """A design's colours, each ``#rrggbb``."""

    primary = serializers.CharField(required=False, help_text="#rrggbb")
    accent = serializers.CharField(required=False, help_text="#rrggbb")
    text = serializers.CharField(required=False, help_text="#rrggbb")
    background = serializers.CharField(required=False, help_text="#rrggbb")


class DesignBlocksSerializer(serializers.Serializer):
    """
    The text blocks: plain text (escaped on the web, drawn as text in the PDF), at most 300 characters each.

    ``""`` is the base design's own wording. Data enters only through the variables ``{learner_name}``,
    ``{course_name}``, ``{grade}``, ``{issue_date}`` and ``{verify_url}``; any other ``{…}`` is refused.
    """

    title = serializers.CharField(required=False, allow_blank=True)
    intro = serializers.CharField(required=False, allow_blank=True)
    completion = serializers.CharField(required=False, allow_blank=True)
    footer = serializers.CharField(required=False, allow_blank=True)


class DesignOverrideSerializer(serializers.Serializer):
    """Blocks and colours for one mode, one language, or both (``mode:verified``, ``lang:es``, ``verified|es``)."""

    blocks = DesignBlocksSerializer(required=False)
    colours = DesignColoursSerializer(required=False)


class DesignSignatorySerializer(serializers.Serializer):
    """A signatory the design prints when the course has none in Studio: plain text, 100 characters a line."""

    name = serializers.CharField(help_text="Required.")
    title = serializers.CharField(required=False, allow_blank=True)
    organization = serializers.CharField(required=False, allow_blank=True)
    signature = serializers.CharField(
        required=False, allow_blank=True, help_text="An uploaded signature image's name, or empty."
    )


class DesignDocumentSerializer(serializers.Serializer):
    """The whole look of a design, for every mode and language (one version number per certificate)."""

    base = serializers.CharField(required=False, help_text="A built-in design: classic, modern or minimal.")
    colours = DesignColoursSerializer(required=False)
    font = serializers.CharField(required=False, help_text="A shipped family: sans or serif.")
    logo = serializers.CharField(required=False, allow_blank=True, help_text="An uploaded logo's name, or empty.")
    background = serializers.CharField(
        required=False, allow_blank=True, help_text="An uploaded background image's name, or empty."
    )
    show_qr = serializers.BooleanField(required=False)
    blocks = DesignBlocksSerializer(required=False)
    course_title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Printed instead of the course's name (one line, plain text); inside the LMS Studio's override wins.",
    )
    signatories = DesignSignatorySerializer(
        many=True,
        required=False,
        help_text="At most 4; inside the LMS the course's Studio signatories print instead when it has any.",
    )
    overrides = serializers.DictField(
        child=DesignOverrideSerializer(),
        required=False,
        help_text="By mode (mode:verified), language (lang:es, lowercase BCP 47) or both (verified|es).",
    )


@extend_schema_field(DesignDocumentSerializer)
class DocumentField(serializers.JSONField):
    """
    A design document: a JSON object; anything else is a 400.

    Only parsed: ``api`` validates it (``designs.document.validate``) and names the failing field path.
    """

    default_error_messages = {"not_object": gettext_lazy("The design must be a JSON object.")}

    def to_internal_value(self, data: object) -> dict:
        """The document as sent (a dict)."""
        if not isinstance(data, dict):
            self.fail("not_object")
        return data


# --- requests -----------------------------------------------------------------------------------------------


class DesignVersionRequestSerializer(serializers.Serializer):
    """Save a design as the course's next version (its current design from then on)."""

    document = DocumentField()
    note = ClientTextField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_LENGTH,
        help_text=f"What changed (at most {NOTE_MAX_LENGTH} characters).",
    )


class DesignAssetRequestSerializer(serializers.Serializer):
    """Upload a logo, a background or a signature image (PNG or JPEG; never SVG)."""

    file = serializers.FileField(help_text="PNG or JPEG, at most 2 MB and 4000 x 4000 pixels.")
    kind = serializers.ChoiceField(choices=ASSET_KINDS)


class DesignPreviewRequestSerializer(serializers.Serializer):
    """Render an unsaved design for a sample learner or a real learner of the course (nothing is saved)."""

    document = DocumentField()
    username = ClientTextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="A learner of the course (username or email) whose data fills the design; empty: a sample learner.",
    )
    mode = serializers.RegexField(
        MODE_PATTERN,
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="The mode whose design shows (default: the learner's own, or none for the sample learner).",
    )
    language = serializers.RegexField(
        LANGUAGE_PATTERN,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        max_length=35,
        help_text="The language whose design shows (BCP 47, e.g. es, ar, pt-br); default: the request's.",
    )
    format = serializers.ChoiceField(choices=PREVIEW_FORMATS, default="html", help_text="html or pdf.")


class DesignApplyRequestSerializer(serializers.Serializer):
    """Apply a saved version to the certificates already issued (the current version when none is named)."""

    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=VERSION_MAX
    )


# --- responses ----------------------------------------------------------------------------------------------


class DesignVersionSerializer(serializers.Serializer):
    """A saved design version: immutable; the newest is the course's current design."""

    id = serializers.IntegerField()
    course_id = serializers.CharField()
    number = serializers.IntegerField(help_text="1, 2, … per course.")
    document = DocumentField()
    note = serializers.CharField(allow_blank=True)
    created = serializers.DateTimeField()
    created_by = serializers.CharField(allow_blank=True, help_text="Who saved it (username), or empty.")

    def to_representation(self, instance: object) -> dict:
        """The version as JSON; ``created_by`` is empty (never null) when nobody is named."""
        data = super().to_representation(instance)
        data["created_by"] = data["created_by"] or ""
        return data


class DesignLibraryEntrySerializer(serializers.Serializer):
    """A built-in design to start from."""

    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    defaults = DesignDocumentSerializer(help_text="The whole document of the design before anything is changed.")


class DesignSerializer(serializers.Serializer):
    """The course's current design (null before the first save) and what a design may use."""

    current = DesignVersionSerializer(allow_null=True)
    library = DesignLibraryEntrySerializer(many=True)
    variables = serializers.ListField(child=serializers.CharField(), help_text="Names usable as {name} in blocks.")
    fonts = serializers.ListField(child=serializers.CharField())


class DesignAssetSerializer(serializers.Serializer):
    """An uploaded image: its name goes in the document's ``logo`` or ``background``."""

    id = serializers.IntegerField()
    url = serializers.CharField()
    name = serializers.CharField(help_text="The storage name to put in the design document.")
    kind = serializers.CharField(help_text="logo or background.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class DesignApplyDryRunSerializer(serializers.Serializer):
    """What applying a version would change: the issued certificates on another version, by mode."""

    total = serializers.IntegerField()
    by_mode = serializers.DictField(child=serializers.IntegerField())
    version = serializers.IntegerField(allow_null=True, help_text="The version it would apply (null: no design yet).")
