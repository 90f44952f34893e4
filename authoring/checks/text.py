"""Text helpers shared by the rule families: accent/quote folding that keeps
offsets, number words, a light stemmer, sentence spans and a list of common
English words (used to tell a capitalised sentence opener from a name, and a
plain word from a distinctive one)."""
from __future__ import annotations

import functools
import re
import unicodedata

from .patterns import literal_alt

# ---------------------------------------------------------------- folding

_SPECIAL = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200b": " ",
    "\u00df": "s", "\u00e6": "a", "\u00c6": "A", "\u0153": "o", "\u0152": "O", "\u00f8": "o", "\u00d8": "O",
    "\u0142": "l", "\u0141": "L", "\u0111": "d", "\u0110": "D", "\u00f0": "d", "\u00d0": "D", "\u00fe": "t", "\u00de": "T",
    "\u0131": "i",
}
_FOLD: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
        return decomposed[0]
    return ch


def fold(text: str) -> str:
    """Accents stripped, curly quotes and dashes made plain; same length as text,
    so offsets in the folded text are offsets in the original."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch < "\x80":
            out.append(ch)
            continue
        mapped = _FOLD.get(ch)
        if mapped is None:
            mapped = _FOLD[ch] = _fold_char(ch)
        out.append(mapped)
    return "".join(out)


def lower_same_len(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_NORM_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


@functools.lru_cache(maxsize=1 << 14)
def norm_words(text: str) -> str:
    """Folded, lower-case, punctuation-free, single-spaced: for comparing phrases."""
    text = fold(text).lower().replace("\u2026", " ")
    return " ".join(_NORM_WORD.findall(text))


WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")

# the characters other than A-Z that re.IGNORECASE matches to an ASCII letter (ſ s, K k, ı i, İ i)
_CASELESS = str.maketrans({"\u017f": "s", "\u212a": "k", "\u0131": "i", "\u0130": "i"})


def caseless(text: str) -> str:
    """text lower-cased, same length: a pattern of lower-case ASCII words compiled without
    re.IGNORECASE matches in it where the pattern compiled with it matches in text. A
    case-insensitive alternation is tried whole at every position; this lets the regex
    engine skip to the words' first letters."""
    low = text.lower()
    if text.isascii():
        return low
    return lower_same_len(text).translate(_CASELESS)


# ---------------------------------------------------------------- numbers

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100,
}

_W = "(?:" + literal_alt(list(UNITS) + list(TENS)) + ")"   # = longest|...|shortest, as a trie
NUMWORDS = rf"(?:{_W}(?:[ -](?:and[ -])?(?:{_W}|hundred|thousand|million|billion)\b)*)"
DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
NUM = rf"(?:{DIGITS}|{NUMWORDS})"


_WORDS_SPLIT = re.compile(r"[ -]+")


def words_value(text: str) -> float | None:
    """'two hundred and fifty' -> 250; None when it is not a number phrase."""
    total = current = 0
    seen = False
    for w in _WORDS_SPLIT.split(text.lower().strip()):
        if w == "and" or not w:
            continue
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def num_value(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    return words_value(text)


def precision_of(text: str) -> float:
    """The place value of the last written digit: '3.6' -> 0.1, '32' -> 1, '100' -> 1."""
    text = text.replace(",", "")
    if "." in text:
        return 10.0 ** -len(text.split(".", 1)[1])
    return 1.0


MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mil": 1e6, "mill": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9,
}

# ---------------------------------------------------------------- stemming

_IRREGULAR = {
    "died": "die", "dies": "die", "dying": "die", "dead": "die",
    "killed": "kill", "kills": "kill", "killing": "kill",
    "ran": "run", "fled": "flee", "flees": "flee", "left": "leave", "leaves": "leave",
    "learnt": "learn", "sent": "send", "blew": "blow", "blown": "blow",
    "found": "find", "wrote": "write", "written": "write", "stole": "steal", "stolen": "steal",
    "shot": "shoot", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "fell": "fall", "fallen": "fall", "hid": "hide", "hidden": "hide", "bit": "bite", "bitten": "bite",
    "ate": "eat", "eaten": "eat", "swore": "swear", "sworn": "swear", "began": "begin", "begun": "begin",
    "became": "become", "kept": "keep", "met": "meet", "lost": "lose", "won": "win", "sold": "sell",
    "told": "tell", "sought": "seek", "caught": "catch", "threw": "throw", "thrown": "throw",
}


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    w = word.lower().replace("'", "")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("s") and len(w) > 3 and w[-2] == "'":
        w = w[:-2]
    for suf in ("ingly", "edly", "ing", "ied", "ies", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            if suf in ("ied", "ies"):
                w += "y"
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    return w


# ---------------------------------------------------------------- sentences

_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Jr|Sr|St|Mt|vs|etc|No|Vol|Inc|Ltd|Co|approx|U\.S|U\.K)|\b[A-Z])\.$")


