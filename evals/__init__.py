"""Evaluation of TreatyQA against a fixed question set, side by side with a naive baseline."""
