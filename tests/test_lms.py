"""The LMS adapter: the standalone backend on the plugin's tables, the edx-platform backend against fakes."""

from __future__ import annotations

import ast
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

import cert_manager_plugin
from cert_manager_plugin import conf, lms
from cert_manager_plugin.data import CourseRole
from tests.factories import COURSE_KEY, CourseRoleFactory, LearnerRecordFactory, UserFactory

User = get_user_model()
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)


@pytest.fixture
def standalone():
    return lms.StandaloneBackend()


# --- standalone: users ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identifier", ["bilbo", "bilbo@example.com", "BILBO@EXAMPLE.COM", " Bilbo@Example.com ", "BILBO", "Bilbo"]
)
def test_find_user_by_username_or_email_in_any_case(standalone, learner, identifier):
    assert standalone.find_user(identifier) == learner


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["", "   ", None, "frodo", "frodo@example.com", "bilbo@example"])
def test_find_user_unknown(standalone, learner, identifier):
    assert standalone.find_user(identifier) is None


@pytest.mark.django_db
def test_find_user_exact_username_wins_and_ambiguous_case_finds_nobody(standalone):
    lower = UserFactory(username="sam")
    upper = UserFactory(username="Sam")
    assert standalone.find_user("sam") == lower
    assert standalone.find_user("Sam") == upper
    assert standalone.find_user("SAM") is None, "two accounts fold to 'sam': refuse to guess"


@pytest.mark.django_db
def test_find_user_shared_email_gives_the_oldest_account(standalone):
    first = UserFactory(username="a1", email="shared@example.com")
    UserFactory(username="a2", email="Shared@Example.com")
    assert standalone.find_user("SHARED@example.com") == first
    assert standalone.find_users(["shared@EXAMPLE.com"]) == {"shared@EXAMPLE.com": first}


@pytest.mark.django_db
def test_find_users_2000_identifiers_in_constant_queries(standalone):
    User.objects.bulk_create(
        [User(username=f"user{i:04d}", email=f"User{i:04d}@Example.com") for i in range(2000)], batch_size=500
    )
    by_name = {u.username: u.pk for u in User.objects.all()}
    identifiers = [f"user{i:04d}" for i in range(0, 2000, 2)]  # 1,000 usernames
    identifiers += [f"USER{i:04d}@example.COM" for i in range(1, 2000, 2)]  # 1,000 emails in another case
    identifiers += ["ghost", "ghost@example.com", "", "  "]
    with CaptureQueriesContext(connection) as queries:
        found = standalone.find_users(identifiers)
    assert len(found) == 2000
    assert found["user0000"].pk == by_name["user0000"]
    assert found["USER1999@example.COM"].pk == by_name["user1999"]
    assert "ghost" not in found and "ghost@example.com" not in found
    # 900 identifiers per query: 2 for 1,000 usernames, 1 for the case-folded misses, 2 for 1,000 emails
    assert len(queries) <= 6, [q["sql"][:80] for q in queries]


@pytest.mark.django_db
def test_find_users_folds_username_case_when_unambiguous(standalone):
    frodo = UserFactory(username="Frodo")
    UserFactory(username="merry")
    UserFactory(username="Merry")
    found = standalone.find_users(["frodo", "FRODO", "MERRY", "merry"])
    assert found["frodo"] == frodo and found["FRODO"] == frodo
    assert "MERRY" not in found
    assert found["merry"].username == "merry"


@pytest.mark.django_db
def test_display_names(standalone):
    named = UserFactory(first_name="Samwise", last_name="Gamgee")
    bare = UserFactory(username="gollum", first_name="", last_name="")
    assert standalone.display_names([named.pk, bare.pk, 987654]) == {named.pk: "Samwise Gamgee", bare.pk: "gollum"}


# --- standalone: roles, courses, enrollments -------------------------------------------------------


@pytest.mark.django_db
def test_course_roles_and_global_staff(standalone, learner):
    other_course = lms.CourseKey.from_string("course-v1:Other+X+1")
    assert standalone.course_roles(learner, COURSE_KEY) == set()
    CourseRoleFactory(user=learner, role=CourseRole.STAFF)
    CourseRoleFactory(user=learner, role=CourseRole.INSTRUCTOR)
    CourseRoleFactory(user=learner, course_key=other_course, role=CourseRole.STAFF)
    assert standalone.course_roles(learner, COURSE_KEY) == {"staff", "instructor"}
    assert not standalone.is_global_staff(learner)
    assert standalone.is_global_staff(UserFactory(is_staff=True))


