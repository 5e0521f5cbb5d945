"""The domain of digest: everything that works without a terminal.

Nothing under ``tui.core`` may import Textual (a test enforces it), so the
refresh engine, the store and the figures extractor run and are tested
headless, from cron, or from another program.
"""
