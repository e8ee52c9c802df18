"""Showing the report (issue 13): the terminal table (`render`), the headless charts (`plots`,
matplotlib loaded only when a chart is drawn) and the body of `jit-engine report` (`command`)."""
