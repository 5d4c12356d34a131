"""Prefect flows and deployments of plan-extract: orchestration only, no parsing."""
