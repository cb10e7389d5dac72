"""LinearIntentClassifier: an SVM over the tokens' word and character n-grams, saved without
pickles, and blended with DIET's ranking where DIET's intent was."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.linear_intent import (
    WEIGHTS_FILE,
    Counts,
    LinearIntentClassifier,
    blend,
    fit,
    ngrams,
    reading,
    tfidf,
)

TRAINING = [
    ("take me off the alerts", "unsubscribe"),
    ("stop sending me the alerts", "unsubscribe"),
    ("ya no me manden avisos", "unsubscribe"),
    ("quitenme de las alertas", "unsubscribe"),
    ("i want alerts when he gets out", "register_notifications"),
    ("sign me up for the alerts", "register_notifications"),
    ("quiero que me avisen cuando salga", "register_notifications"),
    ("inscribirme a las alertas", "register_notifications"),
    ("hello", "greet"),
    ("hola buenas", "greet"),
    ("hi there", "greet"),
    ("buenos dias", "greet"),
]


def tokenized(texts: list[tuple[str, str | None]]) -> list[Message]:
    messages = [
        Message(data={TEXT: text, **({INTENT: intent} if intent else {})}) for text, intent in texts
    ]
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    tokenizer.process_training_data(TrainingData(messages))
    return messages


def context() -> ExecutionContext:
    return ExecutionContext(node_name="linear", graph_schema=None)


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def trained(storage, **settings) -> LinearIntentClassifier:
    config = {**LinearIntentClassifier.get_default_config(), **settings}
    classifier = LinearIntentClassifier.create(config, storage, Resource("linear"), context())
    classifier.train(TrainingData(tokenized(TRAINING)))
    return classifier


def with_ranking(message: Message, ranking: list[tuple[str, float]]) -> Message:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT, entries[0])
    message.set(INTENT_RANKING_KEY, entries)
    return message


def test_the_linear_model_learns_the_training_lines(storage):
    model = trained(storage).model
    assert model is not None
    probabilities = model.probabilities([text for text, _ in TRAINING])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    predicted = [model.intents[i] for i in probabilities.argmax(axis=1)]
    assert predicted == [intent for _, intent in TRAINING]


def test_it_moves_a_wavering_neural_answer_and_keeps_a_sure_one(storage):
    classifier = trained(storage, weight=0.5)
    wavering, sure = tokenized([("stop the alerts please", None), ("hola", None)])
    with_ranking(wavering, [("register_notifications", 0.55), ("unsubscribe", 0.45)])
    with_ranking(sure, [("greet", 0.99), ("unsubscribe", 0.01)])
    classifier.process([wavering, sure])
    assert wavering.get(INTENT)["name"] == "unsubscribe"
    assert sure.get(INTENT)["name"] == "greet"
    for message in (wavering, sure):
        ranking = message.get(INTENT_RANKING_KEY)
        assert ranking[0] == message.get(INTENT)
        assert [r["confidence"] for r in ranking] == sorted(
            (r["confidence"] for r in ranking), reverse=True
        )
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_weight_zero_leaves_the_neural_order(storage):
    classifier = trained(storage, weight=0.0)
    (message,) = tokenized([("stop the alerts please", None)])
    with_ranking(message, [("register_notifications", 0.55), ("unsubscribe", 0.45)])
    classifier.process([message])
    assert message.get(INTENT) == {"name": "register_notifications", "confidence": 0.55}


def test_saved_without_pickles_and_loaded_back(storage):
    classifier = trained(storage)
    with (
        storage.read_from(Resource("linear")) as directory,
        np.load(directory / WEIGHTS_FILE, allow_pickle=False) as saved,
    ):
        assert saved["weights"].dtype == np.float32
    config = LinearIntentClassifier.get_default_config()
    loaded = LinearIntentClassifier.load(config, storage, Resource("linear"), context())
    assert loaded.model is not None and classifier.model is not None
    assert loaded.model.intents == classifier.model.intents
    np.testing.assert_array_equal(loaded.model.weights, classifier.model.weights)
    texts = ["please stop the alerts", "hola buenas", "sign me up"]
    np.testing.assert_array_equal(
        loaded.model.probabilities(texts), classifier.model.probabilities(texts)
    )


def test_a_message_without_tokens_or_ranking_is_left_alone(storage):
    classifier = trained(storage)
    bare = Message(data={TEXT: "hola"})
    (unranked,) = tokenized([("hola", None)])
    classifier.process([bare, unranked])
    assert bare.get(INTENT) is None and unranked.get(INTENT) is None


def test_no_examples_no_model_and_diet_passes_unchanged(tmp_path):
    storage = LocalModelStorage(tmp_path)
    config = LinearIntentClassifier.get_default_config()
    classifier = LinearIntentClassifier.create(config, storage, Resource("empty"), context())
    classifier.train(TrainingData([]))
    loaded = LinearIntentClassifier.load(config, storage, Resource("empty"), context())
    message = with_ranking(Message(data={TEXT: "x"}), [("greet", 0.7), ("deny", 0.3)])
    loaded.process([message])
    assert loaded.model is None and message.get(INTENT)["name"] == "greet"


def test_it_reads_the_lemmas_the_texting_normalizer_set(storage):
    """ "pls" counts as "please" when the normalizer said so, as the featurizers count it."""
    (message,) = tokenized([("stop pls", None)])
    assert reading(message) == "stop pls"
    for token in message.get(TOKENS_NAMES[TEXT]):
        token.lemma = {"pls": "please"}.get(token.text, token.text)
    assert reading(message) == "stop please"
    assert reading(Message(data={TEXT: "untokenized"})) is None


def test_unseen_ngrams_count_for_nothing():
    counts = Counts.learn(["take me off", "sign me up"])
    rows = counts.of(["take me off", "zzzz qqqq"]).toarray()
    assert rows.shape == (2, counts.width)
    assert rows[0].sum() > 0 and rows[1].sum() == 0


def test_words_and_letters_are_apart_in_one_vocabulary():
    """The word "me" and the letters "me" inside "come" are two columns."""
    grams = ngrams("come me")
    assert "w me" in grams and "c me" in grams and "w come me" in grams
    counts = Counts.learn(["come me"])
    assert len(set(counts.vocabulary)) == counts.width == len(set(grams))


def test_blend_is_the_weighted_mean_over_both_models_intents():
    ranking = [{"name": "a", "confidence": 0.6}, {"name": "b", "confidence": 0.4}]
    mixed = blend(ranking, {"b": 0.5, "c": 0.5}, weight=0.5)
    assert mixed == [
        {"name": "b", "confidence": pytest.approx(0.45)},
        {"name": "a", "confidence": pytest.approx(0.3)},
        {"name": "c", "confidence": pytest.approx(0.25)},
    ]


def test_fit_weighs_rare_intents_up():
    """One example of an intent against twenty of another is still learned."""
    texts = [f"common words {i}" for i in range(20)] + ["rare thing", "other one", "other two"]
    labels = ["common"] * 20 + ["rare", "other", "other"]
    model = fit(texts, labels, strength=1.0, temperature=5)
    assert model.intents == ["common", "other", "rare"]
    (seen,) = model.probabilities(["rare thing"])
    assert model.intents[seen.argmax()] == "rare"


def test_two_intents_make_two_opposite_scores():
    model = fit(["yes", "yes please", "no", "no thanks"], ["a", "a", "b", "b"], 1.0, 5)
    first, second = model.probabilities(["yes", "no"])
    assert first[0] > 0.5 > second[0]
    np.testing.assert_allclose([first.sum(), second.sum()], 1.0)


def test_tfidf_is_scikit_learns_sublinear_transform():
    from sklearn.feature_extraction.text import TfidfTransformer

    rng = np.random.default_rng(0)
    rows = scipy.sparse.random(30, 12, density=0.3, random_state=rng, format="lil")
    rows[3, :] = 0  # a message with no n-gram learned
    rows = scipy.sparse.csr_matrix(rows)
    rows.data = np.ceil(rows.data * 4)
    sklearn = TfidfTransformer(sublinear_tf=True).fit(rows)
    np.testing.assert_allclose(
        tfidf(rows, sklearn.idf_).toarray(), sklearn.transform(rows).toarray()
    )
