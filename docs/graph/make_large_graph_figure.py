"""Draws docs/graph/img/large_graphs_fanout.png: Cora test accuracy against the fan-out.

Reads the JSON lines of ``benchmarks/bench_graph_sampling.py --parts cora,fanout`` (saved as
``docs/graph/img/large_graphs_cora.jsonl``): the ``fanout`` rows (mean and std over seeds of
the sampled GraphSAGE, fan-outs ``[k, k]``) and the ``cora`` summary (full-batch model).

Run: ``python3 docs/graph/make_large_graph_figure.py [results.jsonl]``.
"""

import json
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent / "img"


def main(path):
    rows = [json.loads(line) for line in pathlib.Path(path).read_text().splitlines() if line.startswith("{")]
    fan = sorted((r for r in rows if r.get("part") == "fanout"), key=lambda r: r["fanout"])
    full = next(r for r in rows if r.get("part") == "cora" and r.get("summary"))
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    k = [r["fanout"] for r in fan]
    ax.errorbar(k, [100 * r["mean"] for r in fan], yerr=[100 * r["std"] for r in fan], marker="o", capsize=3,
                label=f"sampled, fan-outs [k, k] ({fan[0]['seeds']} seeds)")
    m, s = 100 * full["full_batch_mean"], 100 * full["full_batch_std"]
    ax.axhline(m, color="k", lw=1, label=f"full batch ({full['seeds']} seeds)")
    ax.axhspan(m - s, m + s, color="k", alpha=0.1)
    ax.set_xscale("log")
    ax.set_xticks(k, [str(x) for x in k])
    ax.set_xlabel("neighbours sampled per node and hop (k)")
    ax.set_ylabel("Cora test accuracy (%)")
    ax.set_title("GraphSAGE on Cora: sampled mini-batches vs full batch")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    OUT.mkdir(exist_ok=True)
    fig.savefig(OUT / "large_graphs_fanout.png", dpi=120)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT / "large_graphs_cora.jsonl")