@pytest.mark.django_db
def test_course_overview(standalone, course):
    course.start, course.end = START, END
    course.save()
    info = standalone.course_overview(COURSE_KEY)
    assert info == lms.CourseInfo(COURSE_KEY, "Certificates 101", "TestX", START, END)
    assert standalone.course_overview(lms.CourseKey.from_string("course-v1:No+Such+Course")) is None


@pytest.mark.django_db
def test_enrollments(standalone):
    active = [LearnerRecordFactory(is_active=True).user_id for _ in range(3)]
    inactive = LearnerRecordFactory(is_active=False).user_id
    elsewhere = LearnerRecordFactory(course_key=lms.CourseKey.from_string("course-v1:Other+X+1")).user_id
    assert standalone.enrolled_user_ids(COURSE_KEY) == set(active)
    asked = [*active[:2], inactive, elsewhere, 424242]
    assert standalone.enrolled_among(COURSE_KEY, asked) == set(active[:2])
    assert list(standalone.backfill_rows(COURSE_KEY)) == []


@pytest.mark.django_db
def test_enrolled_among_2000_ids_is_chunked(standalone):
    users = User.objects.bulk_create([User(username=f"e{i}") for i in range(2000)], batch_size=500)
    ids = list(User.objects.filter(username__startswith="e").values_list("pk", flat=True))
    assert len(ids) == len(users)
    LearnerRecordFactory._meta.model.objects.bulk_create(
        [LearnerRecordFactory.build(user_id=pk, user=None, is_active=pk % 2 == 0) for pk in ids], batch_size=500
    )
    with CaptureQueriesContext(connection) as queries:
        found = standalone.enrolled_among(COURSE_KEY, ids)
    assert found == {pk for pk in ids if pk % 2 == 0}
    assert len(queries) == 3  # ceil(2000 / 900)


# --- backend selection ----------------------------------------------------------------------------


class CustomBackend(lms.StandaloneBackend):
    """Picked by dotted path."""


def test_backend_selection(settings):
    settings.CERT_MANAGER_LMS_BACKEND = "standalone"
    assert type(lms.backend()) is lms.StandaloneBackend
    settings.CERT_MANAGER_LMS_BACKEND = "edx_platform"
    assert type(lms.backend()) is lms.EdxPlatformBackend
    settings.CERT_MANAGER_LMS_BACKEND = f"{__name__}.CustomBackend"
    assert type(lms.backend()) is CustomBackend
    assert lms.backend() is lms.backend(), "one instance per setting"
    del settings.CERT_MANAGER_LMS_BACKEND
    conf.cm_settings.reload()  # pytest-django's del sends no setting_changed
    assert type(lms.backend()) is lms.StandaloneBackend, "standalone when the host sets nothing"


def test_the_test_settings_use_the_standalone_backend():
    assert type(lms.backend()) is lms.StandaloneBackend


# --- edx-platform backend against fake edx-platform modules ----------------------------------------


class FakeQuerySet:
    """Just enough of a QuerySet: filter on equality / ``__in``, values, values_list, iterator."""

    def __init__(self, rows, calls, name, filters=None):
        self.rows, self.calls, self.name, self.filters = rows, calls, name, filters or {}

    def filter(self, **kwargs):
        self.calls.append((f"{self.name}.filter", kwargs))
        rows = [r for r in self.rows if all(self._match(r, k, v) for k, v in kwargs.items())]
        return FakeQuerySet(rows, self.calls, self.name, {**self.filters, **kwargs})

    @staticmethod
    def _match(row, key, value):
        if key.endswith("__in"):
            return row[key[:-4]] in list(value)
        return row[key] == value

    def all(self):
        return self

    def annotate(self, **kwargs):
        return self

    def __getitem__(self, item):
        return self.rows[item]

    def extra(self, where, params):
        """``sql.ids_in``'s narrowing: ``<table>.<column> IN (<integers>)`` (``sql.int_list``, no params)."""
        column, _, listed = where[0].split(".")[1].partition(" IN ")
        column, ids = column.strip('"`'), [int(i) for i in listed.strip("()").split(",")]
        self.calls.append((f"{self.name}.filter", {f"{column}__in": ids}))
        return FakeQuerySet([r for r in self.rows if r[column] in ids], self.calls, self.name, self.filters)

    def values_list(self, *fields, flat=False):
        self.calls.append((f"{self.name}.values_list", fields))
        out = [row[fields[0]] if flat else tuple(row[f] for f in fields) for row in self.rows]
        return FakeQuerySet(out, self.calls, self.name)

    def values(self, *fields):
        self.calls.append((f"{self.name}.values", fields))
        return FakeQuerySet([{f: r[f] for f in fields} for r in self.rows], self.calls, self.name)

    def iterator(self, chunk_size=None):
        self.calls.append((f"{self.name}.iterator", chunk_size))
        return iter(self.rows)

    def __iter__(self):
        return iter(self.rows)


