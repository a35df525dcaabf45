"""Suite-wide settings: quiet TensorFlow, hypothesis profile."""

from kextras._quiet import quiet_tensorflow

quiet_tensorflow()

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "kextras", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("kextras")
