"""Benchmark corpora made from the seeds: N distinct, realistic reports, the same for a seed.

Usage::

    .venv/bin/python bench/corpus.py 1000 --out build/bench/corpus-1000 [--seed 0] [--tag]
    .venv/bin/python bench/corpus.py 1 --long 10000 --out build/bench/long-10000

A report is made from one seed report (its headline, its lead and most of its paragraphs,
in order), topped up with paragraphs of the other seeds or cut down to a length drawn from
the seeds' own lengths. Then one or two of its armed groups or organisations are swapped
for gazetteer actors of the same type (every spelling, acronyms too, headline included),
its dateline town for another seed's or a region's (in the text too), and it gets a new
dateline form, outlet and publication date, and is written as txt, md or json the way the
seeds are. ``--long`` writes one report of that many paragraphs instead (the seeds'
paragraphs in a shuffled cycle, each with its own actor swap).

The same ``--seed`` always gives the same files. Printed for the seeds and the new
corpus: words per report and *names* per 1,000 tokens, the model-free estimate of mention
density (runs of capitalised words: actors, places, persons, months and weekdays, which
is what the workbench tags); ``--tag`` also runs the workbench (loads the model) and
prints its mentions per 1,000 spaCy tokens for both.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import statistics
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from workbench.config import DATA_DIR, SEEDS_DIR
from workbench.lexicon.gazetteer import load_gazetteer
from workbench.read.reports import read_reports

#: Actor types that are swapped (states and officials keep their names: "Military Forces
#: of Chad" in a sentence about Iraqi troops reads wrong, an armed group swapped reads fine).
SWAPPED_TYPES = (
    "rebel_group",
    "political_militia",
    "identity_militia",
    "international_org",
    "coalition_or_foreign_force",
)
#: Share of each written format (txt and md with front matter, json as a list of objects).
FORMATS = {"txt": 0.5, "md": 0.3, "json": 0.2}
#: Spread of report length around a seed's (log-normal sigma; the mean stays the seeds').
LENGTH_SIGMA = 0.25
#: First and last publication date.
DATES = (date(2014, 1, 1), date(2025, 6, 30))
_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")
_CAPITAL = re.compile(r"[A-Z]")
_SENTENCE_END = {".", "!", "?", ":", "—", "-", '"', "“", "”"}
_REGION_WORD = re.compile(r"\b(?:Governorate|Province|Region|State|District|Oblast|County)\b")


# -- what the seeds give -------------------------------------------------------------------


@cache
def seed_reports(folder: Path = SEEDS_DIR) -> list[dict]:
    """Each seed report as ``{title, town, outlet, lead, paragraphs, words}``: its lead
    paragraph without the dateline, the town its dateline names (``""`` if none). Read
    once per folder (callers must not change what it returns)."""
    reports, _ = read_reports(folder)
    out = []
    for r in reports.itertuples():
        paragraphs = [p.strip() for p in r.body.split("\n\n") if p.strip()]
        end = int(r.dateline_end) if r.dateline_end == r.dateline_end else 0
        lead = paragraphs[0]
        if 0 < end < len(lead):
            lead = r.body[end:].split("\n\n")[0].strip()
        place = r.dateline_place if isinstance(r.dateline_place, str) else ""
        town = place.split(",")[0].strip()
        title = r.title if isinstance(r.title, str) and r.title else paragraphs[0][:80]
        out.append(
            {
                "title": title,
                "town": town.title() if town.isupper() else town,
                "outlet": r.source_outlet if isinstance(r.source_outlet, str) else "Wire Desk",
                "lead": lead,
                "paragraphs": paragraphs[1:],
                "words": len(f"{title} {r.body}".split()),
            }
        )
    return out


def towns(seeds: list[dict]) -> list[tuple[str, str]]:
    """``(town, country)`` pairs for new datelines: the seeds' dateline towns and the
    one-word names of the regions in ``workbench/data/regions.csv`` (their main towns),
    with a country only where it is as short as wire datelines write it."""
    out = {(s["town"], "") for s in seeds if s["town"]}
    with open(DATA_DIR / "regions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            country = row.get("country", "")
            if len(country.split()) > 2:  # "GOMA, Congo": wire datelines keep it short
                country = ""
            for name in row.get("alternates", "").split("|"):
                if name.isascii() and name.isalpha() and name[:1].isupper():
                    if not _REGION_WORD.search(name):
                        out.add((name, country))
                        break
    return sorted(out)


class ActorSwapper:
    """Find the gazetteer actors a text names and swap some for others of the same type.
    Build it once (:func:`swapper`): it compiles a pattern of every spelling."""

    def __init__(self) -> None:
        gazetteer = load_gazetteer()
        self.rows = {r.actor_id: r for r in gazetteer.itertuples()}
        self.of_spelling: dict[str, tuple[str, bool]] = {}  # spelling -> (actor, acronym?)
        for r in gazetteer.itertuples():
            for name in (r.canonical, *r.aliases):
                self.of_spelling.setdefault(name, (r.actor_id, False))
            for name in r.case_sensitive_aliases:
                self.of_spelling.setdefault(name, (r.actor_id, True))
        spellings = sorted(self.of_spelling, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<![\w-])(?:" + "|".join(map(re.escape, spellings)) + r")(?![\w-])"
        )
        self.by_type: dict[str, list[str]] = {}
        for r in gazetteer.itertuples():
            if r.actor_type in SWAPPED_TYPES:
                self.by_type.setdefault(r.actor_type, []).append(r.actor_id)

    def named(self, text: str) -> list[str]:
        """The swappable actors ``text`` names, in order of first mention."""
        found = (self.of_spelling[m.group()][0] for m in self.pattern.finditer(text))
        return [a for a in dict.fromkeys(found) if self.rows[a].actor_type in SWAPPED_TYPES]

    def mapping(self, texts: list[str], rng: random.Random, *, most: int = 2) -> dict:
        """``actor -> replacement`` for up to ``most`` of the actors ``texts`` name."""
        named = self.named("\n".join(texts))
        chosen = rng.sample(named, min(len(named), rng.randint(1, most))) if named else []
        out = {}
        for actor in chosen:
            others = [a for a in self.by_type[self.rows[actor].actor_type] if a not in named]
            if others:
                out[actor] = rng.choice(others)
        return out

    def apply(self, text: str, mapping: dict[str, str]) -> str:
        """``text`` with every spelling of a mapped actor replaced: long names by the new
        actor's name, acronyms by its acronym (or name, if it has none)."""
        if not mapping:
            return text

        def swap(m: re.Match) -> str:
            actor, acronym = self.of_spelling[m.group()]
            new = mapping.get(actor)
            if new is None:
                return m.group()
            row = self.rows[new]
            if acronym and row.case_sensitive_aliases:
                return row.case_sensitive_aliases[0]
            return row.canonical

        return self.pattern.sub(swap, text)


