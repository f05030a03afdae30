"""Nadaraya–Watson kernel regression: attention pooling with no weights to load."""

from attention_viz.family import Family

FAMILY = Family(
    key="kernel_regression",
    title="Kernel regression",
    icon=":material/scatter_plot:",
    blurb="Nadaraya–Watson kernel regression: drag the kernel width, watch the fit change",
    page="families/kernel/page.py",
    bench="attention_viz.families.kernel.bench:run",
    bench_name="kernel",
    order=10,
)
