"""Vocabulary and tokenizer of the soragen world.

Tokenization rule (libavfilter/diffusion/tokenizer.c implements the same):
  - ASCII letters are lowercased; a word is a maximal run of letters; every
    other character separates words;
  - text between double quotes is dialogue, not caption, and is skipped;
  - a word in VOCAB becomes its index; other words are dropped (training
    captions only contain vocabulary words, so nothing is lost there; the
    filter warns about them);
  - at most MAX_TOKENS ids are kept.
The cameo subject is written as the word "cameo" in a caption; its id is
CAMEO_ID.  Ids 0 ("<pad>") and 1 ("<unk>") cannot be typed.
"""

# word -> emoji; chosen to be distinct at 16 px
SUBJECTS = {
    "crocodile": "\U0001F40A",
    "hippo": "\U0001F99B",
    "giraffe": "\U0001F992",
    "dinosaur": "\U0001F995",
    "cat": "\U0001F408",
    "dog": "\U0001F415",
    "car": "\U0001F697",
    "ball": "\u26BD",
    "frog": "\U0001F438",
    "penguin": "\U0001F427",
    "elephant": "\U0001F418",
    "duck": "\U0001F986",
}

# unnamed subjects: only ever shown through a cameo reference image
CAMEO_SUBJECTS = {
    "turtle": "\U0001F422", "rabbit": "\U0001F407", "fox": "\U0001F98A",
    "panda": "\U0001F43C", "koala": "\U0001F428", "lion": "\U0001F981",
    "tiger": "\U0001F42F", "pig": "\U0001F437", "cow": "\U0001F42E",
    "chicken": "\U0001F414", "owl": "\U0001F989", "octopus": "\U0001F419",
    "crab": "\U0001F980", "bee": "\U0001F41D", "ladybug": "\U0001F41E",
    "butterfly": "\U0001F98B", "apple": "\U0001F34E", "banana": "\U0001F34C",
    "bicycle": "\U0001F6B2", "rocket": "\U0001F680", "robot": "\U0001F916",
    "ghost": "\U0001F47B", "pumpkin": "\U0001F383", "unicorn": "\U0001F984",
}

# background word -> (kind, parameters) used by world.py
BACKGROUNDS = {
    "red": ("solid", (200, 40, 40)),
    "blue": ("solid", (40, 70, 200)),
    "green": ("solid", (50, 160, 60)),
    "yellow": ("solid", (230, 210, 50)),
    "white": ("solid", (235, 235, 235)),
    "black": ("solid", (20, 20, 20)),
    "purple": ("solid", (130, 50, 170)),
    "orange": ("solid", (235, 130, 30)),
    "grass": ("ground", ((150, 200, 245), (60, 150, 50))),
    "sand": ("ground", ((160, 210, 250), (225, 200, 140))),
    "snow": ("ground", ((190, 200, 215), (245, 245, 250))),
    "sky": ("sky", ((60, 120, 220), (170, 210, 250))),
    "night": ("night", ((10, 15, 40), (30, 35, 70))),
    "water": ("water", ((40, 110, 180), (20, 70, 140))),
}

# how a background is named in a caption
BACKGROUND_PHRASE = {
    "grass": "on the grass", "sand": "on the sand", "snow": "in the snow",
    "sky": "in the sky", "night": "at night", "water": "in the water",
}
for _c in ("red", "blue", "green", "yellow", "white", "black", "purple", "orange"):
    BACKGROUND_PHRASE[_c] = ("on an %s background" if _c[0] in "aeiou" else
                             "on a %s background") % _c

MOTIONS = ["bounces", "walks", "jumps", "falls", "rolls", "spins", "grows", "flies",
           "slides", "stands"]
DIRECTED = {"walks", "rolls", "flies", "slides"}

FUNCTION_WORDS = ["a", "an", "the", "on", "in", "at", "to", "and", "left", "right", "fast",
                  "slowly", "background", "big", "small"]

SPECIALS = ["<pad>", "<unk>", "cameo"]
CAMEO_ID = 2
MAX_TOKENS = 16

VOCAB = (SPECIALS + sorted(SUBJECTS) + sorted(BACKGROUNDS) + MOTIONS +
         [w for w in FUNCTION_WORDS if w not in BACKGROUNDS])
_INDEX = {w: i for i, w in enumerate(VOCAB)}
assert len(_INDEX) == len(VOCAB), "duplicate vocabulary word"


def words(text):
    out, cur, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            if cur:
                out.append("".join(cur))
                cur = []
            continue
        if not quoted and ch.isascii() and ch.isalpha():
            cur.append(ch.lower())
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def tokenize(text):
    ids = [_INDEX[w] for w in words(text) if w in _INDEX and _INDEX[w] > 1]
    return ids[:MAX_TOKENS]


def unknown_words(text):
    return [w for w in words(text) if w not in _INDEX or _INDEX[w] <= 1]
