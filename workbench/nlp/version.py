"""The version of our pipeline components' behaviour, apart from spaCy.

Part of the store's tagging cache key (with the model and the gazetteers' fingerprint):
bump :data:`PIPELINE_VERSION` whenever a component, rule or word list changes what
tagging outputs, and the store re-tags reports cached under another version. It lives
here, not in :mod:`workbench.nlp.pipeline`, so that an ingest with nothing to tag never
imports spaCy.
"""

from __future__ import annotations

#: Version of our components' behaviour; part of the store's cache key.
PIPELINE_VERSION = "4"  # 3: place cues (nlp.toponyms); 4: datelines, hyphenated names, allied
