"""A quiz round: fresh examples from a family's own generator, run through its shipped model.

    from attention_viz.quiz import make_round, score
    questions = make_round("dates", seed=7, n=8)
    q = questions[0]; q.keys, q.shown, q.phenomenon
    score(q, picked=3).right

Determinism: the round depends only on (task, seed, n) and the shipped weights, so a whole
class that opens the same URL gets the same questions. A quiz seed s drives the generators
with QUIZ_SEED_BASE + s (dates: data.generate on the test split; translation: sample_pairs
on the held-out split; reverse/sort: tasks.generate; images: scenes on held-out test
layouts). No training run uses seeds in that range: training draws from seeds below
~10_000_000 (transformer batches: 1_000 + seed * 1_000_003 + step with seed 0), and the
examples' splits are the ones training never sees (test dates, held-out noun–adjective
pairs, held-out scene layouts).

Examples the model gets wrong are skipped (the gold note would not fit its output), and so
are diffuse steps (attention_viz.quiz.questions.MIN_PEAK).

Shape symbols: T_q output steps, T_k keys, G region grid side, P image side.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from attention_viz.quiz import phenomena as ph
from attention_viz.quiz.questions import Question, choose, is_diffuse
from attention_viz.registry import load_model

TASKS = ("dates", "translation", "transformer", "captioning")
MODELS = {
    "dates": ("date-attention",),
    "translation": ("translation-attention",),
    "transformer": ("transformer-reverse", "transformer-sort", "transformer-dates"),
    "captioning": ("caption-attention",),
}
QUIZ_SEED_BASE = 500_000_000  # generator seed = QUIZ_SEED_BASE + quiz seed
MAX_SEED = 99_999  # quiz seeds 0..MAX_SEED (what a URL may name)
MAX_QUESTIONS = 20
CELLS = 4  # an image is asked about on a CELLS x CELLS grid of cells (2 x 2 regions each)
CHAR_LENGTHS = (4, 12)  # reverse and sort inputs: long enough to be worth asking about
_GROWTH = 4  # pool of examples: grows by this factor until n questions are found


def make_round(task: str, seed: int, n: int) -> list[Question]:
    """n questions (fewer only if the generator runs dry) on fresh examples of `task`.

    Raises:
        ValueError: an unknown task, a seed outside 0..MAX_SEED or n outside 1..MAX_QUESTIONS.
        WeightsError: a shipped model is missing (its message names the rebuild command).
    """
    if task not in TASKS:
        raise ValueError(f"unknown quiz task {task!r}; one of {', '.join(TASKS)}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"quiz seed {seed} is outside 0..{MAX_SEED}")
    if not 1 <= n <= MAX_QUESTIONS:
        raise ValueError(f"a round has 1 to {MAX_QUESTIONS} questions, not {n}")
    build = _BUILDERS[task]
    pool = 2 * n + 4
    for _ in range(4):
        candidates = build(pool, QUIZ_SEED_BASE + seed)
        if task == "transformer":  # a third each of reverse, sort and dates
            chosen = choose(candidates, n, MODELS[task], random.Random(seed), lambda q: q.model)
        else:
            chosen = choose(candidates, n, ph.ORDER[task], random.Random(seed))
        if len({q.source for q in chosen}) == n:  # n questions on n different inputs
            break
        pool *= _GROWTH
    return chosen


# --- candidates per task: every non-diffuse, labelled step of `count` fresh examples ---


def _token_questions(
    task: str,
    model: str,
    source: str,
    keys: list[str],
    outputs: list[str],
    attention: np.ndarray,
    label: Callable[[int], str | None],
    gold: Callable[[int], tuple[int, ...]],
    joiner: str = "",
) -> list[Question]:
    out = []
    for t, row in enumerate(attention):  # row: (T_k,)
        phenomenon = label(t)
        if phenomenon is None or is_diffuse(row, "tokens"):
            continue
        out.append(
            Question(
                task=task,
                model=model,
                source=source,
                keys=tuple(keys),
                outputs=tuple(outputs),
                step=t,
                weights=row.copy(),
                answer=int(np.argmax(row)),
                phenomenon=phenomenon,
                gold=gold(t),
                attention=attention,
                joiner=joiner,
            )
        )
    return out


def _dates(count: int, seed: int, name: str = "date-attention", task: str = "dates"):
    from attention_viz.families.dates import data

    examples = data.generate(count, "test", seed)
    preds = load_model(name).predict_batch([e.text for e in examples])
    out = []
    for e, p in zip(examples, preds, strict=True):
        if p.text != e.target:
            continue
        out += _token_questions(
            task, name, e.text, p.source_tokens, p.target_tokens, p.attention,
            lambda t, e=e: ph.date_phenomenon(e, t), lambda t, e=e: ph.date_gold(e, t),
        )  # fmt: skip
    return out


def _translation(count: int, seed: int) -> list[Question]:
    from attention_viz.families.translation.corpus import sample_pairs

    name = MODELS["translation"][0]
    pairs = sample_pairs(count, seed, "heldout")
    preds = load_model(name).predict_batch([" ".join(r.source_tokens) for r in pairs])
    out = []
    for r, p in zip(pairs, preds, strict=True):
        if p.target_tokens != r.target_tokens:
            continue
        out += _token_questions(
            "translation", name, " ".join(r.source_tokens), p.source_tokens, p.target_tokens,
            p.attention, lambda t, r=r: ph.translation_phenomenon(r, t),
            lambda t, r=r: ph.translation_gold(r, t), joiner=" ",
        )  # fmt: skip
    return out


def _transformer(count: int, seed: int) -> list[Question]:
    """Reverse, sort and dates, about a third of the inputs each."""
    from attention_viz.families.transformer.tasks import TASKS as CHAR_TASKS

    share = -(-count // 3)
    out = []
    for k, kind in enumerate(("reverse", "sort")):
        name = f"transformer-{kind}"
        texts = CHAR_TASKS[kind].generate(share, seed + k, *CHAR_LENGTHS)
        for text, p in zip(texts, load_model(name).predict_batch(texts), strict=True):
            if p.text != CHAR_TASKS[kind].target(text):
                continue
            label = "reverse: anti-diagonal" if kind == "reverse" else "sort: picks its element"

            def gold(t: int, s: str = text, o: str = p.text, kind: str = kind):
                return ph.reverse_gold(s, t) if kind == "reverse" else ph.sort_gold(s, o, t)

            out += _token_questions(
                "transformer", name, text, p.source_tokens, p.target_tokens, p.attention,
                lambda t, label=label: label, gold,
            )  # fmt: skip
    return out + _dates(share, seed + 2, "transformer-dates", "transformer")


def _captioning(count: int, seed: int) -> list[Question]:
    from attention_viz.families.captioning import scenes
    from attention_viz.families.captioning.analysis import analyse

    name = MODELS["captioning"][0]
    model = load_model(name)
    rng = np.random.default_rng([seed, 11])
    keys = ph.cell_labels(CELLS)
    out = []
    for _ in range(count):
        scene = scenes.sample_scene(rng, "test")
        image, masks = scenes.render(scene)
        a = analyse(model, image, scene, masks)
        p = a.prediction
        if not a.exact:
            continue
        source = ", ".join(" ".join(s.words()) for s in scene.shapes) + f" (#{scene.texture_seed})"
        for t, word in enumerate(p.target_tokens):
            phenomenon = ph.caption_phenomenon(word)
            weights = ph.cell_weights(p.attention[t], CELLS)  # (G, G) -> (CELLS^2,)
            if phenomenon is None or is_diffuse(weights, "cells"):
                continue
            mask = a.word_masks[t]
            out.append(
                Question(
                    task="captioning",
                    model=name,
                    source=source,
                    keys=keys,
                    outputs=tuple(p.target_tokens),
                    step=t,
                    weights=weights,
                    answer=int(np.argmax(weights)),
                    phenomenon=phenomenon,
                    gold=ph.cell_gold(mask, CELLS) if mask is not None else (),
                    attention=p.attention,
                    joiner=" ",
                    grid=(CELLS, CELLS),
                    image=image,
                    gold_mask=mask,
                )
            )
    return out


_BUILDERS: dict[str, Callable[[int, int], list[Question]]] = {
    "dates": _dates,
    "translation": _translation,
    "transformer": _transformer,
    "captioning": _captioning,
}
