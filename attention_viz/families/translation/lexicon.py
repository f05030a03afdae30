"""The words of the toy English→French language: nouns, adjectives, verbs and function words.

Every French form the grammar can produce is listed here, so the vocabularies are built from the
lexicon alone (never from sampled data) and any grammatical sentence is in vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

VOWELS = "aeiouyéèêâîôûh"  # French words that take elision (the listed h words are mute h)


@dataclass(frozen=True)
class Noun:
    english: str  # singular
    english_plural: str
    french: str
    french_plural: str
    feminine: bool


@dataclass(frozen=True)
class Adjective:
    english: str
    forms: tuple[str, str, str, str]  # masculine sg, feminine sg, masculine pl, feminine pl
    before_noun: bool  # grand, petit, bon, vieux, jeune, beau go before the noun
    masculine_before_vowel: str | None = None  # vieil arbre, bel oiseau


@dataclass(frozen=True)
class Verb:
    english: str  # base form: "eat"
    english_3sg: str  # "eats"
    forms: tuple[str, str, str, str, str, str]  # je, tu, il/elle, nous, vous, ils/elles
    transitive: bool


def _noun(en: str, fr: str, fem: bool, en_pl: str | None = None, fr_pl: str | None = None):
    return Noun(en, en_pl or en + "s", fr, fr_pl or fr + "s", fem)


NOUNS: tuple[Noun, ...] = (
    # masculine
    _noun("cat", "chat", False),
    _noun("dog", "chien", False),
    _noun("bird", "oiseau", False, fr_pl="oiseaux"),
    _noun("tree", "arbre", False),
    _noun("book", "livre", False),
    _noun("garden", "jardin", False),
    _noun("horse", "cheval", False, fr_pl="chevaux"),
    _noun("boy", "garçon", False),
    _noun("man", "homme", False, en_pl="men"),
    _noun("child", "enfant", False, en_pl="children"),
    _noun("teacher", "professeur", False),
    _noun("student", "étudiant", False),
    _noun("friend", "ami", False),
    _noun("brother", "frère", False),
    _noun("father", "père", False),
    _noun("hat", "chapeau", False, fr_pl="chapeaux"),
    _noun("cake", "gâteau", False, fr_pl="gâteaux"),
    _noun("wall", "mur", False),
    _noun("train", "train", False),
    _noun("plane", "avion", False),
    _noun("computer", "ordinateur", False),
    _noun("pen", "stylo", False),
    _noun("bed", "lit", False),
    _noun("ball", "ballon", False),
    _noun("umbrella", "parapluie", False),
    # feminine
    _noun("car", "voiture", True),
    _noun("table", "table", True),
    _noun("shoe", "chaussure", True),
    _noun("letter", "lettre", True),
    _noun("chair", "chaise", True),
    _noun("door", "porte", True),
    _noun("house", "maison", True),
    _noun("window", "fenêtre", True),
    _noun("apple", "pomme", True),
    _noun("girl", "fille", True),
    _noun("woman", "femme", True, en_pl="women"),
    _noun("mother", "mère", True),
    _noun("sister", "sœur", True),
    _noun("flower", "fleur", True),
    _noun("city", "ville", True, en_pl="cities"),
    _noun("street", "rue", True),
    _noun("school", "école", True),
    _noun("church", "église", True, en_pl="churches"),
    _noun("star", "étoile", True),
    _noun("island", "île", True),
    _noun("orange", "orange", True),
    _noun("picture", "image", True),
    _noun("story", "histoire", True, en_pl="stories"),
    _noun("bottle", "bouteille", True),
    _noun("box", "boîte", True, en_pl="boxes"),
)


def _adj(
    en: str, fr: str, fem: str | None = None, pl: str | None = None, fem_pl: str | None = None
):
    fem = fem or (fr if fr.endswith("e") else fr + "e")
    return Adjective(en, (fr, fem, pl or fr + "s", fem_pl or fem + "s"), before_noun=False)


ADJECTIVES: tuple[Adjective, ...] = (
    # before the noun
    Adjective("big", ("grand", "grande", "grands", "grandes"), True),
    Adjective("small", ("petit", "petite", "petits", "petites"), True),
    Adjective("good", ("bon", "bonne", "bons", "bonnes"), True),
    Adjective("old", ("vieux", "vieille", "vieux", "vieilles"), True, "vieil"),
    Adjective("young", ("jeune", "jeune", "jeunes", "jeunes"), True),
    Adjective("beautiful", ("beau", "belle", "beaux", "belles"), True, "bel"),
    # after the noun
    _adj("black", "noir"),
    _adj("white", "blanc", "blanche"),
    _adj("red", "rouge"),
    _adj("green", "vert"),
    _adj("blue", "bleu"),
    _adj("yellow", "jaune"),
    _adj("happy", "heureux", "heureuse", "heureux", "heureuses"),
    _adj("sad", "triste"),
    _adj("dirty", "sale"),
    _adj("round", "rond"),
    _adj("heavy", "lourd"),
    _adj("light", "léger", "légère"),
    _adj("tired", "fatigué"),
    _adj("strong", "fort"),
    _adj("rich", "riche"),
    _adj("empty", "vide"),
    _adj("cold", "froid"),
    _adj("famous", "célèbre"),
)


def _er(en: str, en3: str, stem: str, transitive: bool = True) -> Verb:
    """A regular -er verb: stem + e, es, e, ons, ez, ent."""
    endings = ("e", "es", "e", "ons", "ez", "ent")
    return Verb(en, en3, tuple(stem + e for e in endings), transitive)  # type: ignore[arg-type]


def _re(en: str, en3: str, stem: str, transitive: bool = True) -> Verb:
    """A regular -re verb: stem + s, s, -, ons, ez, ent."""
    endings = ("s", "s", "", "ons", "ez", "ent")
    return Verb(en, en3, tuple(stem + e for e in endings), transitive)  # type: ignore[arg-type]


VERBS: tuple[Verb, ...] = (
    Verb("eat", "eats", ("mange", "manges", "mange", "mangeons", "mangez", "mangent"), True),
    Verb("see", "sees", ("vois", "vois", "voit", "voyons", "voyez", "voient"), True),
    _er("like", "likes", "aim"),
    Verb("want", "wants", ("veux", "veux", "veut", "voulons", "voulez", "veulent"), True),
    Verb("take", "takes", ("prends", "prends", "prend", "prenons", "prenez", "prennent"), True),
    _er("find", "finds", "trouv"),
    _er("watch", "watches", "regard"),
    _er("love", "loves", "ador"),
    _er("wash", "washes", "lav"),
    Verb("buy", "buys", ("achète", "achètes", "achète", "achetons", "achetez", "achètent"), True),
    Verb("open", "opens", ("ouvre", "ouvres", "ouvre", "ouvrons", "ouvrez", "ouvrent"), True),
    _er("draw", "draws", "dessin"),
    _er("carry", "carries", "port"),
    _er("push", "pushes", "pouss"),
    _re("hear", "hears", "entend"),
    Verb(
        "call",
        "calls",
        ("appelle", "appelles", "appelle", "appelons", "appelez", "appellent"),
        True,
    ),
    _er("close", "closes", "ferm"),
    _re("sell", "sells", "vend"),
    # intransitive
    Verb("sleep", "sleeps", ("dors", "dors", "dort", "dormons", "dormez", "dorment"), False),
    _er("walk", "walks", "march", transitive=False),
    _er("play", "plays", "jou", transitive=False),
    _er("work", "works", "travaill", transitive=False),
    _er("sing", "sings", "chant", transitive=False),
    _er("dance", "dances", "dans", transitive=False),
    _re("wait", "waits", "attend", transitive=False),
    _er("arrive", "arrives", "arriv", transitive=False),
)

# English pronoun -> (French, person index into Verb.forms)
PRONOUNS: dict[str, tuple[str, int]] = {
    "i": ("je", 0),
    "you": ("tu", 1),
    "he": ("il", 2),
    "she": ("elle", 2),
    "we": ("nous", 3),
    "they": ("ils", 5),
}

# English determiner -> French forms (masculine sg, feminine sg, plural); None = no plural/sg
DETERMINERS: dict[str, tuple[str | None, str | None, str | None]] = {
    "the": ("le", "la", "les"),
    "a": ("un", "une", None),
    "an": ("un", "une", None),
    "some": (None, None, "des"),
    "my": ("mon", "ma", "mes"),
    "your": ("ton", "ta", "tes"),
    "his": ("son", "sa", "ses"),
    "her": ("son", "sa", "ses"),
    "our": ("notre", "notre", "nos"),
    "their": ("leur", "leur", "leurs"),
}
POSSESSIVES = ("my", "your", "his", "her", "our", "their")

# English preposition -> French words (near -> près de)
PREPOSITIONS: dict[str, tuple[str, ...]] = {
    "in": ("dans",),
    "on": ("sur",),
    "under": ("sous",),
    "with": ("avec",),
    "for": ("pour",),
    "behind": ("derrière",),
    "near": ("près", "de"),
    "to": ("à",),
    "of": ("de",),
    "from": ("de",),
}

ADVERBS: dict[str, str] = {
    "often": "souvent",
    "always": "toujours",
    "sometimes": "parfois",
    "rarely": "rarement",
    "also": "aussi",
}

NEGATIONS = ("not", "don't", "doesn't")  # "does not", "do not", "don't", "doesn't"


def starts_with_vowel(french: str) -> bool:
    return french[:1] in VOWELS


def vocabulary_rows(kind: str) -> list[dict[str, str]]:
    """Rows of the vocabulary browser: kind is "nouns", "adjectives", "verbs" or "other"."""
    if kind == "nouns":
        return [
            {
                "English": f"{n.english} / {n.english_plural}",
                "French": f"{n.french} / {n.french_plural}",
                "gender": "feminine" if n.feminine else "masculine",
            }
            for n in NOUNS
        ]
    if kind == "adjectives":
        return [
            {
                "English": a.english,
                "French (m, f, m pl, f pl)": ", ".join(a.forms),
                "position": "before the noun" if a.before_noun else "after the noun",
            }
            for a in ADJECTIVES
        ]
    if kind == "verbs":
        return [
            {
                "English": f"{v.english} / {v.english_3sg}",
                "French (je … ils)": ", ".join(v.forms),
                "object": "yes" if v.transitive else "no (intransitive)",
            }
            for v in VERBS
        ]
    if kind == "other":
        rows = [
            {"English": "I" if e == "i" else e, "French": f, "kind": "pronoun"}
            for e, (f, _) in PRONOUNS.items()
        ]
        rows += [
            {"English": e, "French": " / ".join(f for f in forms if f), "kind": "determiner"}
            for e, forms in DETERMINERS.items()
        ]
        rows += [
            {"English": e, "French": " ".join(f), "kind": "preposition"}
            for e, f in PREPOSITIONS.items()
        ]
        rows += [{"English": e, "French": f, "kind": "adverb"} for e, f in ADVERBS.items()]
        rows.append({"English": "does not / don't", "French": "ne … pas", "kind": "negation"})
        return rows
    raise ValueError(f"unknown vocabulary kind {kind!r}")
