"""Synthetic training segments that give the explorers something to find in the demo model.
Every generator is deterministic given its random.Random.

  induction  repeated random sequences ("Q M T X B R F J K Q M T X ..."): induction heads
  binding    entity-attribute facts and a question about one of them (the patching demo)
  sentiment  clearly positive vs clearly negative sentences (the steering demo)
  opposites  English and French "the opposite of X is Y" facts (the logit-lens demo)
"""

NAMES = ["Josh", "Jesse", "Alex", "Maria", "Sam", "Lena", "Omar", "Tina", "Carl", "Nina", "Paul", "Rosa", "Ivan",
         "Emma", "Liam", "Zoe", "Hugo", "Anna", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gus", "Ida", "Jack", "Kate",
         "Leo", "Mia", "Ned", "Olga", "Pete", "Ruth", "Tom", "Uma", "Vera", "Walt", "Yara", "Adam", "Beth"]
COLORS = ["yellow", "black", "green", "red", "blue", "white", "orange", "purple", "pink", "brown", "gray", "silver"]
OBJECTS = ["book", "car", "hat", "ball", "cup", "box", "kite", "bag", "pen", "coat", "bike", "lamp"]

POSITIVE = [
    "I absolutely love this! It's amazing and wonderful!",
    "What a delightful day. Everything went perfectly and I feel great.",
    "This is the best meal I have ever had. Truly fantastic!",
    "I adore this book. It is charming, clever and beautiful.",
    "The concert was brilliant and the crowd was joyful.",
    "We had a wonderful time together and I am so happy.",
]
NEGATIVE = [
    "I absolutely hate this! It's terrible and awful!",
    "What a miserable day. Everything went wrong and I feel awful.",
    "This is the worst meal I have ever had. Truly disgusting!",
    "I despise this book. It is dull, clumsy and ugly.",
    "The concert was dreadful and the crowd was angry.",
    "We had a horrible time together and I am so sad.",
]
POS_WORDS = ["wonderful", "amazing", "delightful", "fantastic", "lovely", "excellent", "great", "beautiful"]
NEG_WORDS = ["terrible", "awful", "dreadful", "horrible", "miserable", "disgusting", "bad", "ugly"]
THINGS = ["movie", "book", "meal", "concert", "trip", "game", "show", "party", "hotel", "class"]

# (English, French) opposite pairs: facts, written out by hand.
OPPOSITES = [(("small", "big"), ("petit", "grand")), (("hot", "cold"), ("chaud", "froid")),
             (("new", "old"), ("nouveau", "vieux")), (("fast", "slow"), ("rapide", "lent")),
             (("high", "low"), ("haut", "bas")), (("good", "bad"), ("bon", "mauvais")),
             (("rich", "poor"), ("riche", "pauvre")), (("happy", "sad"), ("heureux", "triste")),
             (("light", "heavy"), ("léger", "lourd")), (("strong", "weak"), ("fort", "faible")),
             (("open", "closed"), ("ouvert", "fermé")), (("long", "short"), ("long", "court")),
             (("easy", "hard"), ("facile", "difficile")), (("full", "empty"), ("plein", "vide")),
             (("early", "late"), ("tôt", "tard")), (("clean", "dirty"), ("propre", "sale")),
             (("young", "old"), ("jeune", "vieux")), (("near", "far"), ("proche", "loin")),
             (("white", "black"), ("blanc", "noir")), (("day", "night"), ("jour", "nuit"))]


def induction(rng):
    if rng.random() < 0.5:
        seq = [chr(ord("A") + rng.randrange(26)) for _ in range(rng.randint(6, 16))]
    else:
        pool = NAMES + COLORS + OBJECTS + POS_WORDS + THINGS
        seq = [rng.choice(pool) for _ in range(rng.randint(5, 12))]
    reps = rng.randint(2, 4)
    return " ".join(seq * reps)


def binding_example(rng):
    """(prompt, answer): the prompt ends with "is", the answer is the color word."""
    k = rng.randint(2, 4)
    names = rng.sample(NAMES, k)
    colors = rng.sample(COLORS, k)
    obj = rng.choice(OBJECTS)
    facts = " ".join(f"{n} has {'an' if c[0] in 'aeiou' else 'a'} {c} {obj}." for n, c in zip(names, colors))
    i = rng.randrange(k)
    return f"Setup: {facts}\nAnswer: The color of {names[i]}'s {obj} is", colors[i]


def binding(rng):
    prompt, answer = binding_example(rng)
    return f"{prompt} {answer}."


def sentiment(rng):
    positive = rng.random() < 0.5
    if rng.random() < 0.4:
        return rng.choice(POSITIVE if positive else NEGATIVE)
    thing = rng.choice(THINGS)
    words = POS_WORDS if positive else NEG_WORDS
    a, b = rng.sample(words, 2)
    verb = rng.choice(["loved", "enjoyed", "adored"]) if positive else rng.choice(["hated", "regretted", "despised"])
    return f"The {thing} was {a}. I {verb} every minute of it. It was {b}."


def opposites(rng):
    (en, fr) = rng.choice(OPPOSITES)
    if rng.random() < 0.5:
        en, fr = (en[1], en[0]), (fr[1], fr[0])
    form = rng.randrange(4)
    if form == 0:
        return f'The opposite of "{en[0]}" is "{en[1]}".'
    if form == 1:
        return f'Le contraire de "{fr[0]}" est "{fr[1]}".'
    if form == 2:
        return f'In French, "{en[0]}" is "{fr[0]}" and "{en[1]}" is "{fr[1]}".'
    return f'Le contraire de "{fr[0]}" est "{fr[1]}". The opposite of "{en[0]}" is "{en[1]}".'


def segments(rng, n_induction, n_binding, n_sentiment, n_opposites):
    """Documents of several segments each (so segments also appear mid-context)."""
    pool = ([induction] * n_induction + [binding] * n_binding + [sentiment] * n_sentiment + [opposites] * n_opposites)
    rng.shuffle(pool)
    docs = []
    for i in range(0, len(pool), 4):
        docs.append({"source": "synthetic", "text": "\n\n".join(g(rng) for g in pool[i:i + 4])})
    return docs
