#!/usr/bin/env bash
# make test-compat: run the core and graph test suites against the oldest supported Keras/TF
# pair and against the nightlies, each in its own throwaway venv (.venv-compat-<pair>/).
#
#   tools/test_compat.sh [--install-only | --no-install] [oldest] [newest]
#
# Environment: PYTHON (the interpreter that makes the venvs, default python3),
# PYTEST_ARGS (default "-q -n 2"), COMPAT_SUITES (default "tests/kextras_graph tests/kextras").
# The summary at the end gives, per pair, the installed versions and pytest's closing line;
# the exit status is non-zero when a pair failed to install or to pass.
set -u
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PYTEST_ARGS=${PYTEST_ARGS:--q -n 2}
COMPAT_SUITES=${COMPAT_SUITES:-tests/kextras_graph tests/kextras}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
install=1 tests=1 pairs=()
for arg in "$@"; do
    case "$arg" in
        --install-only) tests=0 ;;
        --no-install) install=0 ;;
        oldest | newest) pairs+=("$arg") ;;
        *) echo "test_compat.sh: unknown argument '$arg' (expected --install-only, --no-install, oldest, newest)" >&2; exit 2 ;;
    esac
done
[ ${#pairs[@]} -eq 0 ] && pairs=(oldest newest)

# The pair's requirements. The nightlies are other distributions ("keras-nightly" provides the
# module keras), so kextras itself is installed without its dependencies there, and the rest of
# its graph/sci/dev requirements are read from its own metadata.
pair_requirements() {
    case "$1" in
        oldest) echo "keras==3.9.* tensorflow==2.16.*" ;;
        newest) echo "keras-nightly>=0.0.dev0 tf-nightly>=0.0.dev0" ;;
    esac
}

other_requirements() {  # kextras' own requirements for its graph, sci, chem (the molecule tests) and dev extras, minus keras/tensorflow
    "$1" - <<'EOF'
import importlib.metadata as md, re
from packaging.requirements import Requirement
for text in md.requires("kextras") or []:
    req = Requirement(text)
    if req.name in ("keras", "tensorflow", "kextras"):
        continue
    if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("graph", "sci", "chem", "dev")):
        print(re.sub(r";.*", "", text).strip())
EOF
}

setup_pair() {
    local venv=".venv-compat-$1" py
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv" || return 1
    py="$venv/bin/python"
    local pip=("$py" -m pip install --disable-pip-version-check --quiet)
    "${pip[@]}" --upgrade pip packaging || return 1
    "${pip[@]}" --no-deps -e . || return 1
    # shellcheck disable=SC2046
    "${pip[@]}" $(other_requirements "$py") $(pair_requirements "$1") || return 1
    # the nightlies do not satisfy the names keras/tensorflow: pip check's only expected complaint
    "$py" -m pip check | grep -Ev "^No broken requirements|^kextras .* requires (keras|tensorflow), which is not installed" \
        && echo "test_compat.sh: pip check reports conflicts in $venv (above)"
    return 0  # a conflict is reported, not fatal: the tests tell whether the pair works
}

versions() {
    "$1" -c 'import keras, tensorflow as tf, numpy; print(f"keras {keras.__version__}, tensorflow {tf.__version__}, numpy {numpy.__version__}")' 2>/dev/null \
        || echo "keras/tensorflow not importable"
}

status=0 summary=()
for pair in "${pairs[@]}"; do
    venv=".venv-compat-$pair"
    echo "=== compat $pair: $(pair_requirements "$pair")"
    if [ "$install" = 1 ] && ! setup_pair "$pair"; then
        summary+=("$pair: INSTALL FAILED ($(pair_requirements "$pair"))"); status=1; continue
    fi
    if [ "$tests" = 1 ]; then
        log="$venv/pytest.log"
        # shellcheck disable=SC2086
        PATH="$PWD/$venv/bin:$PATH" "$venv/bin/python" -m pytest $COMPAT_SUITES $PYTEST_ARGS -p no:cacheprovider 2>&1 | tee "$log"
        rc=${PIPESTATUS[0]}
        [ "$rc" = 0 ] || status=1
        summary+=("$pair: $(versions "$venv/bin/python"): $(tail -n 1 "$log") (exit $rc, log $log)")
    else
        summary+=("$pair: installed, $(versions "$venv/bin/python")")
    fi
done
echo "=== compat summary"
printf '%s\n' "${summary[@]}"
exit $status
