from scripts import tf_env, train


def test_the_pinned_settings_override_the_environment():
    env = tf_env.reproducible_env({"TF_ENABLE_ONEDNN_OPTS": "1", "HOME": "/root"})
    assert env["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert env["TF_DETERMINISTIC_OPS"] == "1"
    assert env["HOME"] == "/root"


def test_other_settings_make_another_model(monkeypatch):
    before_digest, before_fingerprint = tf_env.settings_digest(), train.fingerprint()
    monkeypatch.setitem(tf_env.REPRODUCIBLE_TF, "TF_INTRA_OP_PARALLELISM_THREADS", "8")
    assert tf_env.settings_digest() != before_digest
    assert train.fingerprint() != before_fingerprint


def test_the_digest_is_stable():
    assert tf_env.settings_digest() == tf_env.settings_digest()
    assert len(tf_env.settings_digest()) == 12


def test_rasas_telemetry_is_off_in_every_training_and_evaluation():
    """Rasa sends usage events to segment.io unless told not to: a hotline sends nothing."""
    env = tf_env.reproducible_env({"RASA_TELEMETRY_ENABLED": "true"})
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
