"""Vocabulary and tokenizer of the soragen world.

Tokenization rule (libavfilter/diffusion/tokenizer.c implements the same,
from the word list stored in the model file; doc/model-format.md):
  1. ASCII letters A-Z are lowercased; a word is a maximal run of ASCII
     letters; every other character (space, digit, punctuation, '<', '>',
     '_', non-ASCII) separates words;
  2. text between double quotes is dialogue for the audio, not caption: it
     is skipped (a lone quote skips to the end of the text);
  3. a word of VOCAB becomes its index; any other word is dropped (the
     filter warns about it); tokenize(text, keep_unknown=True) writes
     UNK_ID for it instead, which the C engine never does;
  4. at most MAX_TOKENS ids are kept, the first ones.
Ids 0 ("<pad>") and 1 ("<unk>") contain '<' and so can never be typed.
The cameo subject (a reference image given instead of a word) is written
as the word "cameo" in a caption, e.g. "a cameo bounces on the sand"; VOCAB
holds that word at index CAMEO_ID = 2, so tokenize() maps it to 2.

The order of VOCAB is fixed: a trained model stores it, and ids must not
move under an existing checkpoint.  Add words only at the end.
"""

# word -> emoji; chosen to be distinct at 16 px (shape and colour)
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

# unnamed subjects: only ever shown through a cameo reference image; the
# names are for ground truth and reports, they are not vocabulary words
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

# background word -> (kind, colours) used by world.background():
#   solid   (colour,)                      flat colour with slight noise
#   ground  (sky top, sky bottom, ground)  sky above a textured ground
#   sky     (top, bottom, cloud)           gradient with clouds, no ground
#   night   (top, bottom, ground)          dark gradient, stars, dark ground
#   water   (top, bottom, highlight)       gradient with wave lines
BACKGROUNDS = {
    "red": ("solid", ((200, 40, 40),)),
    "blue": ("solid", ((40, 70, 200),)),
    "green": ("solid", ((50, 160, 60),)),
    "yellow": ("solid", ((230, 210, 50),)),
    "white": ("solid", ((235, 235, 235),)),
    "black": ("solid", ((20, 20, 20),)),
    "purple": ("solid", ((130, 50, 170),)),
    "orange": ("solid", ((235, 130, 30),)),
    "grass": ("ground", ((110, 170, 235), (180, 215, 245), (60, 150, 50))),
    "sand": ("ground", ((120, 180, 240), (190, 220, 250), (225, 200, 140))),
    "snow": ("ground", ((150, 165, 190), (205, 212, 225), (245, 246, 252))),
    "sky": ("sky", ((50, 110, 215), (165, 205, 250), (250, 250, 252))),
    "night": ("night", ((8, 12, 38), (35, 40, 85), (28, 30, 42))),
    "water": ("water", ((45, 125, 195), (15, 60, 130), (150, 200, 240))),
}

# how a background is named in a caption: the canonical phrase (evaluation
# prompts use it) and the variants the training grammar also uses
BACKGROUND_PHRASE = {
    "grass": "on the grass", "sand": "on the sand", "snow": "in the snow",
    "sky": "in the sky", "night": "at night", "water": "in the water",
}
BACKGROUND_VARIANTS = {
    "grass": ["on grass", "in the grass"], "sand": ["on sand", "in the sand"],
    "snow": ["on the snow", "on snow"], "sky": ["in the sky"],
    "night": ["at night", "in the night"], "water": ["on the water", "in water"],
}
for _c in ("red", "blue", "green", "yellow", "white", "black", "purple", "orange"):
    _a = "an" if _c[0] in "aeiou" else "a"
    BACKGROUND_PHRASE[_c] = "on %s %s background" % (_a, _c)
    BACKGROUND_VARIANTS[_c] = ["on %s" % _c, "on the %s background" % _c, "in %s" % _c]

MOTIONS = ["bounces", "walks", "jumps", "falls", "rolls", "spins", "grows", "flies",
           "slides", "stands"]
# motions whose caption names a direction (left / right)
DIRECTED = {"walks", "rolls", "flies", "slides"}
# motions whose caption may carry "fast" / "slowly"
SPEEDED = {"walks", "rolls", "flies", "slides", "spins"}

FUNCTION_WORDS = ["a", "an", "the", "on", "in", "at", "to", "and", "left", "right", "fast",
                  "slowly", "background", "big", "small"]

SPECIALS = ["<pad>", "<unk>", "cameo"]
PAD_ID, UNK_ID, CAMEO_ID = 0, 1, 2
MAX_TOKENS = 16

VOCAB = (SPECIALS + sorted(SUBJECTS) + sorted(BACKGROUNDS) + MOTIONS +
         [w for w in FUNCTION_WORDS if w not in BACKGROUNDS])
_INDEX = {w: i for i, w in enumerate(VOCAB)}
assert len(_INDEX) == len(VOCAB), "duplicate vocabulary word"
assert VOCAB[CAMEO_ID] == "cameo"


def words(text):
    """The words of text outside double quotes, lowercased (rules 1-2)."""
    out, cur, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            if cur:
                out.append("".join(cur))
                cur = []
            continue
        if not quoted and ("a" <= ch <= "z" or "A" <= ch <= "Z"):
            cur.append(ch.lower())
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def tokenize(text, keep_unknown=False, index=None, max_tokens=MAX_TOKENS):
    """text -> list of at most max_tokens vocabulary ids (rules above);
    index: word -> id of another vocabulary (a model file's) than VOCAB."""
    index = _INDEX if index is None else index
    ids = []
    for w in words(text):
        i = index.get(w, UNK_ID)   # typed words never reach "<pad>", "<unk>"
        if i == UNK_ID and not keep_unknown:
            continue
        ids.append(i)
    return ids[:max_tokens]


def unknown_words(text):
    """Words of text that tokenize() drops."""
    return [w for w in words(text) if w not in _INDEX]
