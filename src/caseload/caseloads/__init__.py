"""Weighted workload, caps, caseload bands and the rules that keep caseloads safe."""

from caseload.caseloads.policy import CaseloadPolicy, RoleCap, default_policy, load_policy

__all__ = ["CaseloadPolicy", "RoleCap", "default_policy", "load_policy"]
