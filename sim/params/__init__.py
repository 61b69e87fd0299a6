"""The value types of a scenario: numbers, distributions drawn once per run, their quantiles."""
