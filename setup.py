"""Package metadata; install_requires is read from requirements/base.in (Open edX cookiecutter style)."""

import os
import re

from setuptools import Command, find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))


def get_version(*file_paths):
    """The __version__ of the package."""
    with open(os.path.join(HERE, *file_paths), encoding="utf-8") as f:
        match = re.search(r"^__version__ = ['\"]([^'\"]*)['\"]", f.read(), re.M)
    if not match:
        raise RuntimeError("Unable to find version string.")
    return match.group(1)


def load_requirements(*requirements_paths):
    """Requirements from .in files, following -r includes and skipping -c constraints and comments."""
    requirements = []
    for path in requirements_paths:
        with open(os.path.join(HERE, path), encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if not line or line.startswith("-c"):
                    continue
                if line.startswith("-r"):
                    requirements += load_requirements(os.path.join(os.path.dirname(path), line[2:].strip()))
                    continue
                requirements.append(line)
    return requirements


def compile_catalogs(target_root=None):
    """
    Compile every ``cert_manager_plugin/locale/<lang>/LC_MESSAGES/*.po`` to its ``.mo`` (what Django reads).

    With Babel (pure Python, a build requirement in pyproject.toml, so ``pip install`` and wheel or sdist builds
    need no gettext tools); without it (``python setup.py compile_catalogs`` in a venv that lacks Babel), with
    GNU gettext's ``msgfmt``. The ``.mo`` files are written next to their ``.po`` (ignored by git) and, when
    ``target_root`` is given (a wheel's build directory), there too.
    """
    import glob
    import shutil
    import subprocess

    sources = sorted(glob.glob(os.path.join(HERE, "cert_manager_plugin", "locale", "*", "LC_MESSAGES", "*.po")))
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:
        write_mo = read_po = None
        if not shutil.which("msgfmt"):
            raise RuntimeError("Compiling the message catalogs needs Babel (pip install Babel) or gettext (msgfmt).")
    for po_path in sources:
        mo_path = po_path[:-3] + ".mo"
        if read_po is None:
            subprocess.run(["msgfmt", "--check-format", "-o", mo_path, po_path], check=True)  # noqa: S603, S607
        else:
            with open(po_path, "rb") as po_file:
                catalog = read_po(po_file, abort_invalid=True)
            with open(mo_path, "wb") as mo_file:
                write_mo(mo_file, catalog)
        if target_root:
            target = os.path.join(target_root, os.path.relpath(mo_path, HERE))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(mo_path, target)


class CompileCatalogs(Command):
    """``python setup.py compile_catalogs``: compile the message catalogs in place (``make compile_translations``)."""

    description = "compile the gettext catalogs (.po) of cert_manager_plugin/locale to .mo"
    user_options = []

    def initialize_options(self):
        pass

    def finalize_options(self):
        pass

    def run(self):
        compile_catalogs()


class BuildPyWithCatalogs(build_py):
    """Wheels and editable installs (``pip install -e .``) carry compiled catalogs: .mo files are not in git."""

    def run(self):
        super().run()
        compile_catalogs(None if getattr(self, "editable_mode", False) else self.build_lib)


class SdistWithCatalogs(sdist):
    """An sdist carries the compiled catalogs too (MANIFEST.in includes *.mo)."""

    def run(self):
        compile_catalogs()
        super().run()


with open(os.path.join(HERE, "README.rst"), encoding="utf-8") as f:
    README = f.read()

setup(
    name="cert-manager-plugin",
    version=get_version("cert_manager_plugin", "__init__.py"),
    description="Open edX plugin: instructor-controlled course certificates that stay true to the final grade.",
    long_description=README,
    long_description_content_type="text/x-rst",
    license="AGPL 3.0",
    packages=find_packages(include=["cert_manager_plugin", "cert_manager_plugin.*"]),
    include_package_data=True,
    cmdclass={"build_py": BuildPyWithCatalogs, "sdist": SdistWithCatalogs, "compile_catalogs": CompileCatalogs},
    python_requires=">=3.11",
    install_requires=load_requirements("requirements/base.in"),
    entry_points={
        "lms.djangoapp": ["cert_manager_plugin = cert_manager_plugin.apps:CertManagerConfig"],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
