"""The shipped lecture: one path through every page, in the order a course would teach it.

Each stop's params are the page's own URL parameters (its url_state Params), so opening the
stop restores exactly that view; tests/app/test_app_lecture.py opens every stop and checks
that its page takes them without a bad-URL warning.
"""

from __future__ import annotations

from attention_viz.lecture.path import LecturePath, Stop

_SELF = "selfattention"
_TRANSLATION_CROSSING = "the big black dog sees a beautiful white bird"
_SHUFFLED = {"preset0": "same", "shuffle": "1", "seed": "3"}

DEFAULT = LecturePath(
    "Attention, from kernel regression to memory",
    (
        Stop(
            "",
            {},
            "What attention is",
            (
                "A query is scored against every key; a softmax turns the scores into "
                "weights that are positive and sum to 1.",
                "The output is the weighted sum of the values: attention pooling.",
                "Only the score a(q, k) differs between the models we will see.",
            ),
            "If every score were equal, what would attention pooling compute?",
        ),
        Stop(
            "kernel_regression",
            {"pooling": "average"},
            "Average pooling: no attention at all",
            (
                "Every training point gets the same weight, whatever the query.",
                "The heatmap is flat and the fit is one horizontal line: the mean of y.",
            ),
            "How could the weights depend on where the query is?",
        ),
        Stop(
            "kernel_regression",
            {"bandwidth": "0.05"},
            "Kernel width: a narrow kernel memorises",
            (
                "A Gaussian of the distance is the score; the bandwidth h sets its width.",
                "With h = 0.05 each query looks at its nearest training point: the heatmap "
                "is a thin diagonal and the fit chases the noise.",
            ),
            "What will the heatmap and the fit look like when h is 40 times wider?",
        ),
        Stop(
            "kernel_regression",
            {"bandwidth": "2"},
            "Kernel width: a wide kernel averages",
            (
                "With h = 2 every query spreads its weight over most points: a broad band.",
                "Too wide over-smooths; the leave-one-out curve picks a width in between.",
                "Nadaraya–Watson (1964) is attention with a fixed, hand-chosen score.",
            ),
            "Which bandwidth would you pick, and how would you choose it without the truth?",
        ),
        Stop(
            "dates",
            {"model": "date-baseline"},
            "The fixed-length bottleneck",
            (
                "An encoder–decoder without attention squeezes the whole input into one "
                "final state before it writes a character.",
                "Look at the accuracy by input length: long inputs suffer first.",
            ),
            "Why would a single vector be enough for short dates but not for long ones?",
        ),
        Stop(
            "dates",
            {},
            "Attention reads the input again at every step",
            (
                "Each output character is a query over the encoder states of the input.",
                "The year digits look at the year, the month at the month name: the outlined "
                "gold spans.",
                "Compare the two models' learning curves and heatmaps side by side.",
            ),
            "Which input characters will the month digits of the output look at?",
        ),
        Stop(
            "translation",
            {"sentence": _TRANSLATION_CROSSING},
            "Alignment: the weights cross",
            (
                "French puts most adjectives after the noun: the attention crosses.",
                "Nobody told the model the alignment; the outlined gold alignment was not "
                "used in training.",
            ),
            "Where will 'noir' look, and where will 'chien' look?",
        ),
        Stop(
            "translation",
            {"compare": "true", "model_b": "translation-dot"},
            "Scoring functions: additive against dot product",
            (
                "Bahdanau's additive score is a small network; Luong's dot score is q·k.",
                "Both learn the alignment here; compare how sharp their rows are.",
            ),
            "What does a dot-product score need from the query and the key?",
        ),
        Stop(
            _SELF,
            {},
            "Self-attention: queries, keys and values",
            (
                "Every token is a query over all tokens of the same sentence.",
                "Q = XW_Q, K = XW_K, V = XW_V: follow one row through every matrix.",
                "This head's preset looks at the previous token.",
            ),
            "Which weights would make each token attend to itself?",
        ),
        Stop(
            _SELF,
            {"d_model": "64", "preset0": "random", "scale": "0"},
            "Scaling by the square root of d",
            (
                "Unscaled, q·k has a variance of about d: the softmax saturates.",
                "The curve shows the mean largest weight against d_model, with and without "
                "scaling.",
            ),
            "What happens to the rows when we switch scaling back on?",
        ),
        Stop(
            _SELF,
            {"causal": "1"},
            "Masks: no peeking at the future",
            (
                "A causal mask sets the scores of later tokens to minus infinity.",
                "Their weights are exactly 0: the matrix is lower triangular.",
            ),
            "Which model that we saw needs this mask, and why?",
        ),
        Stop(
            _SELF,
            {"d_model": "8", "heads": "2"},
            "Multi-head attention",
            (
                "Two heads of d_head = 4 side by side: one looks back, one at itself.",
                "W_O mixes their outputs; each head can learn a different relation.",
            ),
            "Why not one big head instead of two small ones?",
        ),
        Stop(
            _SELF,
            {**_SHUFFLED, "positions": "0"},
            "Permutation equivariance",
            (
                "Without positions, shuffling the tokens shuffles the output rows the same "
                "way: the gap below the formula is 0.",
                "Attention alone sees a bag of words.",
            ),
            "Then how can a transformer know word order?",
        ),
        Stop(
            _SELF,
            dict(_SHUFFLED),
            "Positions break the symmetry",
            (
                "Adding sinusoidal positions to X tells each token where it stands.",
                "Now the shuffled sentence gives different weights: the gap is no longer 0.",
            ),
            "What would happen to the 'previous token' head without positions?",
        ),
        Stop(
            "transformer",
            {},
            "A transformer reverses a string",
            (
                "Encoder and decoder are stacks of self-attention and cross-attention.",
                "In the cross-attention grid, output step t looks at input position n − t.",
            ),
            "Which layer and head do the reversal; what do the others do?",
        ),
        Stop(
            "transformer",
            {
                "model": "transformer-induction",
                "text": "qwertyuiqwertyui",
                "map": "decoder-self",
                "layer": "2",
                "head": "2",
            },
            "Induction heads",
            (
                "A decoder-only model sees a repeated sequence.",
                "Layer 1 heads look at the previous token; layer 2 heads look at the token "
                "after the earlier copy of the current one, and predict it.",
                "Two heads in two layers make a copying circuit.",
            ),
            "Why does the second half become easy to predict, and not the first?",
        ),
        Stop(
            "captioning",
            {"seed": "3"},
            "Attention over an image",
            (
                "The keys are the regions of a grid over the image; each caption word is a query.",
                "Colour and shape words should look at the shape they name.",
            ),
            "Where will the word for the colour look, and where will 'left of' look?",
        ),
        Stop(
            "memory",
            {},
            "Memory: attention as an address",
            (
                "A Neural Turing Machine reads and writes memory slots with attention weights.",
                "Content addressing (key, sharpness β), then a gate, a shift and sharpening.",
                "The trained copy machine writes the input slot by slot and reads it back.",
            ),
            "Is this still attention? What are the queries, the keys and the values?",
        ),
    ),
)
