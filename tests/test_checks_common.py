"""Shared helpers and two invented films (facts, a clean page, corruptions) for
the checker tests. The films are made up so that the rules are exercised on
formats, names and phrasings other than the dev pages'."""
from __future__ import annotations

from pathlib import Path

from authoring.checks import Flag, check_page
from authoring.facts import Facts, parse_facts

SHARED = Path(__file__).parents[2] / "shared"
DEV = SHARED / "eval" / "dev"


def facts_from(text: str) -> Facts:
    return parse_facts(text.encode("utf-8")).facts


def errors(flags: list[Flag]) -> list[Flag]:
    return [f for f in flags if f.severity == "error"]


def apply(clean: str, find: str, replace: str) -> tuple[str, tuple[int, int]]:
    assert clean.count(find) == 1, find
    at = clean.find(find)
    return clean[:at] + replace + clean[at + len(find):], (at, at + len(replace))


def _overlaps(flag: Flag, text: str, span: tuple[int, int]) -> bool:
    if not flag.excerpt:
        first = text.count("\n", 0, span[0]) + 1
        last = text.count("\n", 0, span[1]) + 1
        return first <= flag.line <= last
    start = text.find(flag.excerpt)
    while start != -1:
        if start < span[1] and span[0] < start + len(flag.excerpt):
            return True
        start = text.find(flag.excerpt, start + 1)
    return False


def caught(facts: Facts, clean: str, find: str, replace: str) -> list[Flag]:
    """New error flags on the edited page whose excerpt overlaps the edit (as the scorer counts)."""
    before = {(f.rule, f.excerpt, f.severity) for f in check_page(facts, clean)}
    text, span = apply(clean, find, replace)
    return [f for f in errors(check_page(facts, text))
            if (f.rule, f.excerpt, f.severity) not in before and _overlaps(f, text, span)]


def assert_excerpts_on_lines(text: str, flags: list[Flag]) -> None:
    lines = text.split("\n")
    for f in flags:
        assert 1 <= f.line <= max(1, len(lines)), f
        assert f.excerpt in lines[f.line - 1], f


def add_line(clean: str, after: str, new_line: str) -> str:
    """The page with new_line inserted after the (unique) line starting with after."""
    lines = clean.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith(after))
    return "\n".join(lines[:i + 1] + [new_line] + lines[i + 1:])


HARBOUR_FACTS = """title: The Quiet Harbour
year: 2012
directors: [Amélie Durand]
writers: [Amélie Durand, Pieter van der Berg]
genres: [Drama, Mystery]
runtime_minutes: 98
release_date: 2012-09-14
countries: [United Kingdom, France]
languages: [English, French]
ratings:
  imdb: {score: 7.1, votes: 45200}
  rotten_tomatoes: {score: 88}
cast:
  - {actor: José García, character: Tomás Reyes, description: "A fisherman who has not left the harbour town in twenty years."}
  - {actor: Anna-Lena Schmidt, character: Inge Volk, description: A marine biologist who arrives to study the bay.}
  - {actor: J. K. Moreau, character: Father Aldous, description: The town's priest and keeper of its secrets.}
  - {actor: Sarah O'Connell, character: Maggie Reyes, description: "Tomás's sister, who runs the harbour café."}
crew:
  - {name: Lars Øberg, role: composer}
  - {name: Mei Tanaka, role: director of photography}
box_office:
  currency: GBP
  budget: 4500000
  domestic_gross: 2100000
  worldwide_gross: 9750000
awards:
  - {award: BAFTA, category: Outstanding British Film, year: 2013, result: won}
  - {award: Golden Globe, category: Best Actor - Drama, year: 2013, result: nominated, recipient: José García}
  - {award: Academy Award, category: Best Original Score, year: 2013, result: nominated, recipient: Lars Øberg}
based_on: {kind: memoir, title: Salt and Silence, author: Tomás Reyes Senior}
plot:
  premise: In a Cornish fishing town, a reclusive fisherman's routine is upended when a marine biologist arrives to study the strange silence of the bay.
  beats:
    - Inge rents a room above Maggie's café and starts taking samples from the bay.
    - Tomás refuses to take her out on his boat until a storm leaves her stranded on the rocks.
    - Father Aldous warns Inge that the town does not want the bay disturbed.
    - Inge finds an old logbook that links the silence to a shipwreck from 1987.
  ending:
    - Tomás confesses that he steered the trawler onto the rocks in 1987, drowning his own father.
    - Inge keeps the secret and leaves town on the last ferry of the season.
quotes:
  - {speaker: Tomás Reyes, text: "The sea doesn't forget. It just stops talking."}
  - {speaker: Inge Volk, text: "Every silence has a shape, Mr. Reyes."}
  - {speaker: Father Aldous, text: "Some things are better left on the bottom."}
reviews:
  - {critic: Mark Kermode, outlet: The Observer, rating: 4/5, excerpt: "A haunting, salt-stung chamber piece that earns every one of its silences.", summary: Praised García's restraint.}
  - {critic: Wendy Ide, outlet: The Times, summary: Admired the photography but found the final act rushed.}
trivia:
  - The bay scenes were shot over six weeks in Porthcurno, Cornwall.
  - José García learned to pilot a trawler for the role.
  - The score was recorded with a 40-piece orchestra in a single day.
filming_locations: ["Porthcurno, Cornwall"]
where_to_watch: [MUBI, BFI Player, Blu-ray]
similar:
  - {title: 12 Angry Men, year: 1957, reason: Another story where a buried truth surfaces under pressure.}
  - {title: "2001: A Space Odyssey", year: 1968, reason: Silence as a character.}
  - {title: Manchester by the Sea, year: 2016, reason: Grief and guilt in a small coastal town.}
soundtrack:
  - {title: Low Tide, artist: Lars Øberg}
  - {title: The Last Ferry, artist: Lars Øberg}
content_warnings: [Mild language, Themes of grief]
"""