# a match never starts inside a run of marks (it would end where the run's own match ends, or fail
# as it does): the lookbehind only keeps a long run ("!!!!...") from being tried at each character
# (the lookbehind tested after the first mark: the regex engine skips to the marks)
_SENT_END = re.compile(r"[.!?](?<![.!?][.!?])[.!?]*[\"')\]]*(?=\s|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a line; initials and common abbreviations
    do not end a sentence."""
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if m.group().startswith(".") and _ABBREV.search(text[max(0, m.start() - 6): m.start() + 1]):
            continue
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        out.append((s, e))
    return out


# ---------------------------------------------------------------- common words

COMMON_WORDS = frozenset("""
a about above across act acts actually add added adds after again against ago ahead all almost alone along already
also although always am among an and another any anyone anything anyway apart appear appears are around as ask
asked asks at away back bad be became because become becomes becoming been before began begin begins behind being
believe below best better between beyond big bit both bring brings brought but by call called calls came can cannot
care case cause certain change chance clear close come comes coming could course day days did different do does
doing done down during each early easy either else end ended ending ends enough even ever every everyone
everything eye eyes face fact fall falls far fast feel feels felt few film films final finally find finds first
for found four free from full further gave get gets getting give given gives go goes going gone good got great
group had half hand hands happen happens hard has have having he head hear heard help her here hers herself high
him himself his hold holds home how however i if in inside instead into is it its itself just keep keeps kept
kind knew know knows known large last late later lead leads learn learns least leave leaves left less let lets
life like line little long look looks lose loses lost lot love made make makes making man many may me mean means
meanwhile men might mind more most move moves movie movies much must my myself name near nearly need needs never
new next no none nor not nothing now of off often old on once one ones only onto open or order orders other others
our out outside over own part past people place plan play plays point put quickly quite rather real really
reason rest right run runs said same saw say says second see seem seems seen self sets set several shall she
short should show shows side since small so some someone something sometimes soon still such sure take takes
taken tell tells than that the their them themselves then there these they thing things think this those though
three through throughout thus time times to together too took toward towards tries try trying turn turns two
under until up upon us use used very wait want wants was way ways we well went were what whatever when where
whether which while who whole whom whose why will with within without word words work works world would year
years yes yet you your yours yourself
able above absolutely actor actors actress after again age ago agree alive already always amid anger angry
answer anything area arrive arrives arrived ask attempt attempts audience audiences avoid bar based beautiful
beginning believe big black blood blue body book books break breaks brief bright brings brother building business
calm car care carry carries cast caught center central character characters child children choice city clean
close cold company complete completely condition continue continues continued control cost could country couple
course crew critics cut dark daughter dead deal death deep deeply despite die different direct director doctor
door drama dream drink drinking drive drives early earth edge effect else emotional empty enemy entire escape
even evening event events ever evidence exactly example eye fails family famous fan fans father fear fight
fights final fine fire five follow follows followed food force forced forever form free friend friends front
future game girl given glass goal god gold green ground grows guy hair happy hate health heart heavy help hero
history hit hold hole home hope horror hospital hot hotel hour hours house huge human idea image important inside
job journey keep key kid kids killer kind king know lady land language large law learned leaves less letter
level lie lies light line list live lives living local longer lot love loves loving low main major man manage
mark matter meet meets member memory message middle minute minutes mission moment money month months morning
mother mouth music mystery named nature night noise normal north note now number offer office officer open
order orders other paper parent parents park party pass passes past path pay perfect person phone picture piece
plan plans plays police poor power powerful present president pretty problem process public pull push queen
question quiet race radio rain raise reach reaches read ready real reality realize realizes reason red relationship
remain remains remember report rescue return returns rich road rock role room rule rules safe save saves scene
scenes school science sea search secret see seek sees sense series serious serve service sex shape ship short shot
show sign simple single sister sit six skin sky sleep slow slowly small smile son song sort sound south space
speak special spend spot stage stand star stars start starts state stay step stop stops story strange street
strong student study style success sudden suddenly summer sun support survive table talk team tell ten test
thing three tiny today told top town travel tree trip trouble true truth turn type understand unit upon use
usual value various version view voice wait walk wall war watch water weak weapon week weeks west white wife
wild win window winter woman women wonder word work worker worry write writer wrong year young youth
across actually against agreement alcohol allow amount appear approach arms around artist attention aware
bad based became bed behind belief beside bill board boat born boss box boy brain bring broken build burn
buy call camera captain card career carry center chair change charge chase check chief church claim class
clear club coast cause collapse collapses comes comic common community cover crash create crime cross crowd
cry culture danger date dead dear decide decision desire desert detail die dinner dog dollar down drop dry
dust duty east easy eat economy edge education effort eight either election end energy engine enjoy enter
environment evil exist experience explain face fall farm fast favorite feature feeling field figure fill
finally finger finish fish five flat floor fly focus foot foreign forest forget former forward four frame
friend fun funny garden gas general gift girl glad grand grave gray guard guess gun hall hang happen hat
heat heavy hell hide high hill hit holiday horse host hunt hurt ice ill inner island item join joke judge
jump kill kiss kitchen knife lake land laugh lay lead leader learn lift likely limit link lip lock loss lot
loud lower luck machine mad mail manner map market marry mass master match meal meaning member metal mile
military mirror miss model moon motel murder nation neck neither nervous news nice nobody nose novel ocean
odd oil older opening opinion owner pack page pain paint pair pale panic parent partner patient pattern peace
pick plane plant plate pocket poem pool pop position pound pour press price prison private prize promise
proper prove pure quick rare rate reader reply rest rise risk river roll roof round rush sad sail sale salt
sand scale score screen season seat shake share sharp shock shoe shop shout sick sight silence silver singer
sink size slip smell smoke snow soft soldier solution soul spirit sport spring square staff stairs stare steal
stick stone storm stranger stream strike stuff suit supply sweet swim tail taste tax tea teacher tear teeth
terrible thank thick thin threat throw ticket tie tired title tone tool tooth touch tour track trade train
trap trust twice uncle upper vast victim visit wake warm wash wave wear weather wedding weight wheel whisper
wind wine wing wish witness wood yard yellow
accept accepts accepted accident account accuse achieve acquire action active add addition admit adopt advance
advice affair afraid afternoon age agent aid aim air alarm alert alien allow ally alter amaze ambition ancient
angel animal announce annoy anxious apartment apologize appeal apply appoint arrange arrest arrival arrive art
ashamed assault assign assist attach attack attend attract audition avenge award awake aware baby badly bag
balance ball band bank bargain base basement battle bay beach bear beast beat beauty beg behave belong bench
betray bid bind birth birthday bitter blame blind block blow boil bomb bond bone border bore borrow bother bottle
bottom bounce bound brave breath breathe bride brief brother burst bury bus cabin cage calm camp cancel captive
capture career careful cash castle cat celebrate chain challenge champion chance chaos chapter charm cheat cheer
chest choose circle citizen claim clash clever cliff climb clock closet clue coach code coffee coin collapse
colleague collect colony combat comfort command commit compete complain conceal confess confront confuse connect
conquer conscience consider convince cope copy corner corpse costume count courage court cousin crack craft crash
crazy creature creep crime crisis cruel crush cure curious curse custody cycle damage dance dare deadline deaf
debt deceive declare decline defeat defend defy delay deliver demand deny depart depend deserve destroy destruction
detect determine develop devil devote diary dig disappear disaster discover discovery disguise dismiss distance
disturb dive divorce doubt drag draw dread drift drown drug drunk dying eager earn ease echo effort elder embrace
emerge emotion empire encounter encourage endure enemy engage enormous ensure entire escape estate evacuate evade
exchange excite execute exile expect expedition expose extraordinary fade faith fake fame fate fault favor
feast feed fellow fever fierce flee flight flood flow fold fool forbid forgive fortune fragile freedom frighten
frozen fund funeral gain gang gather ghost giant glance glimpse grab grace grant grasp grief grim grip guest guide
guilt guilty habit halt handle harm haunt heal heir hesitate hire honor horrify hostage hunger hurry identify
identity ignore illness imagine immediately impress imprison incident include infect inform inherit injure
injury innocent insane inspect inspire intend interrupt invade invent investigate invite isolate jail jealous
journey joy justice kidnap kingdom knock label labor lack launch lesson liberty lie lock lonely loyal
madness maintain manage marriage mask massive mate mature memory mention mercy mess midnight mind miracle
misery missing mistake mix mock monster mood mourn murder mysterious naked narrow neighbor nightmare noble
notice obey object obsess obtain occupy offend operation oppose orbit ordinary organize origin overcome owe
panic parade pardon passion patience pause permit persuade pilot pity plague plead plot poison pose possess
pray prepare pretend prevent pride prisoner promise protect protest proud provide punish pursue puzzle quarrel
quest quit rage raid rank react realise realises realize rebel recall receive recognize recover recruit refuse
regain regard regret reject rejoin release rely remind remote remove repair repeat replace rescue resent resist
resolve respect respond restore reveal revenge reward rid ride rival rob romance rotten ruin rumor rush
sacred sacrifice satisfy scare scheme scream seal seize sell sentence separate settle shadow shame shelter shift
shine shock shoot shore shout shut sigh signal silent sink slave slip smash sneak solve sorrow spare spell spill
spy stab stake starve steady steal stir stolen strain strand strength struggle stuck stun submit succeed suffer
suggest suicide supper suppose surface surprise surrender surround survival survivor suspect suspicion swear
swing sympathy tackle talent target task tease temper tempt tender tension terror thief threaten thrill tie tight
torture toss trace track trade tradition tragedy trail traitor transform trap treasure treat trial trick
triumph troop trust tunnel twin twist uncover undergo unite unknown unlock upset urge vanish victory violence
visible vision volunteer vow wander warn wealth weapon weep whisper widow wife wipe wise withdraw wolf wound wreck
yield
considered regarded widely mostly deeply truly clearly largely simply quietly slowly finally eventually gradually
instead inside outside together alone forever already anyway somehow
acclaimed admired anyone apart beloved best-known brilliant classic cinema critically dark darkest desperate
documentary drama epic famous feel-good fiction gripping haunting honest iconic intense landmark memorable
moving original powerful raw remarkable sequel stunning thriller tragic unforgettable unique vivid
""".split())

# Capitalised words that are never (the whole of) a person's name: places,
# institutions, media, calendar words, section vocabulary.
NON_PERSON_WORDS = frozenset("""
north south east west northern southern eastern western central new old great upper lower united states kingdom
america american americas europe european asia asian africa african england english britain british france
french germany german italy italian spain spanish japan japanese china chinese india indian russia russian
canada canadian australia australian mexico mexican ireland irish scotland scottish wales welsh korea korean
studios studio pictures films film productions production entertainment records media network networks channel
company corporation corp inc ltd llc group foundation institute university college school academy festival
award awards prize prizes oscar oscars emmy emmys grammy grammys globe globes bafta baftas guild society circle
association council committee board union league club cup games olympics
times post news tribune journal herald gazette magazine weekly daily review reviews reporter guardian observer
telegraph independent chronicle examiner globe sun star mail express inquirer standard variety empire
street avenue road boulevard lane drive highway city county state province district island islands lake river
mountain mountains valley beach park bay desert ocean sea coast station airport center centre museum theatre
theater hall tower bridge square church cathedral palace castle hotel motel casino hospital prison bar
day night eve christmas easter halloween thanksgiving monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december spring summer autumn winter
war wars world empire republic federation army navy force police department agency bureau office
prime video movies music plus max tv store play app apple amazon google netflix hulu disney paramount
peacock youtube vudu blu-ray dvd vhs imdb tomatoes rotten metacritic metascore tomatometer
best picture actor actress director screenplay effects visual editing sound score song design direction
cinematography makeup costume feature foreign documentary animated short supporting leading role
domestic worldwide gross budget release date runtime rating ratings genre genres writers directors language
languages country countries votes total opening weekend international revenue earnings
quick overview plot summary synopsis spoilers ending explained cast characters memorable quotes box office
behind scenes how watch similar soundtrack faq personal who would enjoy content warnings professional audience
reactions overall consensus edition collection cut version season episode part chapter act book volume series
trilogy franchise universe saga sequel prequel remake original official complete special extended
""".split())

HONORIFICS = frozenset("""
mr mrs ms miss dr sir dame lady lord king queen prince princess uncle aunt general colonel major captain
lieutenant sergeant officer detective agent inspector professor father mother sister brother saint st
president judge doctor nurse private corporal admiral commander chief sheriff deputy senator governor mayor
reverend pastor rabbi count countess duke duchess baron emperor empress pope
""".split())

STOP_CAPS = frozenset("""
the a an and or but if then when while after before as in on at with without for from of to by into onto
upon over under this that these those it its his her their our your my we you they he she i yes no not also
meanwhile later soon finally eventually once although though despite unlike like only even both neither either
here there what who why how where which whose whom every each all some many most few several another other
such so yet still now today tonight tomorrow yesterday just please inside outside around during until since
through throughout across along among between beyond above below near far streaming available
""".split())


COMMON_STEMS = frozenset(stem(w) for w in COMMON_WORDS)


def is_common(word: str) -> bool:
    return word.lower() in COMMON_WORDS


def loose_key(name: str) -> str:
    """A spelling-insensitive key for a name: letters only, lower-case, common transliterations."""
    t = name.lower()
    if t.isascii():     # nothing to transliterate or fold
        return "".join(filter(str.isalpha, t))
    for a, b in (("\u00fe", "th"), ("\u00f0", "d"), ("\u00e6", "ae"), ("\u00f8", "o"), ("\u00df", "ss"),
                 ("\u0153", "oe"), ("\u00e5", "aa")):
        t = t.replace(a, b)
    return "".join(filter(str.isalpha, fold(t)))
