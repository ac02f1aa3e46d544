"""Measurements that are not tests: NLU accuracy, Rasa test stories, latency."""
