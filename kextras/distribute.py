"""Training a compiled Keras model under a ``tf.distribute`` strategy.

Keras 3 (3.9 to the 3.16 nightly, TensorFlow 2.16 to the 2.23 nightly) cannot do it with its
own ``fit`` in two cases: under ``MirroredStrategy`` a dataset of ``tf.RaggedTensor`` batches fails with
``'RaggedTensor' object has no attribute 'device'``, and under
``MultiWorkerMirroredStrategy`` every dataset fails (``Attempt to convert a value
(PerReplica...) to a Tensor``, keras-team/keras#20585). Both come from the step that builds
the model before training: it averages one data batch across the replicas with
``strategy.reduce``. ``evaluate`` fails the same way; ``predict`` and ``save`` work.
Training itself, ``strategy.run(model.train_step, ...)``, works.

:func:`fit` (and :func:`evaluate`) is that loop and nothing more: each step runs the model's own
``train_step`` (its compiled loss, optimizer and metrics, or a custom ``train_step`` such as
a PINN's) on every replica through ``strategy.run``, over
``strategy.experimental_distribute_dataset(dataset)``, and drives the standard Keras
callbacks (``History``, ``ProgbarLogger``, ``EarlyStopping``, ``ModelCheckpoint``, ...).
The strategy is the one the model was built under (``model.distribute_strategy``); without
one it is TensorFlow's default strategy, and :func:`fit` trains on one device.

The global batch is the dataset's batch: a batch of ``B`` examples is split into ``B / R``
per replica over the ``R = strategy.num_replicas_in_sync`` replicas of all workers, each
replica's loss is its local mean divided by ``R`` (Keras' own scaling), and the gradients
are summed across replicas, so with ``B`` divisible by ``R`` a step equals one step on the
whole batch on a single device.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import tensorflow as tf

from kextras.validation import choice, non_negative_int, positive_int

__all__ = ["fit", "evaluate", "is_chief"]


def is_chief(strategy=None):
    """Whether this process is the one that should write files (checkpoints, logs, models).

    ``True`` on a single machine. In a cluster described by ``TF_CONFIG``: the task of type
    ``"chief"``, or worker 0 when the cluster has no chief.

    Args:
        strategy: a ``tf.distribute.Strategy`` (default: the current one).
    """
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def fit(model, dataset=None, epochs=1, steps_per_epoch=None, callbacks=None, verbose="auto",
        validation_data=None):
    """Trains ``model`` on ``dataset`` with the model's distribution strategy.

    Args:
        model: a compiled ``keras.Model``, built and compiled under ``strategy.scope()``
            when a strategy is used.
        dataset: a ``tf.data.Dataset`` of global batches, ``(x, y)``, ``(x, y,
            sample_weight)`` or ``x`` (any nesting: dicts, ``tf.RaggedTensor``), or a
            ``tf.distribute.DistributedDataset`` (e.g. from
            ``strategy.distribute_datasets_from_function``); ``None`` for a model whose
            ``train_step`` needs no data (a PINN), then ``steps_per_epoch`` is required.
        epochs: number of epochs (default 1).
        steps_per_epoch: optimizer steps per epoch; ``None`` (default): one pass over the
            dataset per epoch. With an integer the dataset is read on across epochs (as
            Keras does) and training stops with a warning when it runs out.
        callbacks: list of ``keras.callbacks.Callback``; a ``History`` (returned) and, for
            ``verbose`` 1 or 2, a ``ProgbarLogger`` are added.
        verbose: ``"auto"`` (default: 1 on the chief, 0 on the other workers), 0, 1 or 2,
            as in ``keras.Model.fit``.
        validation_data: optional dataset (same forms as ``dataset``) evaluated with the
            model's ``test_step`` after every epoch; its logs get the prefix ``val_``.

    Returns:
        The ``keras.callbacks.History`` of the run (``model.history``).
    """
    _check_model(model)
    epochs = non_negative_int("epochs", epochs)
    if steps_per_epoch is not None:
        steps_per_epoch = positive_int("steps_per_epoch", steps_per_epoch)
    if dataset is None and steps_per_epoch is None:
        raise ValueError("`steps_per_epoch` is needed when `dataset` is None. Received: steps_per_epoch=None")
    _check_dataset("dataset", dataset)
    _check_dataset("validation_data", validation_data)
    strategy = model.distribute_strategy
    verbose = _verbose(verbose, strategy)

    train_data = _distribute(strategy, dataset)
    val_data = _distribute(strategy, validation_data)
    _build(model, strategy, train_data)
    train_step = _step_function(model, strategy, model.train_step)
    test_step = None if val_data is None else _step_function(model, strategy, model.test_step)

    callbacks = keras.callbacks.CallbackList(
        callbacks, add_history=True, add_progbar=verbose != 0, verbose=verbose, epochs=epochs,
        steps=steps_per_epoch or _cardinality(dataset), model=model,
    )
    model.stop_training = False
    callbacks.on_train_begin()
    iterator = None
    epoch_logs = None
    for epoch in range(epochs):
        model.reset_metrics()
        callbacks.on_epoch_begin(epoch)
        if iterator is None or steps_per_epoch is None:
            iterator = None if train_data is None else iter(train_data)
        logs, ran_out = _run_epoch(train_step, iterator, steps_per_epoch, callbacks, model, train=True)
        if logs is None and epoch == 0:
            raise ValueError("`dataset` yielded no batch: nothing to train on.")
        if ran_out and (steps_per_epoch is not None or logs is None):
            warnings.warn(
                f"`dataset` ran out of data in epoch {epoch + 1} (steps_per_epoch={steps_per_epoch}): "
                "training stops. Use `dataset.repeat()` or a smaller `steps_per_epoch`.",
                stacklevel=2,
            )
            model.stop_training = True
        if logs is None:
            break
        epoch_logs = _metrics_or(model, logs)
        if test_step is not None:
            val_logs = _evaluate(model, test_step, val_data, callbacks, "validation_data")
            epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
        callbacks.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    if epochs > 0:
        model.optimizer.finalize_variable_values(model.trainable_weights)
    callbacks.on_train_end(logs=epoch_logs)
    return model.history


def evaluate(model, dataset, callbacks=None, verbose="auto"):
    """Evaluates ``model`` on ``dataset`` with the model's distribution strategy.

    The model's ``test_step`` on every replica through ``strategy.run`` (Keras' own
    ``evaluate`` fails under a strategy as ``fit`` does; ``predict`` works).

    Args:
        model: a compiled ``keras.Model``.
        dataset: a ``tf.data.Dataset`` of global batches or a
            ``tf.distribute.DistributedDataset``, as for :func:`fit`.
        callbacks: list of ``keras.callbacks.Callback`` (their ``on_test_*`` hooks run).
        verbose: ``"auto"`` (default: 1 on the chief, 0 elsewhere), 0, 1 or 2.

    Returns:
        ``{metric name: value}``, as ``model.evaluate(..., return_dict=True)``.
    """
    _check_model(model)
    if dataset is None:
        raise ValueError("`dataset` must be a tf.data.Dataset or a tf.distribute.DistributedDataset. "
                         "Received: dataset=None")
    _check_dataset("dataset", dataset)
    strategy = model.distribute_strategy
    verbose = _verbose(verbose, strategy)
    data = _distribute(strategy, dataset)
    _build(model, strategy, data)
    callbacks = keras.callbacks.CallbackList(
        callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1, steps=_cardinality(dataset), model=model
    )
    return _evaluate(model, _step_function(model, strategy, model.test_step), data, callbacks, "dataset")


def _check_model(model):
    if not isinstance(model, keras.Model):
        raise ValueError(f"`model` must be a keras.Model. Received: model={model!r}")
    if getattr(model, "optimizer", None) is None:
        raise ValueError("`model` must be compiled: call `model.compile(optimizer, loss, ...)` first.")


def _check_dataset(name, value):
    if value is not None and not isinstance(value, (tf.data.Dataset, tf.distribute.DistributedDataset)):
        raise ValueError(
            f"`{name}` must be a tf.data.Dataset or a tf.distribute.DistributedDataset. Received: {name}={value!r}"
        )


def _verbose(verbose, strategy):
    if verbose == "auto":
        return 1 if is_chief(strategy) else 0
    return choice("verbose", verbose, (0, 1, 2))


def _cardinality(dataset):
    """The number of batches of a tf.data.Dataset when it is known and finite, else None."""
    if not isinstance(dataset, tf.data.Dataset):
        return None
    count = int(dataset.cardinality())
    return count if count >= 0 else None


def _distribute(strategy, dataset):
    if dataset is None or isinstance(dataset, tf.distribute.DistributedDataset):
        return dataset
    return strategy.experimental_distribute_dataset(dataset)


def _local(value, strategy):
    """The first replica's part of a (possibly distributed) batch."""
    return tf.nest.map_structure(lambda v: strategy.experimental_local_results(v)[0], value)