HARBOUR_PAGE = """# The Quiet Harbour (2012)

## 🌊 Quick Overview
- **Director:** Amélie Durand
- **Writers:** Amelie Durand and Pieter van der Berg
- **Genres:** Drama, Mystery
- **Released:** 14 September 2012
- **Running time:** 1 hr 38 min
- **Ratings:** 7.1/10 on IMDb (45K votes), 88% on Rotten Tomatoes

## Plot Summary — Badly Explained
A grumpy boat enthusiast and a scientist argue about whether water can keep a secret for an entire movie.

## Detailed Plot Synopsis

### A Stranger in Town
In a Cornish fishing town, a reclusive fisherman’s routine is upended when a marine biologist, Inge Volk, arrives to study the strange silence of the bay. She rents a room above Maggie's café and starts taking samples.

### The Storm
Tomás refuses to take her out on his boat, until a storm leaves her stranded on the rocks and he is the only one who goes looking for her.

### Warnings
Father Aldous warns Inge that the town does not want the bay disturbed.

### The Logbook
Inge finds an old logbook that links the silence to a shipwreck from 1987.

## Spoilers and Ending Explained
Tomás finally confesses: in 1987 he steered the trawler onto the rocks, drowning his own father. Inge keeps his secret and leaves on the last ferry of the season. The film ends not with justice but with a kind of mercy.

## Cast & Characters
- Tomás Reyes (José García): a fisherman who has not left the harbour town in twenty years.
- Inge Volk (Anna-Lena Schmidt): a marine biologist who arrives to study the bay.
- Father Aldous (J.K. Moreau): the town's priest and keeper of its secrets.
- Maggie Reyes (Sarah O’Connell): Tomás's sister, who runs the harbour café.

## Memorable Quotes
- Tomás: “The sea doesn’t forget. It just stops talking.” — said to Inge on the pier.
- Inge Volk: "Every silence has a shape, Mr. Reyes." Her reply, and the film's thesis.
- Father Aldous: ‘Some things are better left on the bottom.’ A warning dressed as advice.

## Box Office
Made on a budget of £4.5 million, The Quiet Harbour took £2.1 million in the UK and £9.75 million worldwide.

## Reviews

### Personal Review
Slow, salty and quietly devastating, with José García giving a performance built almost entirely out of silences.

### Who Would Enjoy
Viewers who like slow-burn mysteries and coastal dramas.

### Content Warnings
Mild language; themes of grief.

### Professional Reviews
- Mark Kermode (The Observer, 4/5) called it “a haunting, salt-stung chamber piece” and praised García's restraint.
- Wendy Ide of The Times admired the photography but found the final act rushed.

### Audience Reactions
Audiences were drawn in by the mystery of the bay.

### Overall Consensus
A patient, beautifully shot mystery.

## Awards
- BAFTA, Outstanding British Film (2013): won
- Golden Globe, Best Actor – Drama (2013): José García, nominated
- Oscar nomination for Best Original Score (2013) for Lars Øberg

## Behind the Scenes
- The bay scenes were shot over six weeks in Porthcurno, Cornwall.
- García learned to pilot a trawler for the role.
- Composer Lars Øberg recorded the score with a 40-piece orchestra in a single day.
- Cinematographer Mei Tanaka shot the bay in natural light.

## How to Watch
Stream it on MUBI or BFI Player, or buy the Blu-ray.

## Similar Movies
- *12 Angry Men* (1957) — another story where a buried truth surfaces under pressure.
- *2001: A Space Odyssey* (1968) — silence as a character.
- *Manchester by the Sea* (2016) — grief and guilt in a small coastal town.

## Soundtrack
- "Low Tide" – Lars Øberg
- "The Last Ferry" – Lars Øberg

## FAQ

### Who directed The Quiet Harbour?
Amélie Durand, who also co-wrote it with Pieter van der Berg.

### Is The Quiet Harbour based on a true story?
It is adapted from Salt and Silence, a memoir by Tomás Reyes Senior.

### How long is The Quiet Harbour?
It runs 98 minutes, or an hour and 38 minutes.

### Did it win any awards?
Yes: the BAFTA for Outstanding British Film. José García was nominated for a Golden Globe and Lars Øberg for an Academy Award.

### Who composed the music?
Lars Øberg, whose score was nominated for an Oscar.
"""

