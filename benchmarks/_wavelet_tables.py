"""Markdown tables of a ``bench_wavelets_pywt.py`` run (``--table run.jsonl``), the form
of docs/wavelets/benchmarks.md, so that a rerun's numbers slot in unchanged."""

import json


def _ms(d):
    return f"{1e3 * d['median']:.1f} [{1e3 * d['min']:.1f}, {1e3 * d['max']:.1f}]"


def table(path):
    """Markdown tables (steady state, first call and new shape, memory) of a JSON-lines run."""
    rows = [json.loads(ln) for ln in open(path) if ln.startswith("{")]
    env = next((r["env"] for r in rows if "env" in r), {})
    rows = [r for r in rows if "case" in r]
    libs = ("kextras", "pywt", "ptwt")
    out = [f"Run: commit {env.get('commit')}, {env.get('date_utc')} UTC, load average "
           f"{env.get('load_avg_1min')}, {env.get('repeats')} repeats, seed {env.get('seed')}; TensorFlow "
           f"{env.get('tensorflow')}, pywt {env.get('pywt')}, ptwt {env.get('ptwt')} (torch {env.get('torch')}).", "",
           "| case | CPU ms kextras | pywt | ptwt | kextras / pywt: CPU (wall) | kextras / ptwt: CPU (wall) "
           "| tf.function / eager (CPU) | max abs err vs pywt |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        st = r["steady"]
        cell = lambda lib: _ms(st[lib]["cpu_s"]) if lib in st else "n/a"  # noqa: E731
        def ratio(key, r=r):
            if f"ratio_cpu_{key}" in r:
                return f"**{r[f'ratio_cpu_{key}']:.2f}** ({r[f'ratio_wall_{key}']:.2f})"
            return "no such mode" if r["not_run"].get(key, "").startswith("ptwt has no") else "not run"
        err = r["max_abs_err_vs_pywt"].get("kextras")
        out.append(f"| {r['case']} | {cell('kextras')} | {cell('pywt')} | {cell('ptwt')} | {ratio('pywt')} "
                   f"| {ratio('ptwt')} | {r.get('ratio_cpu_tf_function_vs_eager', 'n/a')} | {err:.1e} |")
    probes = [r for r in rows if "first_call" in r]
    if probes:
        out += ["", "CPU seconds (wall seconds in brackets), kextras / pywt / ptwt:", "",
                "| case | runtime start (trivial op) | first call | second call | new shape: first call "
                "| new shape: second call | kextras import (wall) |", "|---|---|---|---|---|---|---|"]
        for r in probes:
            fc = r["first_call"]

            def get(key, fc=fc):
                return " / ".join(f"{fc[lib][key + '_cpu_s']:.3f} ({fc[lib][key + '_s']:.3f})"
                                  if key + "_cpu_s" in fc.get(lib, {}) else "n/a" for lib in libs)
            out.append(f"| {r['case']} | {get('runtime_start')} | {get('first')} | {get('second')} "
                       f"| {get('new_shape_first')} | {get('new_shape_second')} "
                       f"| {fc['kextras'].get('import_s', 'n/a')} |")
        out += ["", "| case | runtime start (trivial op) MB: kextras / pywt / ptwt "
                "| peak MB added, first call: kextras / pywt / ptwt | kextras / pywt | with start: kextras / pywt "
                "| later call: kextras / pywt / ptwt | kextras / pywt |", "|---|---|---|---|---|---|---|"]
        for r in probes:
            fc = r["first_call"]
            get = lambda key: " / ".join(  # noqa: E731
                f"{fc[lib][key]:.0f}" if key in fc.get(lib, {}) else "n/a" for lib in libs)
            out.append(f"| {r['case']} | {get('runtime_start_peak_mb')} | {get('peak_added_first_mb')} "
                       f"| {r.get('memory_ratio_first_vs_pywt', 'n/a')} "
                       f"| {r.get('memory_ratio_first_with_start_vs_pywt', 'n/a')} "
                       f"| {get('peak_added_steady_mb')} | {r.get('memory_ratio_steady_vs_pywt', 'n/a')} |")
    print("\n".join(out))
