"""The scene generator, the caption grammar and image inputs of the captioning family."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from attention_viz.families.captioning import captions, inputs, scenes
from attention_viz.families.captioning.analysis import dilate, pointing, region_masks, word_objects
from attention_viz.families.captioning.scenes import Scene, Shape


@pytest.fixture(scope="module")
def sample():
    """Scenes of every split with their pixels and masks."""
    out = []
    for split, seed in (("train", 1), ("val", 2), ("test", 3)):
        for s in scenes.generate(40, split, seed):
            out.append((s, *scenes.render(s)))
    return out


def test_generation_is_deterministic_and_splits_by_layout(sample):
    a, b = scenes.generate(5, "test", 9), scenes.generate(5, "test", 9)
    assert a == b
    assert np.array_equal(scenes.render(a[0])[0], scenes.render(b[0])[0])
    assert scenes.random_scene(4) == scenes.random_scene(4)
    layouts = {split: set() for split in scenes.SPLITS}
    for split, seed in (("train", 0), ("test", 0)):
        for s in scenes.generate(300, split, seed):
            assert scenes.layout_split(s.shapes) == split
            cell = scenes.IMAGE_SIZE // scenes.COARSE // (1 if len(s.shapes) > 1 else 2)
            layouts[split].add(tuple(sorted((sh.y // cell, sh.x // cell) for sh in s.shapes)))
    assert layouts["train"].isdisjoint(layouts["test"])


def test_every_scene_is_valid_with_one_to_three_distinct_shapes(sample):
    counts = set()
    for s, _, _ in sample:
        assert scenes.problems(s.shapes) == []
        counts.add(len(s.shapes))
    assert counts == {1, 2, 3}


def test_gold_masks_match_the_drawn_pixels(sample):
    for s, image, masks in sample:
        background, none = scenes.render(Scene((), s.texture_seed))
        assert none.shape == (0, 64, 64)
        anywhere = np.zeros((64, 64), dtype=bool)
        for i, shape in enumerate(s.shapes):
            left, top, right, bottom = shape.box()
            box = np.zeros((64, 64), dtype=bool)
            box[int(top) : int(bottom), int(left) : int(right)] = True
            anywhere |= box
            m = masks[i]
            assert (m & ~box).sum() == 0  # a mask never leaves its shape's box
            colour = np.array(s.rgb(i), dtype=float)
            pix = image[m].astype(float)
            near_shape = np.abs(pix - colour).sum(1)
            near_back = np.abs(pix - background[m].astype(float)).sum(1)
            assert np.all(near_shape <= near_back + 1)  # >= half covered: closer to the shape
            side = shape.side
            area = {"circle": np.pi * side**2 / 4, "square": side**2, "triangle": side**2 / 2}
            assert abs(m.sum() - area[shape.kind]) <= 0.12 * area[shape.kind] + 4
            inner = np.asarray(
                Image.fromarray(m.astype(np.uint8)).filter(ImageFilter.MinFilter(3))
            ).astype(bool)
            assert np.all(image[inner] == np.array(s.rgb(i), dtype=np.uint8))  # solid inside
        assert np.array_equal(image[~anywhere], background[~anywhere])  # untouched elsewhere
        assert not (masks.sum(0) > 1).any()  # shapes never overlap


def test_captions_agree_with_positions_measured_from_the_masks(sample):
    relations_seen = set()
    for s, _, masks in sample:
        words, objects = captions.caption_with_objects(s)
        assert captions.is_grammatical(words)
        centre = [np.argwhere(m).mean(0) for m in masks]  # (row, col) from pixels
        mentioned = [o for o in dict.fromkeys(o for o in objects if o is not None)]
        assert sorted(mentioned) == list(range(len(s.shapes)))
        for (start, phrase), obj in zip(captions.phrases(words), mentioned, strict=True):
            assert phrase == s.shapes[obj].words()
            assert all(objects[t] == obj for t in range(start, start + 3))
        rels = [w for w in words if w in ("above", "below", "left", "right")]
        for rel, a, b in zip(rels, mentioned[:-1], mentioned[1:], strict=True):
            dy, dx = centre[b] - centre[a]
            relations_seen.add(rel)
            if rel in ("left", "right"):
                assert abs(dx) > abs(dy) and (dx > 0) == (rel == "left")
            else:
                assert abs(dy) > abs(dx) and (dy > 0) == (rel == "above")
    assert relations_seen == {"above", "below", "left", "right"}


def test_word_order_and_layout_often_disagree(sample):
    """The first shape mentioned is often not the top-left one: reading order won't do."""
    disagree = [
        captions.caption_with_objects(s)[1][1]
        != min(range(len(s.shapes)), key=lambda i: (s.shapes[i].y, s.shapes[i].x))
        for s, _, _ in sample
        if len(s.shapes) > 1
    ]
    assert 0.3 < np.mean(disagree) < 0.9