@cache
def swapper() -> ActorSwapper:
    """The one :class:`ActorSwapper`."""
    return ActorSwapper()


# -- making reports ---------------------------------------------------------------------------


def generate(n: int, *, seed: int = 0, folder: Path = SEEDS_DIR) -> list[dict]:
    """``n`` distinct reports as ``{name, format, title, published, source, url, body}``.

    Examples
    --------
    >>> a, b = generate(3, seed=7), generate(3, seed=7)
    >>> a == b, len({r["body"] for r in a})
    (True, 3)
    """
    rng = random.Random(seed)
    seeds = seed_reports(folder)
    places = towns(seeds)
    swap = swapper()
    lengths = [s["words"] for s in seeds]
    formats, weights = list(FORMATS), list(FORMATS.values())
    out, seen = [], set()
    while len(out) < n:
        theme = rng.choice(seeds)
        target = rng.choice(lengths) * rng.lognormvariate(-(LENGTH_SIGMA**2) / 2, LENGTH_SIGMA)
        paragraphs = _fit(theme, seeds, target, rng)
        mapping = swap.mapping([theme["title"], theme["lead"], *paragraphs], rng)
        town, country = rng.choice(places)
        published = DATES[0] + timedelta(days=rng.randrange((DATES[1] - DATES[0]).days))
        outlet = rng.choice(sorted({s["outlet"] for s in seeds}))

        def vary(text: str, theme=theme, town=town, mapping=mapping) -> str:
            text = swap.apply(text, mapping)
            if theme["town"]:
                text = re.sub(rf"(?<![\w-]){re.escape(theme['town'])}(?![\w-])", town, text)
            return text

        title = vary(theme["title"])
        dateline = _dateline(town, country, outlet, published, rng)
        body = "\n\n".join([dateline + vary(theme["lead"]), *map(vary, paragraphs)])
        key = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
        if key in seen:
            continue
        seen.add(key)
        i = len(out)
        out.append(
            {
                "name": f"{i:05d}_{key[:10]}",
                "format": rng.choices(formats, weights)[0],
                "title": title,
                "published": published.isoformat(),
                "source": outlet,
                "url": f"https://bench.invalid/{seed}/{i}",
                "body": body,
            }
        )
    return out


def long_report(paragraphs: int, *, seed: int = 0, folder: Path = SEEDS_DIR) -> dict:
    """One report of ``paragraphs`` paragraphs (plus its lead), as :func:`generate` makes
    them: the seeds' paragraphs in a shuffled cycle, each with an actor swap of its own."""
    rng = random.Random(seed)
    seeds = seed_reports(folder)
    swap = swapper()
    pool = [p for s in seeds for p in s["paragraphs"]]
    theme = rng.choice(seeds)
    town, country = rng.choice(towns(seeds))
    published = DATES[0] + timedelta(days=rng.randrange((DATES[1] - DATES[0]).days))
    body = [_dateline(town, country, theme["outlet"], published, rng) + theme["lead"]]
    order: list[str] = []
    while len(body) <= paragraphs:
        if not order:
            order = rng.sample(pool, len(pool))
        text = order.pop()
        body.append(swap.apply(text, swap.mapping([text], rng, most=1)))
    return {
        "name": f"long_{paragraphs}",
        "format": "txt",
        "title": theme["title"],
        "published": published.isoformat(),
        "source": theme["outlet"],
        "url": f"https://bench.invalid/{seed}/long-{paragraphs}",
        "body": "\n\n".join(body),
    }


