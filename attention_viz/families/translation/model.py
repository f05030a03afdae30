"""Word-level English→French seq2seq: bidirectional GRU encoder + an attention decoder.

    model = Translator(TranslationConfig(attention="additive", ...), source_vocab, target_vocab)
    p = model.predict("the black cat does not eat the apples", beam=1)

Shape symbols: B batch size, T_k source length (keys), T_q target length (queries),
E embedding size, H encoder hidden size per direction, D = 2H encoder state size, V vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from attention_viz.attention import length_mask
from attention_viz.checkpoint import Checkpoint
from attention_viz.decoding import Encoded
from attention_viz.families.translation.corpus import BOS, EOS, Vocab
from attention_viz.families.translation.decoders import (
    AdditiveDecoder,
    LocationDecoder,
    LuongDecoder,
)
from attention_viz.families.translation.grammar import (
    UnknownWordsError,
    detokenize_french,
    tokenize_english,
    tokenize_french,
    unknown_words,
)
from attention_viz.seq2seq import Seq2Seq, Source, check_each

ATTENTIONS = ("additive", "dot", "general", "location")


@dataclass(frozen=True)
class TranslationConfig:
    source_vocab_size: int  # English words + 4 specials
    target_vocab_size: int  # French words + 4 specials
    attention: str = "additive"  # "additive" (Bahdanau), "dot"/"general" (Luong), "location"
    embed_size: int = 48  # E, both languages
    encoder_hidden: int = 48  # H per direction; encoder states are D = 2H
    decoder_hidden: int = 96  # equal to D so that the dot score is defined
    attention_hidden: int = 64  # hidden size of the additive score
    max_source_len: int = 24  # longer inputs are refused; location attention scores L positions
    max_target_len: int = 32  # decoding stops after this many words
    dropout: float = 0.1


class Encoder(nn.Module):
    """Bidirectional GRU over the source words; padding is packed away."""

    def __init__(self, vocab_size: int, embed: int, hidden: int, dropout: float):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.rnn = nn.GRU(embed, hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, source: torch.Tensor, valid_lens: torch.Tensor):
        """source (B, T_k) ids, valid_lens (B,) -> memory (B, T_k, D), final (B, D)."""
        x = self.dropout(self.embedding(source))  # (B, T_k, E)
        if source.shape[0] == 1:  # one sentence has no padding to pack away (and is faster)
            memory, last = self.rnn(x)  # (1, T_k, D), (2, 1, H)
            return memory, torch.cat([last[0], last[1]], -1)
        packed = pack_padded_sequence(x, valid_lens.cpu(), batch_first=True, enforce_sorted=False)
        out, last = self.rnn(packed)  # last: (2, B, H), forward and backward directions
        memory, _ = pad_packed_sequence(out, batch_first=True, total_length=source.shape[1])
        return memory, torch.cat([last[0], last[1]], -1)  # (B, T_k, D), (B, D)


def make_decoder(c: TranslationConfig) -> nn.Module:
    memory = 2 * c.encoder_hidden
    V, E, H = c.target_vocab_size, c.embed_size, c.decoder_hidden
    if c.attention == "additive":
        return AdditiveDecoder(V, E, memory, H, c.attention_hidden, c.dropout)
    if c.attention in ("dot", "general"):
        return LuongDecoder(V, E, memory, H, c.attention, c.dropout)
    if c.attention == "location":
        return LocationDecoder(V, E, memory, H, c.max_source_len, c.dropout)
    raise ValueError(f"unknown attention {c.attention!r}; choose one of {', '.join(ATTENTIONS)}")


class Translator(Seq2Seq):
    """Encoder + attention decoder, with the vocabularies; text in, Predictions out."""

    def __init__(self, config: TranslationConfig, source_vocab: Vocab, target_vocab: Vocab):
        super().__init__()
        self.config = config
        self.source_vocab, self.vocab = source_vocab, target_vocab
        self.target_vocab = target_vocab.tokens
        self.bos_id, self.eos_id = target_vocab.index(BOS), target_vocab.index(EOS)
        self.max_target_len = config.max_target_len
        self.encoder = Encoder(
            config.source_vocab_size, config.embed_size, config.encoder_hidden, config.dropout
        )
        self.decoder = make_decoder(config)

    def source_tokens(self, text: str) -> list[str]:
        """Tokenize and check an input; ValueError names what is wrong and the limit."""
        tokens = tokenize_english(text)
        limit = self.config.max_source_len
        if not tokens:
            raise ValueError("empty input: type an English sentence such as 'the cat sleeps'")
        if len(tokens) > limit:
            raise ValueError(
                f"input too long: {len(tokens)} words; this model takes at most {limit}"
            )
        unknown = unknown_words(tokens)
        if unknown:
            raise UnknownWordsError(unknown)
        return tokens

    def prepare(self, texts: list[str]) -> Source:
        tokens = check_each(texts, self.source_tokens)
        T = max(len(t) for t in tokens)
        ids = [self.source_vocab.encode(t) + [0] * (T - len(t)) for t in tokens]
        lens = torch.tensor([len(t) for t in tokens])  # (B,)
        return Source(tokens, torch.tensor(ids, dtype=torch.long), lens, [[] for _ in tokens])

    def encode(self, ids: torch.Tensor, valid_lens: torch.Tensor) -> Encoded:
        memory, final = self.encoder(ids, valid_lens)  # (B, T_k, D), (B, D)
        return Encoded(memory, length_mask(valid_lens.to(ids.device), ids.shape[1]), final)

    def reference_ids(self, reference: str | list[str]) -> list[int]:
        words = tokenize_french(reference) if isinstance(reference, str) else list(reference)
        if not words:
            raise ValueError("empty reference translation")
        return self.vocab.encode(words)

    def output_text(self, tokens: list[str]) -> str:
        return detokenize_french(tokens)


def build(checkpoint: Checkpoint) -> Translator:
    """Rebuild a Translator from a checkpoint (config + vocabularies in meta + weights)."""
    config = TranslationConfig(**checkpoint.config)
    vocab = checkpoint.meta["vocab"]
    model = Translator(config, Vocab(tuple(vocab["source"])), Vocab(tuple(vocab["target"])))
    model.load_state_dict(checkpoint.state_dict)
    return model