class FakeEdxPlatform:
    """Fake modules for exactly the edx-platform names the adapter documents."""

    def __init__(self, monkeypatch):
        self.calls: list = []
        self.users: dict[str, object] = {}
        self.profiles: list[dict] = []
        self.enrollments: list[dict] = []
        self.grades: list[dict] = []
        self.instructors: set = set()
        self.staff: set = set()
        self.global_staff: set = set()
        self.overviews: dict = {}
        self.overview_rows: list[dict] = []  # CourseOverview rows for the any-case lookup
        fake = self

        def get_user_by_username_or_email(username_or_email):
            fake.calls.append(("get_user_by_username_or_email", username_or_email))
            if username_or_email == "twice":
                raise User.MultipleObjectsReturned()
            try:
                return fake.users[username_or_email]
            except KeyError:
                raise User.DoesNotExist() from None

        def manager(name, rows_attr):
            return types.SimpleNamespace(
                filter=lambda **kw: FakeQuerySet(getattr(fake, rows_attr), fake.calls, name).filter(**kw),
                all=lambda: FakeQuerySet(getattr(fake, rows_attr), fake.calls, name),
            )

        class _Role:
            members: set = set()

            def __init__(self, course_key):
                fake.calls.append((type(self).__name__, course_key))
                self.course_key = course_key

            def has_user(self, user):
                return (user.pk, self.course_key) in self.members

        class CourseInstructorRole(_Role):
            members = self.instructors

        class CourseStaffRole(_Role):
            members = self.staff

        class GlobalStaff:
            def has_user(self, user):
                fake.calls.append(("GlobalStaff.has_user", user.pk))
                return user.pk in fake.global_staff

        def get_course_overview_or_none(course_id):
            fake.calls.append(("get_course_overview_or_none", course_id))
            return fake.overviews.get(course_id)

        modules = {
            "common.djangoapps.student.models": {
                "get_user_by_username_or_email": get_user_by_username_or_email,
                "UserProfile": types.SimpleNamespace(
                    objects=manager("UserProfile", "profiles"),
                    _meta=types.SimpleNamespace(
                        db_table="auth_userprofile",
                        get_field={"user": types.SimpleNamespace(column="user_id")}.__getitem__,
                    ),
                ),
                "CourseEnrollment": types.SimpleNamespace(objects=manager("CourseEnrollment", "enrollments")),
            },
            "common.djangoapps.student.roles": {
                "CourseInstructorRole": CourseInstructorRole,
                "CourseStaffRole": CourseStaffRole,
                "GlobalStaff": GlobalStaff,
            },
            "openedx.core.djangoapps.content.course_overviews.api": {
                "get_course_overview_or_none": get_course_overview_or_none,
            },
            "openedx.core.djangoapps.content.course_overviews.models": {
                "CourseOverview": types.SimpleNamespace(objects=manager("CourseOverview", "overview_rows")),
            },
            "lms.djangoapps.grades.models": {
                "PersistentCourseGrade": types.SimpleNamespace(objects=manager("PersistentCourseGrade", "grades")),
            },
        }
        for dotted, attrs in modules.items():
            parts = dotted.split(".")
            for i in range(1, len(parts)):
                package = ".".join(parts[:i])
                if package not in sys.modules or not hasattr(sys.modules[package], "__path__"):
                    module = types.ModuleType(package)
                    module.__path__ = []
                    monkeypatch.setitem(sys.modules, package, module)
            module = types.ModuleType(dotted)
            for name, value in attrs.items():
                setattr(module, name, value)
            monkeypatch.setitem(sys.modules, dotted, module)
            parent = sys.modules[".".join(parts[:-1])]
            monkeypatch.setattr(parent, parts[-1], module, raising=False)

    def names_called(self) -> set[str]:
        return {c[0].split(".")[0] for c in self.calls}