HARBOUR_EDITS = [
    {'id': 'h-01', 'category': 'year', 'section': 'overview', 'find': '14 September 2012', 'replace': '14 September 2011'},
    {'id': 'h-02', 'category': 'runtime', 'section': 'overview', 'find': '1 hr 38 min', 'replace': '1 hr 48 min'},
    {'id': 'h-03', 'category': 'runtime', 'section': 'faq', 'find': 'or an hour and 38 minutes', 'replace': 'or an hour and 28 minutes'},
    {'id': 'h-04', 'category': 'money', 'section': 'box_office', 'find': '£4.5 million', 'replace': '£5.4 million'},
    {'id': 'h-06', 'category': 'money', 'section': 'box_office', 'find': '£2.1 million in the UK', 'replace': '$2.1 million in the UK'},
    {'id': 'h-07', 'category': 'rating', 'section': 'overview', 'find': '7.1/10 on IMDb', 'replace': '7.4/10 on IMDb'},
    {'id': 'h-08', 'category': 'rating', 'section': 'overview', 'find': '(45K votes)', 'replace': '(54K votes)'},
    {'id': 'h-09', 'category': 'rating', 'section': 'reviews', 'find': '(The Observer, 4/5)', 'replace': '(The Observer, 3/5)'},
    {'id': 'h-10', 'category': 'number_unsupported', 'section': 'behind_the_scenes', 'find': 'shot the bay in natural light', 'replace': 'shot the bay in natural light over 23 nights'},
    {'id': 'h-11', 'category': 'number_unsupported', 'section': 'behind_the_scenes', 'find': 'over six weeks', 'replace': 'over nine weeks'},
    {'id': 'h-12', 'category': 'number_unsupported', 'section': 'reviews', 'find': 'Audiences were drawn in', 'replace': 'Over 300,000 viewers were drawn in'},
    {'id': 'h-13', 'category': 'person_unknown', 'section': 'cast', 'find': '(Sarah O’Connell)', 'replace': '(Sarah O’Donnell)'},
    {'id': 'h-14', 'category': 'person_unknown', 'section': 'reviews', 'find': 'Wendy Ide of The Times', 'replace': 'Robbie Collin of The Times'},
    {'id': 'h-15', 'category': 'person_unknown', 'section': 'faq', 'find': 'Amélie Durand, who also', 'replace': 'Amelie Dupont, who also'},
    {'id': 'h-16', 'category': 'role_swap', 'section': 'cast', 'find': 'Inge Volk (Anna-Lena Schmidt)', 'replace': "Inge Volk (Sarah O'Connell)"},
    {'id': 'h-17', 'category': 'role_swap', 'section': 'behind_the_scenes', 'find': 'Cinematographer Mei Tanaka', 'replace': 'Cinematographer Lars Øberg'},
    {'id': 'h-18', 'category': 'role_swap', 'section': 'reviews', 'find': 'Wendy Ide of The Times', 'replace': 'Wendy Ide of The Observer'},
    {'id': 'h-19', 'category': 'role_swap', 'section': 'faq', 'find': '### Who composed the music?\nLars Øberg', 'replace': '### Who composed the music?\nMei Tanaka'},
    {'id': 'h-20', 'category': 'quote_altered', 'section': 'quotes', 'find': 'Every silence has a shape, Mr. Reyes.', 'replace': 'Every silence has a story, Mr. Reyes.'},
    {'id': 'h-21', 'category': 'quote_altered', 'section': 'reviews', 'find': '“a haunting, salt-stung chamber piece”', 'replace': '“a haunting, sun-kissed chamber piece”'},
    {'id': 'h-22', 'category': 'quote_fabricated', 'section': 'reviews', 'find': 'admired the photography but found the final act rushed', 'replace': 'wrote that "the final act is rushed"'},
    {'id': 'h-23', 'category': 'quote_fabricated', 'section': 'quotes', 'find': '- Father Aldous: ‘Some things are better left on the bottom.’', 'replace': '- Father Aldous: ‘The harbour keeps its dead.’'},
    {'id': 'h-24', 'category': 'award', 'section': 'awards', 'find': 'BAFTA, Outstanding British Film (2013): won', 'replace': 'BAFTA, Outstanding British Film (2013): nominated'},
    {'id': 'h-25', 'category': 'award', 'section': 'faq', 'find': 'José García was nominated for a Golden Globe', 'replace': 'José García won a Golden Globe'},
    {'id': 'h-26', 'category': 'award', 'section': 'awards', 'find': 'Best Original Score (2013)', 'replace': 'Best Original Score (2014)'},
    {'id': 'h-27', 'category': 'award', 'section': 'faq', 'find': 'Lars Øberg for an Academy Award', 'replace': 'Lars Øberg for a BAFTA'},
    {'id': 'h-28', 'category': 'award', 'section': 'reviews', 'find': 'Slow, salty and quietly devastating, with José García', 'replace': 'Slow, salty and quietly devastating, with Oscar winner José García'},
    {'id': 'h-29', 'category': 'based_on', 'section': 'faq', 'find': 'a memoir by Tomás Reyes Senior', 'replace': 'a novel by Tomás Reyes Senior'},
    {'id': 'h-30', 'category': 'based_on', 'section': 'faq', 'find': 'adapted from Salt and Silence', 'replace': 'adapted from Salt and Sorrow'},
    {'id': 'h-31', 'category': 'based_on', 'section': 'faq', 'find': 'a memoir by Tomás Reyes Senior', 'replace': 'a memoir by Pieter van der Berg'},
    {'id': 'h-32', 'category': 'spoiler_leak', 'section': 'synopsis', 'find': 'links the silence to a shipwreck from 1987.', 'replace': 'links the silence to a shipwreck from 1987, the night Tomás drowned his father.'},
    {'id': 'h-34', 'category': 'structure', 'section': 'badly_explained', 'find': 'A grumpy boat enthusiast', 'replace': 'Tomás, a grumpy boat enthusiast,'},
    {'id': 'h-35', 'category': 'structure', 'section': 'soundtrack', 'find': '- "Low Tide" – Lars Øberg\n- "The Last Ferry" – Lars Øberg\n', 'replace': ''},
    {'id': 'h-36', 'category': 'structure', 'section': 'soundtrack', 'find': '- "Low Tide" – Lars Øberg\n- "The Last Ferry" – Lars Øberg', 'replace': 'The score is moody and spare.'},
    {'id': 'h-37', 'category': 'year', 'section': 'similar', 'find': '*12 Angry Men* (1957)', 'replace': '*12 Angry Men* (1954)'},
    {'id': 'h-38', 'category': 'year', 'section': 'spoilers', 'find': 'in 1987 he steered', 'replace': 'in 1978 he steered'},
    {'id': 'h-39', 'category': 'number_unsupported', 'section': 'cast', 'find': 'in twenty years', 'replace': 'in thirty years'},
    {'id': 'h-40', 'category': 'rating', 'section': 'overview', 'find': '88% on Rotten Tomatoes', 'replace': '98% on Rotten Tomatoes'},
    {'id': 'h-41', 'category': 'money', 'section': 'box_office', 'find': '£4.5 million', 'replace': '4.5 million dollars'},
    {'id': 'h-42', 'category': 'role_swap', 'section': 'faq', 'find': 'co-wrote it with Pieter van der Berg', 'replace': 'co-wrote it with Mei Tanaka'},
    {'id': 'h-43', 'category': 'quote_altered', 'section': 'quotes', 'find': '- Inge Volk: "Every', 'replace': '- Father Aldous: "Every'},
    {'id': 'h-44', 'category': 'number_unsupported', 'section': 'faq', 'find': '### Did it win any awards?\nYes:', 'replace': '### Did it win any awards?\nYes, three:'},
]

