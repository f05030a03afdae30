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
from attention_viz.data.toy_corpus import BOS, EOS, Vocab
from attention_viz.data.toy_translation import (
    UnknownWordsError,
    detokenize_french,
    tokenize_english,
    unknown_words,
)
from attention_viz.models.decoding import Decoded, beam_search, greedy
from attention_viz.models.translation_decoders import (
    AdditiveDecoder,
    LocationDecoder,
    LuongDecoder,
)
from attention_viz.prediction import Prediction

ATTENTIONS = ("additive", "dot", "general", "location")
MAX_BEAM = 10


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


class Translator(nn.Module):
    """Encoder + attention decoder, with the vocabularies; predict() takes and returns text."""

    def __init__(self, config: TranslationConfig, source_vocab: Vocab, target_vocab: Vocab):
        super().__init__()
        self.config = config
        self.source_vocab, self.target_vocab = source_vocab, target_vocab
        self.encoder = Encoder(
            config.source_vocab_size, config.embed_size, config.encoder_hidden, config.dropout
        )
        self.decoder = make_decoder(config)

    def forward(self, source, valid_lens, target_in):
        """Teacher forcing: source (B, T_k), valid_lens (B,), target_in (B, T_q) starting <bos>.

        Returns logits (B, T_q, V) and attention weights (B, T_q, T_k).
        """
        memory, final = self.encoder(source, valid_lens)
        mask = length_mask(valid_lens, source.shape[1])  # (B, T_k)
        state = self.decoder.init_state(final, memory)
        logits, weights = [], []
        for t in range(target_in.shape[1]):
            step_logits, state, w = self.decoder.step(target_in[:, t], state, memory, mask)
            logits.append(step_logits)
            weights.append(w)
        return torch.stack(logits, 1), torch.stack(weights, 1)  # (B, T_q, V), (B, T_q, T_k)

    # --- text in, Prediction out ---

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

    def _encode_texts(self, texts: list[str]):
        tokens = [self.source_tokens(t) for t in texts]
        device = next(self.parameters()).device
        T = max(len(t) for t in tokens)
        ids = [self.source_vocab.encode(t) + [0] * (T - len(t)) for t in tokens]
        source = torch.tensor(ids, dtype=torch.long, device=device)  # (B, T_k)
        valid_lens = torch.tensor([len(t) for t in tokens], device=device)  # (B,)
        memory, final = self.encoder(source, valid_lens)
        return tokens, memory, final, length_mask(valid_lens, T)

    def predict(self, text: str, beam: int = 1) -> Prediction:
        """Translate one sentence, greedily (beam=1) or with beam search of that width."""
        if not 1 <= beam <= MAX_BEAM:
            raise ValueError(f"beam width must be between 1 and {MAX_BEAM}, got {beam}")
        if beam == 1:
            return self.predict_batch([text])[0]
        with torch.inference_mode():
            tokens, memory, final, mask = self._encode_texts([text])
            bos, eos = self.target_vocab.index(BOS), self.target_vocab.index(EOS)
            state = self.decoder.init_state(final, memory)
            limit = self.config.max_target_len
            decoded = beam_search(self.decoder, state, memory, mask, bos, eos, limit, beam)
            return self._prediction(tokens[0], decoded, beam)

    def predict_batch(self, texts: list[str]) -> list[Prediction]:
        """Greedy translations of several sentences, one batch."""
        if not texts:
            return []
        with torch.inference_mode():
            tokens, memory, final, mask = self._encode_texts(texts)
            bos, eos = self.target_vocab.index(BOS), self.target_vocab.index(EOS)
            state = self.decoder.init_state(final, memory)
            decoded = greedy(
                self.decoder, state, memory, mask, bos, eos, self.config.max_target_len
            )
            return [self._prediction(t, d, 1) for t, d in zip(tokens, decoded, strict=True)]

    def teacher_forced(self, text: str, reference: list[str]) -> Prediction:
        """Feed the reference words as the previous outputs; attention of each reference word.

        extra["predicted"] is what the model would write at each step given the true prefix.
        """
        with torch.inference_mode():
            tokens, memory, final, mask = self._encode_texts([text])
            vocab = self.target_vocab
            target_in = torch.tensor(
                [[vocab.index(BOS), *vocab.encode(reference)]], device=memory.device
            )  # (1, T_q + 1)
            state = self.decoder.init_state(final, memory)
            rows, predicted, log_prob = [], [], 0.0
            gold = [*vocab.encode(reference), vocab.index(EOS)]
            for t in range(target_in.shape[1]):
                logits, state, w = self.decoder.step(target_in[:, t], state, memory, mask)
                logp = torch.log_softmax(logits[0], -1)  # (V,)
                predicted.append(vocab.tokens[int(logp.argmax())])
                log_prob += float(logp[gold[t]])
                rows.append(w[0])
            attention = torch.stack(rows[: len(reference)]).float().cpu().numpy()  # (T_q, T_k)
        return Prediction(
            detokenize_french(reference),
            tokens[0],
            list(reference),
            attention,
            {"predicted": predicted[: len(reference)], "log_prob": log_prob, "forced": True},
        )

    def _prediction(self, source: list[str], d: Decoded, beam: int) -> Prediction:
        words = self.target_vocab.decode(d.ids)
        top = [[(self.target_vocab.tokens[i], p) for i, p in step] for step in d.top]
        attention = d.attention[:, : len(source)].float().cpu().numpy()  # (T_q, T_k) unpadded
        return Prediction(
            detokenize_french(words),
            source,
            words,
            attention,
            {"beam": beam, "log_prob": d.log_prob, "top": top},
        )


def build(checkpoint: Checkpoint) -> Translator:
    """Rebuild a Translator from a checkpoint (config + vocabularies in meta + weights)."""
    config = TranslationConfig(**checkpoint.config)
    vocab = checkpoint.meta["vocab"]
    model = Translator(config, Vocab(tuple(vocab["source"])), Vocab(tuple(vocab["target"])))
    model.load_state_dict(checkpoint.state_dict)
    return model