def _build(model, strategy, data):
    """Creates every variable (model, compiled loss and metrics, optimizer slots) before the
    first step, in the cross-replica context, as Keras' fit does.

    The model is called once on the first replica's part of the first batch (under the
    strategy, only the first replica computes: nothing is averaged across replicas)."""
    batch = None if data is None else next(iter(data), None)
    if batch is not None:
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(_local(batch, strategy))

        with strategy.scope():
            y_pred = model(x, training=False)
            if y is not None:
                model.compute_loss(x, y, y_pred, sample_weight, training=False)
                model.compute_metrics(x, y, y_pred, sample_weight)
    with strategy.scope():
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
    model.reset_metrics()


def _step_function(model, strategy, step):
    """``data -> logs``: ``step`` on every replica, its outputs averaged across replicas."""

    def one_step(data):
        outputs = strategy.run(step, args=(data,))
        return tf.nest.map_structure(lambda v: strategy.reduce("MEAN", v, axis=None), outputs)

    if model.run_eagerly:
        return one_step
    return tf.function(one_step, reduce_retracing=True, jit_compile=bool(model.jit_compile))


def _run_epoch(step, iterator, steps, callbacks, model, train):
    """Runs ``step`` on batches of ``iterator`` (``steps`` of them, or until it ends).

    Returns the last step's logs (``None`` if there was no batch) and whether the iterator
    ran out."""
    begin = callbacks.on_train_batch_begin if train else callbacks.on_test_batch_begin
    end = callbacks.on_train_batch_end if train else callbacks.on_test_batch_end
    logs, index = None, 0
    while steps is None or index < steps:
        if iterator is None:
            data = None
        else:
            try:
                data = next(iterator)
            except (StopIteration, tf.errors.OutOfRangeError):
                return logs, True
        begin(index)
        logs = _pythonify(step(data))
        end(index, logs)
        index += 1
        if train and model.stop_training:
            break
    return logs, False


def _evaluate(model, step, data, callbacks, name):
    """One pass of ``step`` (a test step) over ``data``: the metric results."""
    model.reset_metrics()
    callbacks.on_test_begin()
    logs, _ = _run_epoch(step, iter(data), None, callbacks, model, train=False)
    if logs is None:
        raise ValueError(f"`{name}` yielded no batch.")
    logs = _metrics_or(model, logs)
    callbacks.on_test_end(logs)
    return logs


def _metrics_or(model, logs):
    """The model's metric results (aggregated over all replicas) when they are what the step
    returned, else the last step's logs (a custom step returning other values)."""
    results = model.get_metrics_result()
    if set(results) == set(logs):
        return _pythonify(results)
    return dict(logs)


def _pythonify(logs):
    def convert(value):
        value = np.asarray(value)
        return value.item() if value.ndim == 0 else value

    return {name: convert(value) for name, value in logs.items()}