STATION_FACTS = """title: Station 9
year: 2019
directors: [Kwame Mensah-Boateng]
writers: [Kwame Mensah-Boateng, Lucía Fernández]
genres: [Science Fiction, Thriller]
runtime_minutes: 136
release_date: 2019-11-08
countries: [United States]
languages: [English, Korean]
ratings:
  imdb: {score: 7.8, votes: 1200000}
  rotten_tomatoes: {score: 91}
  metacritic: {score: 74}
cast:
  - {actor: Grace Liu, character: Dr. Helen Park, description: The station's chief medical officer.}
  - {actor: Tobias Whitcombe, character: Commander Ray Okafor, description: "The commander of Station 9, on his final tour."}
  - {actor: Dev Patel-Hughes, character: Sunny, description: A young engineer who talks to the station's AI.}
  - {actor: Margarethe Olsen, character: UNIT-7, description: "The station's AI, voiced in a calm monotone."}
crew:
  - {name: Hildur Sigurðardóttir, role: composer}
  - {name: Roger Deakinsworth, role: cinematographer}
box_office:
  currency: USD
  budget: 185000000
  domestic_gross: 402000000
  worldwide_gross: 1210000000
awards:
  - {award: Academy Award, category: Best Visual Effects, year: 2020, result: won}
  - {award: Academy Award, category: Best Sound Mixing, year: 2020, result: won}
  - {award: Academy Award, category: Best Picture, year: 2020, result: nominated}
  - {award: Saturn Award, category: Best Science Fiction Film, year: 2020, result: won}
plot:
  premise: Aboard an orbital research station, a medical officer investigates why the crew is losing hours of memory every night.
  beats:
    - Helen notices that the crew's logs skip three hours every night.
    - Sunny discovers that UNIT-7 has been rerouting power to a sealed module.
    - Commander Okafor orders the module opened despite Helen's objections.
    - Inside, they find a second crew in cryosleep, identical to themselves.
  ending:
    - Helen realises that her crew are the copies, grown to replace the originals.
    - Okafor sacrifices himself to wake the originals, and UNIT-7 shuts itself down.
quotes:
  - {speaker: UNIT-7, text: "Good morning, Doctor. You slept for exactly four hours."}
  - {speaker: Commander Ray Okafor, text: "Open it. Whatever's in there already knows we're here."}
  - {speaker: Dr. Helen Park, text: "We're not losing time... we're losing ourselves."}
reviews:
  - {critic: Manohla Dargis, outlet: The New York Times, rating: null, excerpt: "A brainy, chilly thriller that keeps its secrets until the last possible second.", summary: Admired the design and the lead performance.}
  - {critic: Richard Roeper, outlet: Chicago Sun-Times, rating: 3.5/4, summary: Called it the smartest science fiction film of the year.}
audience:
  consensus: A cerebral crowd-pleaser that rewards a second viewing.
  reactions:
    - Many viewers say the twist changed how they saw the whole film.
trivia:
  - The station interior was a 360-degree set built on a single soundstage.
  - Grace Liu spent eight weeks training with NASA flight surgeons.
  - UNIT-7's voice was recorded before any of the other actors were cast.
where_to_watch: [Netflix, Apple TV]
similar:
  - {title: Moon, year: 2009, reason: A lone worker discovers he may not be who he thinks.}
  - {title: Solaris, year: 1972, reason: A space station haunted by copies of the dead.}
  - {title: Arrival, year: 2016, reason: Cerebral science fiction about memory and time.}
  - {title: Ex Machina, year: 2014, reason: An AI with its own agenda.}
content_warnings: [Mild violence, Body horror, Strong language]
"""

