"""The page of ``negsim explore``: tweak a scenario and watch its outcome charts change."""
