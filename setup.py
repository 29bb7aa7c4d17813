"""Package metadata; install_requires is read from requirements/base.in (Open edX cookiecutter style)."""

import os
import re

from setuptools import find_packages, setup

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
