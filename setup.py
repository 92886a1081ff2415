"""The compiled parts; everything else is in pyproject.toml.

- the compact PDQ index's scan kernel (src/childsafe/hashmatch/_scan.c);
- the multi-index PDQ lookups (src/childsafe/hashmatch/_probe.c);
- the conversation lexicons' pattern index (src/childsafe/conversations/_lexmatch.c);
- the conversation message models' reader (src/childsafe/conversations/_reader.c);
- the conversation normaliser's common case (src/childsafe/conversations/_normalise.c).

All are optional: without a C compiler the install still succeeds, and Python and numpy do the same work, more
slowly (docs/hashmatch.md, docs/conversations.md).
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("childsafe.hashmatch._scan", ["src/childsafe/hashmatch/_scan.c"], extra_compile_args=["-O3"],
              optional=True),
    Extension("childsafe.hashmatch._probe", ["src/childsafe/hashmatch/_probe.c"], extra_compile_args=["-O2"],
              optional=True),
    Extension("childsafe.conversations._lexmatch", ["src/childsafe/conversations/_lexmatch.c"],
              extra_compile_args=["-O2"], optional=True),
    Extension("childsafe.conversations._reader", ["src/childsafe/conversations/_reader.c"],
              extra_compile_args=["-O2"], optional=True),
    Extension("childsafe.conversations._normalise", ["src/childsafe/conversations/_normalise.c"],
              extra_compile_args=["-O2"], optional=True),
])
