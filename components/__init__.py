"""Reusable UI: the app shell, page frames, cards, badges, tile map, charts, grids, filters."""