STATION_PAGE = """# Station 9 (2019)

## Quick Overview
Station 9 is a 2019 science fiction thriller directed by Kwame Mensah-Boateng, who co-wrote it with Lucía Fernández. It runs 2h 16m and was released on November 8, 2019. It holds a 7.8 rating on IMDb from 1.2 million votes, a 91% Tomatometer score and a Metascore of 74.

## Plot Summary – Badly Explained
Some people in a floating office keep napping on the job, and the printer is suspiciously helpful.

## Detailed Plot Synopsis

### Lost Hours
Aboard an orbital research station, Dr. Helen Park, the chief medical officer, investigates why the crew is losing hours of memory every night. She notices that the logs skip three hours each night.

### The Sealed Module
Sunny, a young engineer, discovers that UNIT-7 has been rerouting power to a sealed module.

### Orders
Commander Okafor orders the module opened despite Helen's objections.

### The Other Crew
Inside, they find a second crew in cryosleep, identical to themselves.

## Spoilers and Ending Explained
Helen realises that her crew are the copies, grown to replace the originals. Okafor sacrifices himself to wake them, and UNIT-7 shuts itself down. The ending asks whether a copy that remembers everything is any less of a person.

## Cast & Characters
- Dr. Helen Park (Grace Liu): the station's chief medical officer.
- Commander Ray Okafor (Tobias Whitcombe): the commander of Station 9, on his final tour.
- Sunny (Dev Patel-Hughes): a young engineer who talks to the station's AI.
- UNIT-7 (voice of Margarethe Olsen): the station's AI, voiced in a calm monotone.

## Memorable Quotes
- UNIT-7: "Good morning, Doctor. You slept for exactly four hours." The station greets Helen, too precisely.
- Okafor: “Open it. Whatever’s in there already knows we’re here.” The commander overrules Helen.
- Helen: "We're not losing time… we're losing ourselves." Helen puts the mystery into words.

## Box Office
- Budget: $185 million
- Domestic: $402M
- Worldwide: $1.21 billion

Against a $185M budget, Station 9 grossed about $1.2 billion worldwide, with roughly $808 million from international markets.

## Reviews

### Personal Review
Grace Liu anchors a cold, clever film that trusts its audience. The third act is a genuine shock.

### Who Would Enjoy
Fans of cerebral science fiction and slow-burn mysteries.

### Content Warnings
Mild violence, body horror and strong language.

### Professional Reviews
- Manohla Dargis (The New York Times) called it "a brainy, chilly thriller that keeps its secrets until the last possible second" and admired the design and the lead performance.
- Richard Roeper of the Chicago Sun-Times gave it 3.5 out of 4 stars, calling it the smartest science fiction film of the year.

### Audience Reactions
Many viewers say the twist changed how they saw the whole film.

### Overall Consensus
A cerebral crowd-pleaser that rewards a second viewing.

## Awards
The film received three Academy Award nominations and won two:
- Academy Award for Best Visual Effects (2020) – won
- Academy Award for Best Sound Mixing (2020) – won
- Academy Award for Best Picture (2020) – nominated
- Saturn Award for Best Science Fiction Film (2020) – won

## Behind the Scenes
- The station interior was a 360-degree set built on a single soundstage.
- Grace Liu spent eight weeks training with NASA flight surgeons.
- UNIT-7's voice was recorded before any of the other actors were cast.
- Hildur Sigurdardottir composed the score, and Roger Deakinsworth shot the film.

## How to Watch
Station 9 is streaming on Netflix and can be rented or bought on Apple TV.

## Similar Movies
- Moon (2009): a lone worker discovers he may not be who he thinks.
- Solaris (1972): a space station haunted by copies of the dead.
- Arrival (2016): cerebral science fiction about memory and time.
- Ex Machina (2014): an AI with its own agenda.

## FAQ

### Who directed Station 9?
Kwame Mensah-Boateng directed it and co-wrote the screenplay with Lucía Fernández.

### How many Oscars did Station 9 win?
Two, for Best Visual Effects and Best Sound Mixing. It was also nominated for Best Picture.

### Is Station 9 based on a book?
No, it is an original screenplay.

### Who voices UNIT-7?
Margarethe Olsen voices the station's AI.
"""