@pytest.fixture
def edx(monkeypatch):
    return FakeEdxPlatform(monkeypatch)


@pytest.fixture
def platform():
    return lms.EdxPlatformBackend()


def _user(pk, **kw):
    return types.SimpleNamespace(pk=pk, is_staff=False, **kw)


@pytest.mark.django_db
def test_edx_find_user(edx, platform):
    bilbo = _user(1)
    edx.users["bilbo@example.com"] = bilbo
    assert platform.find_user("  bilbo@example.com ") is bilbo
    assert platform.find_user("nobody") is None
    assert platform.find_user("twice") is None
    assert edx.calls == [
        ("get_user_by_username_or_email", "bilbo@example.com"),
        ("get_user_by_username_or_email", "nobody"),
        ("get_user_by_username_or_email", "twice"),
    ]


@pytest.mark.django_db
def test_edx_display_names_from_user_profile_with_username_fallback(edx, platform):
    named = UserFactory(first_name="Ignored", last_name="Name")
    unnamed = UserFactory(username="no_profile_name", first_name="", last_name="")
    edx.profiles = [{"user_id": named.pk, "name": "Profile Name"}, {"user_id": unnamed.pk, "name": ""}]
    assert platform.display_names([named.pk, unnamed.pk]) == {named.pk: "Profile Name", unnamed.pk: "no_profile_name"}
    assert ("UserProfile.filter", {"user_id__in": [named.pk, unnamed.pk]}) in edx.calls
    assert ("UserProfile.values_list", ("user_id", "name")) in edx.calls


def test_edx_course_roles_and_global_staff(edx, platform):
    user = _user(7)
    edx.instructors.add((7, COURSE_KEY))
    assert platform.course_roles(user, COURSE_KEY) == {"instructor"}
    edx.staff.add((7, COURSE_KEY))
    assert platform.course_roles(user, COURSE_KEY) == {"instructor", "staff"}
    assert ("CourseInstructorRole", COURSE_KEY) in edx.calls and ("CourseStaffRole", COURSE_KEY) in edx.calls
    assert platform.is_global_staff(user) is False
    edx.global_staff.add(7)
    assert platform.is_global_staff(user) is True
    assert platform.is_global_staff(types.SimpleNamespace(pk=8, is_staff=True)), "Django is_staff counts too"


def test_edx_course_overview(edx, platform):
    edx.overviews[COURSE_KEY] = types.SimpleNamespace(
        id=COURSE_KEY, display_name="Certificates 101", org="TestX", start=START, end=END
    )
    assert platform.course_overview(COURSE_KEY) == lms.CourseInfo(COURSE_KEY, "Certificates 101", "TestX", START, END)
    other = lms.CourseKey.from_string("course-v1:No+Such+Course")
    assert platform.course_overview(other) is None
    assert [c for c in edx.calls if c[0] == "get_course_overview_or_none"] == [
        ("get_course_overview_or_none", COURSE_KEY),
        ("get_course_overview_or_none", other),
    ]


def test_edx_enrollments_chunked(edx, platform):
    edx.enrollments = [
        {"user_id": i, "course_id": COURSE_KEY, "is_active": i % 3 != 0, "mode": "verified"} for i in range(2000)
    ]
    assert platform.enrolled_user_ids(COURSE_KEY) == {i for i in range(2000) if i % 3}
    edx.calls.clear()
    assert platform.enrolled_among(COURSE_KEY, range(2000)) == {i for i in range(2000) if i % 3}
    filters = [c[1] for c in edx.calls if c[0] == "CourseEnrollment.filter"]
    assert len(filters) == 3
    assert all(f["course_id"] == COURSE_KEY and f["is_active"] is True for f in filters)
    assert max(len(f["user_id__in"]) for f in filters) == lms.LOOKUP_CHUNK


