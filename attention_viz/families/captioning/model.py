"""The captioner: a small CNN turns a scene into a G x G grid of regions; a decoder writes.

    m = load_model("caption-attention")
    p = m.predict(image)          # numpy (H, W, 3) uint8 or a PIL image
    p.target_tokens               # the caption's words
    p.attention                   # (words, G, G): where the model looked for each word
    p.maps["cross"]               # (words, G*G) with a regions axis that knows the grid

It is a Seq2Seq (attention_viz.seq2seq) whose "source" is an image: prepare() turns images
into a pixel tensor and names the regions "(row,col)"; greedy and beam search are the shared
ones. The encoder adds a learned position vector to each region; the decoder's LSTM reads
where it looked (the region centres, region_centres) to compare where two shapes are.

Shape symbols: B batch, P image side (64), G grid side (8), L = G*G regions, D region
features, T words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from attention_viz.checkpoint import Checkpoint
from attention_viz.decoding import Encoded
from attention_viz.families.captioning import captions
from attention_viz.families.captioning.decoders import AttentionDecoder, MeanDecoder, project_keys
from attention_viz.families.captioning.inputs import to_array
from attention_viz.families.captioning.scenes import IMAGE_SIZE
from attention_viz.prediction import AttentionMap, Axis
from attention_viz.seq2seq import Seq2Seq, Source, check_each


@dataclass
class CaptionConfig:
    attention: bool = True  # False: the baseline reads the mean region at every step
    image_size: int = IMAGE_SIZE  # P
    channels: tuple[int, ...] = (16, 32, 64)  # conv widths; each halves the side: 64 -> 8
    feature_size: int = 64  # D: one region's feature vector
    # The last convolution's kernel: 1 keeps each region's receptive field at 15 px (3: 31
    # px), so a region knows about what is on it, not about its neighbours: to name a shape
    # the decoder must look at it. (With reads="where", a 3 stalled at a loss of 0.56.)
    final_kernel: int = 1
    embed_size: int = 32  # E: word embedding
    hidden_size: int = 128  # H: LSTM state
    score_hidden: int = 64  # A: additive-score hidden size
    vocab_size: int = len(captions.VOCAB)
    max_words: int = captions.MAX_WORDS + 2  # free running stops here without <eos>
    reads: str = "where"  # what the LSTM reads: "what" (z_t) or "where" (see decoders)
    # lambda of the doubly stochastic regulariser (training only). 0: it asks every region
    # for a total weight of 1 over the caption, while pointing needs the three words of a
    # phrase on one shape; at 0.005 training reached 56% exact, 68% pointing after 750 steps
    # where 0 reached 82% and 93%.
    penalty: float = 0.0

    @property
    def grid(self) -> int:
        return self.image_size // 2 ** len(self.channels)


class Encoder(nn.Module):
    """Strided 3x3 convolutions to a G x G grid, one more (final_kernel), plus a position vector."""

    def __init__(self, config: CaptionConfig):
        super().__init__()
        layers: list[nn.Module] = []
        width = 3 + 2  # RGB and the pixel's (x, y) in [-1, 1] (CoordConv: where is built in)
        for c in config.channels:
            layers += [nn.Conv2d(width, c, 3, stride=2, padding=1, bias=False)]
            layers += [nn.BatchNorm2d(c), nn.ReLU()]  # normalised: trains in fewer steps
            width = c
        k = config.final_kernel
        layers += [nn.Conv2d(width, config.feature_size, k, padding=k // 2), nn.ReLU()]
        self.conv = nn.Sequential(*layers)
        G = config.grid
        self.position = nn.Parameter(torch.zeros(G * G, config.feature_size))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        """pixels: (B, 3, P, P) in [0, 1] -> regions (B, L, D), row-major over the grid."""
        B, _, P, _ = pixels.shape
        ramp = torch.linspace(-1.0, 1.0, P, device=pixels.device)
        coords = torch.stack(torch.meshgrid(ramp, ramp, indexing="xy"))  # (2, P, P): x, y
        x = torch.cat([pixels * 2.0 - 1.0, coords.expand(B, -1, -1, -1)], 1)  # (B, 5, P, P)
        x = self.conv(x)  # (B, D, G, G)
        return x.flatten(2).transpose(1, 2) + self.position  # (B, L, D)


class Captioner(Seq2Seq):
    """CNN regions + a caption decoder; images in, Predictions out."""

    target_vocab = captions.VOCAB
    bos_id = captions.BOS
    eos_id = captions.EOS

    def __init__(self, config: CaptionConfig):
        super().__init__()
        self.config = config
        self.max_target_len = config.max_words
        self.encoder = Encoder(config)
        sizes = (config.vocab_size, config.feature_size, config.embed_size, config.hidden_size)
        self.decoder = (
            AttentionDecoder(*sizes, config.score_hidden, config.reads)
            if config.attention
            else MeanDecoder(*sizes)
        )

    @property
    def has_attention(self) -> bool:
        return self.config.attention

    @property
    def grid(self) -> tuple[int, int]:
        return self.config.grid, self.config.grid

    def prepare(self, images: list) -> Source:
        """Images -> Source whose ids are the pixels (B, 3, P, P) and tokens the region names."""
        arrays = check_each(images, to_array)
        pixels = np.stack([a for a, _ in arrays])  # (B, P, P, 3) uint8
        ids = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255.0  # (B, 3, P, P)
        labels = list(Axis.regions(*self.grid).labels)
        L = len(labels)
        lens = torch.full((len(images),), L, dtype=torch.long)
        return Source([labels] * len(images), ids, lens, [w for _, w in arrays])

    def encode(self, ids: torch.Tensor, valid_lens: torch.Tensor) -> Encoded:
        """ids: pixels (B, 3, P, P).

        final = (mean region (B, D), projected keys (B, L, A) or None, region centres (L, 2)).
        """
        memory = self.encoder(ids)  # (B, L, D)
        keys = project_keys(self.decoder, memory)
        return Encoded(memory, None, (memory.mean(1), keys, region_centres(self.config.grid)))

    def reference_ids(self, reference: str | list[str]) -> list[int]:
        words = reference.split() if isinstance(reference, str) else list(reference)
        if not captions.is_grammatical(words):
            raise ValueError(f"not a caption of the grammar: {' '.join(words)!r}")
        return captions.encode(words)

    def output_text(self, tokens: list[str]) -> str:
        return " ".join(tokens)

    def checks(self, source: list[str], target: list[str]) -> dict:
        return {"grammatical": captions.is_grammatical(target)}

    def cross_maps(self, w: np.ndarray, tokens_in: list[str], tokens_out: list[str]):
        """The main map as (T, G, G) images, and maps["cross"] (T, L) over a regions axis.

        Overrides Seq2Seq.cross_maps, whose key axis is tokens.
        """
        rows, cols = self.grid
        cross = AttentionMap(w, Axis.tokens(tokens_out), Axis.regions(rows, cols))
        return w.reshape(len(tokens_out), rows, cols), {"cross": cross}


def build(checkpoint: Checkpoint) -> Captioner:
    """Rebuild a model from its checkpoint."""
    config = dict(checkpoint.config)
    config["channels"] = tuple(config.get("channels", CaptionConfig.channels))
    config.pop("memory_dropout", None)  # weights trained before `reads` replaced it
    model = Captioner(CaptionConfig(**config))
    model.load_state_dict(checkpoint.state_dict)
    return model


def region_centres(grid: int) -> torch.Tensor:
    """(L, 2): each region's centre (x, y) in [-1, 1], row-major like the regions."""
    ramp = (torch.arange(grid) + 0.5) / grid * 2.0 - 1.0  # (G,)
    y, x = torch.meshgrid(ramp, ramp, indexing="ij")  # (G, G) each
    return torch.stack([x.flatten(), y.flatten()], dim=1)  # (L, 2)


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))