def _fit(theme: dict, seeds: list[dict], target: float, rng: random.Random) -> list[str]:
    """The theme's paragraphs, topped up with others' or cut, to about ``target`` words."""
    paragraphs = list(theme["paragraphs"])
    others = [p for s in seeds if s is not theme for p in s["paragraphs"]]

    def words() -> int:
        return len(f"{theme['title']} {theme['lead']} {' '.join(paragraphs)}".split())

    while words() < target - 20:
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(others))
    while words() > target + 20 and len(paragraphs) > 1:
        paragraphs.pop(rng.randrange(len(paragraphs)))
    return paragraphs


def _dateline(town: str, country: str, outlet: str, day: date, rng: random.Random) -> str:
    """A dateline in one of the seeds' forms (``GOMA, Congo (Wire Desk) - ``, ...)."""
    place = town.upper()
    forms = [f"{place} ({outlet}) - ", f"{place}, {day:%B} {day.day} ({outlet}) - "]
    if country:
        forms += [f"{place}, {country} ({outlet}) - ", f"{place}, {country} — "]
    return rng.choice(forms)


def write(reports: list[dict], into: Path) -> Path:
    """Write ``reports`` into folder ``into`` as the seeds are written; returns ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    for r in reports:
        meta = {"title": r["title"], "date": r["published"], "source": r["source"]}
        if r["format"] == "json":
            record = {**meta, "url": r["url"], "body": r["body"]}
            text = json.dumps([record], ensure_ascii=False, indent=2) + "\n"
        else:
            head = "# " if r["format"] == "md" else ""
            front = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
            text = f'---\n{front}url: "{r["url"]}"\n---\n{head}{r["title"]}\n\n{r["body"]}\n'
        (into / f"{r['name']}.{r['format']}").write_text(text, encoding="utf-8")
    return into


# -- measuring --------------------------------------------------------------------------------


def names(text: str) -> int:
    """Runs of capitalised words in ``text``, not counting a sentence's first word alone:
    the model-free estimate of its mentions (actors, places, persons, months, weekdays).

    Examples
    --------
    >>> names("The Syrian Democratic Forces took Raqqa on Monday. They left.")
    3
    """
    count, run, run_opens, opens = 0, 0, False, True
    for token in [*_TOKEN.findall(text), "."]:  # a final stop ends the last run
        if _CAPITAL.match(token):
            run_opens = opens if run == 0 else run_opens
            run += 1
        else:
            count += run > 1 or (run == 1 and not run_opens)
            run = 0
        opens = token in _SENTENCE_END
    return count


def stats(texts: list[str]) -> dict[str, float]:
    """``{reports, words_per_report, tokens, names_per_1k_tokens}`` of ``texts``."""
    tokens = sum(len(_TOKEN.findall(t)) for t in texts)
    return {
        "reports": len(texts),
        "words_per_report": statistics.mean(len(t.split()) for t in texts),
        "tokens": tokens,
        "names_per_1k_tokens": 1000 * sum(names(t) for t in texts) / tokens,
    }


def report_texts(folder: Path) -> list[str]:
    """Headline and body of every report in ``folder``, as the reader reads them."""
    reports, _ = read_reports(folder)
    return [f"{t or ''}\n\n{b}" for t, b in zip(reports.title, reports.body, strict=True)]


def mention_density(folder: Path, nlp) -> float:
    """The workbench's mentions per 1,000 spaCy tokens over the reports in ``folder``."""
    from workbench.nlp.tagging import tag_reports

    reports, _ = read_reports(folder)
    texts = [f"{t or ''}\n\n{b}" for t, b in zip(reports.title, reports.body, strict=True)]
    tokens = sum(len(d) for d in nlp.tokenizer.pipe(texts))
    return 1000 * len(tag_reports(reports, nlp=nlp)) / tokens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="how many reports")
    ap.add_argument("--out", type=Path, required=True, help="folder to write them into")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--long", type=int, metavar="PARAGRAPHS", help="one report this long")
    ap.add_argument("--tag", action="store_true", help="also tag both (loads the model)")
    args = ap.parse_args()
    made = (
        [long_report(args.long, seed=args.seed)] if args.long else generate(args.n, seed=args.seed)
    )
    write(made, args.out)
    rows = {"seeds": stats(report_texts(SEEDS_DIR)), str(args.out): stats(report_texts(args.out))}
    if args.tag:
        from workbench.nlp.pipeline import load_pipeline

        nlp = load_pipeline()
        for name, folder in (("seeds", SEEDS_DIR), (str(args.out), args.out)):
            rows[name]["mentions_per_1k_tokens"] = mention_density(folder, nlp)
    for name, row in rows.items():
        print(f"{name}: " + ", ".join(f"{k} {v:,.1f}" for k, v in row.items()))


if __name__ == "__main__":
    main()