def test_edx_backfill_rows_join_enrollments_and_persistent_grades(edx, platform):
    passed_at = datetime(2026, 3, 1, tzinfo=UTC)
    edx.enrollments = [
        {"user_id": 1, "course_id": COURSE_KEY, "mode": "verified", "is_active": True},
        {"user_id": 2, "course_id": COURSE_KEY, "mode": "audit", "is_active": False},
        {"user_id": 3, "course_id": lms.CourseKey.from_string("course-v1:O+X+1"), "mode": "honor", "is_active": True},
    ]
    edx.enrollments.append({"user_id": 4, "course_id": COURSE_KEY, "mode": "honor", "is_active": True})
    edx.grades = [
        {
            "user_id": 1,
            "course_id": COURSE_KEY,
            "percent_grade": 0.91,
            "letter_grade": "A",
            "passed_timestamp": passed_at,
        },
        {"user_id": 3, "course_id": COURSE_KEY, "percent_grade": 0.5, "letter_grade": "", "passed_timestamp": None},
        # passed once, failing now: the LMS never clears passed_timestamp; letter_grade says "not passing"
        {
            "user_id": 4,
            "course_id": COURSE_KEY,
            "percent_grade": 0.3,
            "letter_grade": "",
            "passed_timestamp": passed_at,
        },
    ]
    rows = list(platform.backfill_rows(COURSE_KEY))
    assert rows == [
        lms.BackfillRow(1, "verified", True, 0.91, True, passed_at),
        lms.BackfillRow(2, "audit", False, None, False, None),
        lms.BackfillRow(4, "honor", True, 0.3, False, passed_at),
    ]
    assert ("PersistentCourseGrade.filter", {"course_id": COURSE_KEY}) in edx.calls
    assert (
        "PersistentCourseGrade.values",
        ("user_id", "percent_grade", "letter_grade", "passed_timestamp"),
    ) in edx.calls
    assert ("CourseEnrollment.values_list", ("user_id", "mode", "is_active")) in edx.calls
    assert ("CourseEnrollment.iterator", 2000) in edx.calls


@pytest.mark.django_db
def test_edx_backend_calls_only_the_documented_platform_names(edx, platform):
    """Every edx-platform name the adapter touches is one the module docstring documents."""
    documented = {
        "get_user_by_username_or_email",
        "UserProfile",
        "CourseEnrollment",
        "CourseInstructorRole",
        "CourseStaffRole",
        "GlobalStaff",
        "get_course_overview_or_none",
        "CourseOverview",
        "PersistentCourseGrade",
    }
    for name in documented:
        assert name in lms.edx_platform.__doc__, name
    user = _user(1)
    platform.find_user("x")
    platform.course_roles(user, COURSE_KEY)
    platform.is_global_staff(user)
    platform.course_overview(COURSE_KEY)
    platform.enrolled_user_ids(COURSE_KEY)
    platform.enrolled_among(COURSE_KEY, [1])
    list(platform.backfill_rows(COURSE_KEY))
    assert edx.names_called() <= documented
    assert edx.names_called() >= documented - {"UserProfile", "CourseOverview"}


# --- the edx-platform imports live in the lms package only, inside functions -----------------------

PLATFORM_PREFIXES = ("common.djangoapps", "lms.djangoapps", "openedx.core")


def _docstring_nodes(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _platform_mentions(path: Path) -> list[tuple[int, bool]]:
    """(line, inside a function) of every import or non-docstring string naming an edx-platform module."""
    tree = ast.parse(path.read_text())
    docstrings = _docstring_nodes(tree)
    found = []

    def visit(node, in_function):
        in_function = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            names = [node.value]
        if any(p in n for n in names for p in PLATFORM_PREFIXES):
            found.append((node.lineno, in_function))
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return found


def test_only_the_lms_package_touches_edx_platform_and_only_lazily():
    root = Path(cert_manager_plugin.__file__).parent
    adapter = root / "lms"
    offenders = {}
    for path in sorted(root.rglob("*.py")):
        mentions = _platform_mentions(path)
        if path.parent == adapter or path == root / "lms_inspect.py":  # the adapter, the operator's check
            eager = [line for line, in_function in mentions if not in_function]
            assert not eager, f"{path.name} imports edx-platform at module level on lines {eager}"
            assert path.name != "edx_platform.py" or len(mentions) >= 8, "the scan finds the adapter's lazy imports"
        elif mentions:
            offenders[str(path.relative_to(root))] = [line for line, _ in mentions]
    assert not offenders, offenders


def test_the_scan_catches_an_eager_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""Mentions lms.djangoapps in a docstring only."""\nfrom lms.djangoapps.grades import api\n')
    assert _platform_mentions(bad) == [(2, False)]
    lazy = tmp_path / "lazy.py"
    lazy.write_text(
        "def f():\n    from openedx.core.djangoapps import x\n    return import_string('common.djangoapps.y')\n"
    )
    assert _platform_mentions(lazy) == [(2, True), (3, True)]
