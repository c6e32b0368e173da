"""Model hubs off: TreatyQA runs where there is no internet."""

from __future__ import annotations

import os


def stay_offline() -> None:
    """Model hubs off, unless the environment says otherwise. Called before
    huggingface_hub is imported (it reads these once): a hub lookup would retry for
    over a minute on a machine without internet."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # a "Loading weights" bar at every start
