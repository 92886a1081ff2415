"""The one compiled part: the compact PDQ index's scan kernel (src/childsafe/hashmatch/_scan.c).

Everything else is in pyproject.toml. The extension is optional: without a C compiler the install still succeeds and
the compact index scans with numpy instead, far more slowly (docs/hashmatch.md).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("childsafe.hashmatch._scan", ["src/childsafe/hashmatch/_scan.c"],
                             extra_compile_args=["-O3"], optional=True)])
