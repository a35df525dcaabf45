"""hyper-sinh and m-arcsinh against ReLU and tanh on scikit-learn's digits (shipped offline).

The kind of comparison of Parisi et al. (arXiv:2011.07661, arXiv:2009.07530): a shallow
MLP and a small CNN, identical except for the activation, trained with Adam; test accuracy
mean and standard deviation over seeds. Prints one JSON line per (model, activation).

Usage: python benchmarks/bench_activations.py [--quick]
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from kextras.activations import hyper_sinh, m_arcsinh  # noqa: E402

ACTIVATIONS = {"hyper_sinh": hyper_sinh, "m_arcsinh": m_arcsinh, "relu": "relu", "tanh": "tanh"}


def mlp(activation):
    return keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation=activation),
                             keras.layers.Dense(10, activation="softmax")])


def cnn(activation):
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation=activation),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation=activation),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax"),
    ])


def run(build, activation, seed, x, y, epochs):
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, stratify=y, random_state=seed)
    model = build(activation)
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=64, verbose=0)
    return model.evaluate(x_test, y_test, verbose=0)[1]


def main(quick: bool) -> None:
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    seeds = range(2 if quick else 5)
    epochs = 5 if quick else 30
    for model_name, build, data in [("mlp", mlp, x), ("cnn", cnn, x.reshape(-1, 8, 8, 1))]:
        for name, activation in ACTIVATIONS.items():
            start = time.perf_counter()
            accuracies = [run(build, activation, seed, data, digits.target, epochs) for seed in seeds]
            print(json.dumps({
                "bench": "activations_digits", "model": model_name, "activation": name, "epochs": epochs,
                "seeds": len(accuracies), "accuracy_mean": round(float(np.mean(accuracies)), 4),
                "accuracy_std": round(float(np.std(accuracies)), 4), "seconds": round(time.perf_counter() - start, 1),
            }), flush=True)


if __name__ == "__main__":
    main("--quick" in sys.argv)