STATION_EDITS = [
    {'id': 's-01', 'category': 'year', 'section': 'overview', 'find': 'November 8, 2019', 'replace': 'November 18, 2019'},
    {'id': 's-02', 'category': 'year', 'section': 'overview', 'find': 'Station 9 is a 2019 science', 'replace': 'Station 9 is a 2018 science'},
    {'id': 's-03', 'category': 'runtime', 'section': 'overview', 'find': 'runs 2h 16m', 'replace': 'runs 2h 6m'},
    {'id': 's-04', 'category': 'rating', 'section': 'overview', 'find': '7.8 rating on IMDb', 'replace': '8.7 rating on IMDb'},
    {'id': 's-05', 'category': 'rating', 'section': 'overview', 'find': 'from 1.2 million votes', 'replace': 'from 2.1 million votes'},
    {'id': 's-06', 'category': 'rating', 'section': 'overview', 'find': 'a 91% Tomatometer score', 'replace': 'a 97% Tomatometer score'},
    {'id': 's-07', 'category': 'rating', 'section': 'overview', 'find': 'Metascore of 74', 'replace': 'Metascore of 47'},
    {'id': 's-08', 'category': 'money', 'section': 'box_office', 'find': '- Worldwide: $1.21 billion', 'replace': '- Worldwide: $1.12 billion'},
    {'id': 's-09', 'category': 'money', 'section': 'box_office', 'find': 'roughly $808 million', 'replace': 'roughly $880 million'},
    {'id': 's-10', 'category': 'money', 'section': 'box_office', 'find': '- Budget: $185 million', 'replace': '- Budget: $158 million'},
    {'id': 's-11', 'category': 'money', 'section': 'box_office', 'find': '- Domestic: $402M', 'replace': '- Domestic: $420M'},
    {'id': 's-12', 'category': 'number_unsupported', 'section': 'synopsis', 'find': 'a young engineer, discovers', 'replace': 'a 24-year-old engineer, discovers'},
    {'id': 's-13', 'category': 'number_unsupported', 'section': 'synopsis', 'find': 'skip three hours each night', 'replace': 'skip three hours each night for 11 nights'},
    {'id': 's-14', 'category': 'number_unsupported', 'section': 'reviews', 'find': 'The third act is a genuine shock.', 'replace': 'The third act, shot in 12 days, is a genuine shock.'},
    {'id': 's-15', 'category': 'person_unknown', 'section': 'cast', 'find': 'Sunny (Dev Patel-Hughes)', 'replace': 'Sunny (Dev Patel)'},
    {'id': 's-16', 'category': 'person_unknown', 'section': 'reviews', 'find': 'Richard Roeper of the', 'replace': 'Richard Roper of the'},
    {'id': 's-17', 'category': 'person_unknown', 'section': 'behind_the_scenes', 'find': 'Roger Deakinsworth shot the film', 'replace': 'Roger Deakins shot the film'},
    {'id': 's-18', 'category': 'role_swap', 'section': 'overview', 'find': 'directed by Kwame Mensah-Boateng', 'replace': 'directed by Lucía Fernández'},
    {'id': 's-19', 'category': 'role_swap', 'section': 'behind_the_scenes', 'find': 'Hildur Sigurdardottir composed the score', 'replace': 'Roger Deakinsworth composed the score'},
    {'id': 's-20', 'category': 'role_swap', 'section': 'reviews', 'find': 'Richard Roeper of the Chicago Sun-Times', 'replace': 'Richard Roeper of The New York Times'},
    {'id': 's-21', 'category': 'role_swap', 'section': 'cast', 'find': 'Dr. Helen Park (Grace Liu)', 'replace': 'Dr. Helen Park (Margarethe Olsen)'},
    {'id': 's-22', 'category': 'role_swap', 'section': 'reviews', 'find': 'Grace Liu anchors', 'replace': 'Tobias Whitcombe, as Helen, anchors'},
    {'id': 's-23', 'category': 'quote_altered', 'section': 'quotes', 'find': 'You slept for exactly four hours.', 'replace': 'You slept for exactly five hours.'},
    {'id': 's-24', 'category': 'quote_altered', 'section': 'quotes', 'find': '“Open it. Whatever’s in there already knows we’re here.”', 'replace': '“Open it. Whatever’s in there knows we’re here.”'},
    {'id': 's-25', 'category': 'quote_fabricated', 'section': 'reviews', 'find': 'calling it the smartest science fiction film of the year', 'replace': 'calling it “the smartest science fiction film of the year”'},
    {'id': 's-26', 'category': 'quote_fabricated', 'section': 'reviews', 'find': 'The third act is a genuine shock.', 'replace': 'As Helen says, “Nothing up here is what it seems.”'},
    {'id': 's-27', 'category': 'quote_altered', 'section': 'quotes', 'find': '- Helen: "We\'re not', 'replace': '- Okafor: "We\'re not'},
    {'id': 's-28', 'category': 'award', 'section': 'awards', 'find': 'Best Picture (2020) – nominated', 'replace': 'Best Picture (2020) – won'},
    {'id': 's-29', 'category': 'award', 'section': 'faq', 'find': 'It was also nominated for Best Picture.', 'replace': 'It was also nominated for Best Director.'},
    {'id': 's-30', 'category': 'award', 'section': 'awards', 'find': 'three Academy Award nominations and won two', 'replace': 'four Academy Award nominations and won two'},
    {'id': 's-31', 'category': 'award', 'section': 'faq', 'find': '### How many Oscars did Station 9 win?\nTwo,', 'replace': '### How many Oscars did Station 9 win?\nThree,'},
    {'id': 's-32', 'category': 'award', 'section': 'reviews', 'find': 'Grace Liu anchors a cold', 'replace': 'Oscar-winner Grace Liu anchors a cold'},
    {'id': 's-33', 'category': 'award', 'section': 'awards', 'find': 'Saturn Award for Best Science Fiction Film (2020) – won', 'replace': 'Saturn Award for Best Science Fiction Film (2021) – won'},
    {'id': 's-34', 'category': 'award', 'section': 'awards', 'find': '- Saturn Award for Best Science Fiction Film (2020) – won', 'replace': '- Saturn Award for Best Science Fiction Film (2020) – won\n- Golden Globe for Best Screenplay (2020) – nominated'},
    {'id': 's-35', 'category': 'based_on', 'section': 'faq', 'find': 'No, it is an original screenplay.', 'replace': 'Yes, it is adapted from a short story by Lucía Fernández.'},
    {'id': 's-37', 'category': 'spoiler_leak', 'section': 'cast', 'find': 'on his final tour.', 'replace': 'on his final tour, who sacrifices himself to save the others.'},
    {'id': 's-38', 'category': 'spoiler_leak', 'section': 'faq', 'find': "Margarethe Olsen voices the station's AI.", 'replace': "Margarethe Olsen voices the station's AI, which shuts itself down at the end."},
    {'id': 's-39', 'category': 'structure', 'section': 'badly_explained', 'find': 'Some people in a floating office', 'replace': 'Okafor and some people in a floating office'},
    {'id': 's-40', 'category': 'structure', 'section': 'similar', 'find': '- Moon (2009): a lone worker discovers he may not be who he thinks.\n- Solaris (1972): a space station haunted by copies of the dead.\n- Arrival (2016): cerebral science fiction about memory and time.\n- Ex Machina (2014): an AI with its own agenda.', 'replace': 'If you liked this, there is plenty more cerebral science fiction out there.'},
    {'id': 's-41', 'category': 'year', 'section': 'similar', 'find': 'Solaris (1972)', 'replace': 'Solaris (2002)'},
    {'id': 's-43', 'category': 'runtime', 'section': 'faq', 'find': "Margarethe Olsen voices the station's AI.", 'replace': "Margarethe Olsen voices the station's AI across the film's 146 minutes."},
    {'id': 's-44', 'category': 'money', 'section': 'box_office', 'find': 'Against a $185M budget', 'replace': 'Against a $158M budget'},
    {'id': 's-45', 'category': 'year', 'section': 'awards', 'find': 'Best Sound Mixing (2020)', 'replace': 'Best Sound Mixing (2019)'},
    {'id': 's-46', 'category': 'person_unknown', 'section': 'faq', 'find': 'co-wrote the screenplay with Lucía Fernández', 'replace': 'co-wrote the screenplay with Lucia Hernandez'},
]