def test_invalid_scenes_are_refused_with_reasons():
    a = Shape("circle", "red", "big", 20, 20)
    assert "overlap" in " ".join(scenes.problems([a, Shape("square", "blue", "big", 30, 25)]))
    assert "edge" in " ".join(scenes.problems([Shape("circle", "red", "big", 5, 30)]))
    assert "diagonal" in " ".join(scenes.problems([a, Shape("square", "blue", "small", 44, 44)]))
    assert "there are 2 circles" in " ".join(
        scenes.problems([a, Shape("circle", "blue", "small", 50, 20)])
    )
    with pytest.raises(ValueError, match="overlap"):
        scenes.described(
            ("builder", 0, (("circle", "red", "big", 20, 20), ("square", "blue", "big", 30, 25)))
        )


def test_grammar_and_vocabulary():
    assert len(captions.VOCAB) == 20
    ok = "a small red circle left of a big blue square above a small green triangle"
    assert captions.is_grammatical(ok.split())
    for bad in (
        "a small red",
        "a red small circle",
        "a small red circle near a big blue square",
        "a small red circle left of a big blue square above",
        "a small red circle and a big blue square",
        "",
    ):
        assert not captions.is_grammatical(bad.split())
    with pytest.raises(ValueError, match="outside the vocabulary"):
        captions.encode(["a", "pink"])


def test_pointing_scores_the_argmax_against_the_dilated_shape():
    s = Scene((Shape("circle", "red", "small", 12, 12), Shape("square", "blue", "small", 50, 12)))
    _, masks = scenes.render(s)
    regions = region_masks(masks, 8)
    assert regions[0].sum() >= 2 and not regions[0][:, 4:].any()
    grown = dilate(regions)
    assert grown[0].sum() > regions[0].sum() and grown[0][4, 0] == (regions[0][3].any())
    words = captions.caption(s)  # a small red circle left of a small blue square
    attention = np.zeros((len(words), 8, 8))
    attention[:, 1, 1] = 1.0  # every word looks at the circle
    hits = pointing(attention, words, s, masks)
    assert hits == {"size": [True, False], "colour": [True, False], "shape": [True, False]}
    wrong = "a small red circle left of a small green square".split()  # noqa: SIM905
    assert word_objects(wrong, s)[7:10] == [1, 1, 1]  # two of three words still match


def test_inputs_accept_arrays_and_pil_and_refuse_bad_files(tmp_path):
    image, _ = scenes.render(scenes.random_scene(1))
    same, notes = inputs.to_array(Image.fromarray(image))
    assert np.array_equal(same, image) and notes == []
    big, notes = inputs.to_array(np.repeat(np.repeat(image, 2, 0), 2, 1))
    assert big.shape == (64, 64, 3) and "resized from 128×128" in notes[0]
    grey, _ = inputs.to_array(np.zeros((64, 64)))
    rgba, _ = inputs.to_array(np.zeros((64, 64, 4), dtype=np.uint8))  # transparent: white
    assert grey.shape == (64, 64, 3) and rgba.min() == 255
    for bad, match in ((np.zeros((4, 4, 2)), "shape"), ("a string", "expected an image")):
        with pytest.raises(ValueError, match=match):
            inputs.to_array(bad)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")
    png = buffer.getvalue()
    assert np.array_equal(np.asarray(inputs.decode(png)), image)
    for data, match in (
        (b"not an image at all", "not a PNG or JPEG"),
        (png[: len(png) // 2], "corrupt or truncated"),
        (b"", "empty"),
        (b"x" * (inputs.MAX_FILE_BYTES + 1), "limit is 5 MB"),
    ):
        with pytest.raises(ValueError, match=match):
            inputs.decode(data)
    assert np.array_equal(inputs.read_input("scene:1"), image)
    path = tmp_path / "scene.png"
    path.write_bytes(png)
    assert np.array_equal(np.asarray(inputs.read_input(str(path))), image)
    for text, match in (("scene:x", "whole number"), (str(tmp_path / "no.png"), "no such image")):
        with pytest.raises(ValueError, match=match):
            inputs.read_input(text)
