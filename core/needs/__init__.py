"""Needs (帮扶需求): what a person needs, its public story, its review and its life cycle."""
