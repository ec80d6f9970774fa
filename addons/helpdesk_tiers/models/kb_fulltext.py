# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PostgreSQL full-text search behind ``helpdesk.kb.article`` (not a model).

Schema: one text-search configuration per language that strips accents before
stemming, a generated ``search_vector`` column that PostgreSQL recomputes on every
INSERT/UPDATE (title A, symptoms B, keywords C, body D) with a GIN index on it, and
a vocabulary of the words the articles use (trigram-indexed) to correct typos.

Queries: the words of the query are corrected against the vocabulary when unknown,
stemmed in each language, and OR-ed into one tsquery per language (the last word as
a prefix while the user types), plus the glossary's technical terms. The GIN index
picks the candidates with the words few articles contain (ANALYZE's statistics say
which are common), or pairs of common words; ``ts_rank`` ranks them with every word;
snippets are computed for the returned rows only."""

import itertools
import logging
import re
import time
from dataclasses import dataclass, field

import psycopg2
from markupsafe import Markup, escape

from odoo.exceptions import UserError
from odoo.modules import db as odoo_db
from odoo.modules.registry import _unaccent
from odoo.tools import SQL, remove_accents

_logger = logging.getLogger(__name__)

ARTICLE_TABLE = "helpdesk_kb_article"
WORD_TABLE = "helpdesk_kb_word"
VECTOR_COLUMN = "search_vector"
# Language of an article -> (our configuration, PostgreSQL's, its stemmer).
CONFIGURATIONS = {
    "fr": ("helpdesk_kb_fr", "french", "french_stem"),
    "en": ("helpdesk_kb_en", "english", "english_stem"),
}
# Lexemes never searched for: PostgreSQL's French stop list lacks "les" (stemmed
# "le"), which would otherwise match nearly every French article.
QUERY_STOP_LEXEMES = {"fr": {"le"}, "en": set()}
# Words as written, accents stripped, nothing removed: the typo vocabulary.
SIMPLE_CONFIGURATION = ("helpdesk_kb_simple", "simple", "simple")
# ts_rank weights for D (body), C (keywords), B (symptoms), A (title).
RANK_WEIGHTS = [0.1, 0.3, 0.6, 1.0]
# ts_rank normalization 1: divide by 1 + log(document length), so long bodies do not
# win on word count alone.
RANK_NORMALIZATION = 1
# A lexeme in more articles than this is common: it ranks, but does not pick the
# candidates (that would rank a large part of the table for every query).
COMMON_LEXEME_ROWS = 300
# Two common groups pick candidates together when, were they independent, at most
# this many articles would have both (words that go together make it more).
PAIR_ROWS = 100
STATS_TTL_SECONDS = 60
# Common groups paired two by two to pick candidates: at most this many (15 pairs).
MAX_PAIRED_GROUPS = 6
# Words this close in the query (stop words between them) may form an expression:
# "mise à jour", "lecteur de code barre".
MAX_EXPRESSION_GAP = 3
# Typo correction: only words this long, only to words this similar (pg_trgm).
MIN_CORRECTED_LENGTH = 4
MIN_SIMILARITY = 0.45
MIN_PREFIX_LENGTH = 3
# Snippets come from the start of the symptoms and solution (ts_headline's cost
# grows with the text).
SNIPPET_SOURCE_LENGTH = 4000
# Snippet markers, replaced by <mark> once the text is escaped.
_START, _STOP = "\x02", "\x03"
_HEADLINE_OPTIONS = (
    f"StartSel={_START}, StopSel={_STOP}, MaxWords=28, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_WHITESPACE_RE = re.compile(r"\s+")
# pg_trgm's "similar" operator, served by the trigram index: a literal %, which
# named SQL() arguments do not allow.
_SIMILAR = SQL("v.word %% w.word")


def _plain_text_sql(column):
    """SQL text of an HTML column without tags and entities (immutable, so usable in
    a generated column)."""
    return SQL(
        "regexp_replace(regexp_replace(coalesce(%s, ''), '<[^>]*>', ' ', 'g'), "
        "'&[#a-zA-Z0-9]+;', ' ', 'g')",
        column,
    )


def _configuration_sql(lang_column):
    """The regconfig of an article's language (French unless English)."""
    return SQL(
        "CASE %s WHEN 'en' THEN %s::regconfig ELSE %s::regconfig END",
        lang_column,
        CONFIGURATIONS["en"][0],
        CONFIGURATIONS["fr"][0],
    )


def _vector_sql():
    configuration = _configuration_sql(SQL.identifier("lang"))
    parts = [
        SQL(
            "setweight(to_tsvector(%s, coalesce(%s, '')), %s)",
            configuration,
            SQL.identifier(column),
            weight,
        )
        for column, weight in (("name", "A"), ("symptoms", "B"), ("keywords", "C"))
    ]
    parts.append(
        SQL(
            "setweight(to_tsvector(%s, %s), 'D')",
            configuration,
            _plain_text_sql(SQL.identifier("body")),
        )
    )
    return SQL(" || ").join(parts)


# ----------------------------------------------------------------------------------
# Schema
# ----------------------------------------------------------------------------------


def ensure_extensions(env):
    """Create ``unaccent`` and ``pg_trgm`` the way Odoo does for a database created
    with ``--unaccent`` (odoo/service/db.py), then tell the registry, so that Odoo's
    own ``ilike`` and trigram indexes use ``unaccent`` consistently from now on."""
    cr = env.cr
    before = odoo_db.has_unaccent(cr)
    for extension in ("pg_trgm", "unaccent"):
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL("CREATE EXTENSION IF NOT EXISTS %s", SQL.identifier(extension))
                )
        except psycopg2.Error as error:
            raise UserError(
                env._(
                    "The knowledge base needs the PostgreSQL extension %(extension)s, "
                    "which the database role of Odoo may not create (%(error)s). Ask "
                    "the database administrator to run CREATE EXTENSION %(extension)s "
                    "in this database, then update the module again.",
                    extension=extension,
                    error=error.pgerror or error,
                )
            ) from error
    if before != odoo_db.FunctionStatus.INDEXABLE:
        try:
            with cr.savepoint(flush=False):
                # As Odoo does: unaccent's rules never change during the life of a
                # database, so indexes on it are safe.
                cr.execute("ALTER FUNCTION unaccent(text) IMMUTABLE")
        except psycopg2.Error as error:  # the function may belong to another role
            _logger.warning(
                "unaccent(text) could not be made IMMUTABLE (%s); Odoo's trigram "
                "indexes will not serve accent-insensitive searches.",
                error,
            )
    registry = env.registry
    after = odoo_db.has_unaccent(cr)
    registry.has_trigram = odoo_db.has_trigram(cr)
    if after == registry.has_unaccent:
        return
    registry.has_unaccent = after
    registry.unaccent = _unaccent
    registry.unaccent_python = remove_accents
    if after == odoo_db.FunctionStatus.INDEXABLE:
        _rebuild_trigram_indexes(env)


def _rebuild_trigram_indexes(env):
    """Odoo's trigram indexes made before ``unaccent`` existed index the bare
    column, which ``ilike`` no longer compares: make them again on unaccent()."""
    cr = env.cr
    cr.execute(
        r"""
        SELECT indexname, tablename FROM pg_indexes
         WHERE schemaname = current_schema() AND indexname LIKE '%\_\_%\_index'
           AND indexdef LIKE '%gin_trgm_ops%' AND indexdef NOT LIKE '%unaccent(%'
        """
    )
    stale = dict(cr.fetchall())
    if not stale:
        return
    _logger.info("Rebuilding trigram indexes on unaccent(): %s", ", ".join(stale))
    for name in stale:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    tables = set(stale.values())
    env.registry.check_indexes(
        cr,
        [name for name, model in env.registry.models.items() if model._table in tables],
    )


def ensure_configurations(cr):
    """One text-search configuration per language: unaccent, then the stemmer."""
    for name, template, dictionary in (
        *CONFIGURATIONS.values(),
        SIMPLE_CONFIGURATION,
    ):
        cr.execute(
            SQL(
                "SELECT 1 FROM pg_ts_config WHERE cfgname = %s "
                "AND cfgnamespace = 'public'::regnamespace",
                name,
            )
        )
        if cr.fetchone():
            continue
        cr.execute(
            SQL(
                "CREATE TEXT SEARCH CONFIGURATION public.%s (COPY = pg_catalog.%s)",
                SQL.identifier(name),
                SQL.identifier(template),
            )
        )
        cr.execute(
            SQL(
                "ALTER TEXT SEARCH CONFIGURATION public.%s ALTER MAPPING FOR "
                "hword, hword_part, word WITH unaccent, %s",
                SQL.identifier(name),
                SQL.identifier(dictionary),
            )
        )


def ensure_search_schema(cr):
    """The generated vector column, its GIN index and the typo vocabulary."""
    cr.execute(
        SQL(
            "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s tsvector "
            "GENERATED ALWAYS AS (%s) STORED",
            SQL.identifier(ARTICLE_TABLE),
            SQL.identifier(VECTOR_COLUMN),
            _vector_sql(),
        )
    )
    cr.execute(
        SQL(
            "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (%s)",
            SQL.identifier(f"{ARTICLE_TABLE}_{VECTOR_COLUMN}_index"),
            SQL.identifier(ARTICLE_TABLE),
            SQL.identifier(VECTOR_COLUMN),
        )
    )
    cr.execute(
        SQL(
            "CREATE TABLE IF NOT EXISTS %s (word varchar NOT NULL)",
            SQL.identifier(WORD_TABLE),
        )
    )
    # text_pattern_ops: the same index serves equality and "starts with".
    cr.execute(
        SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (word text_pattern_ops)",
            SQL.identifier(f"{WORD_TABLE}_word_index"),
            SQL.identifier(WORD_TABLE),
        )
    )
    cr.execute(
        SQL(
            "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (word gin_trgm_ops)",
            SQL.identifier(f"{WORD_TABLE}_trigram_index"),
            SQL.identifier(WORD_TABLE),
        )
    )


def add_vocabulary(cr, article_ids=None):
    """Add the words of these articles (all when None) to the typo vocabulary.
    Words of deleted or edited articles stay: a correction to them finds nothing."""
    text = SQL(
        "concat_ws(' ', a.name, a.symptoms, a.keywords, %s)",
        _plain_text_sql(SQL("a.body")),
    )
    where = (
        SQL("a.id = ANY(%s)", list(article_ids))
        if article_ids is not None
        else SQL("TRUE")
    )
    cr.execute(
        SQL(
            """
            INSERT INTO %(words)s (word)
            SELECT DISTINCT w.word
              FROM %(articles)s a,
                   unnest(tsvector_to_array(
                       to_tsvector(%(config)s::regconfig, %(text)s)
                   )) AS w(word)
             WHERE %(where)s AND length(w.word) >= %(min)s AND w.word !~ '[0-9]'
            ON CONFLICT DO NOTHING
            """,
            words=SQL.identifier(WORD_TABLE),
            articles=SQL.identifier(ARTICLE_TABLE),
            config=SIMPLE_CONFIGURATION[0],
            text=text,
            where=where,
            min=MIN_PREFIX_LENGTH,
        )
    )


# ----------------------------------------------------------------------------------
# Queries
# ----------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    """A user query turned into tsqueries per language (None: nothing to search):
    ``tsqueries`` ranks and highlights with every word; ``match_tsqueries``, the
    words that few articles contain, picks the candidates from the index."""

    tsqueries: dict = field(default_factory=dict)
    match_tsqueries: dict = field(default_factory=dict)
    corrections: dict = field(default_factory=dict)

    def __bool__(self):
        return any(self.tsqueries.values())


_frequencies_cache = {}


def lexeme_rows(cr):
    """({lexeme: estimated number of articles containing it}, number of articles)
    for the lexemes common enough for ANALYZE to track them (pg_stats' most common
    elements of the search vector); any other lexeme is in fewer articles than the
    least common of these. Read at most once a minute per database."""
    now = time.monotonic()
    cached = _frequencies_cache.get(cr.dbname)
    if cached and cached[0] > now:
        return cached[1]
    cr.execute(
        SQL(
            """
            SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs,
                   c.reltuples
              FROM pg_stats s
              JOIN pg_class c ON c.relname = s.tablename
                             AND c.relnamespace = s.schemaname::regnamespace
             WHERE s.schemaname = current_schema()
               AND s.tablename = %s AND s.attname = %s
            """,
            ARTICLE_TABLE,
            VECTOR_COLUMN,
        )
    )
    row = cr.fetchone()
    stats = ({}, 0)
    if row and row[0]:
        lexemes, frequencies, tuples = row
        rows = {
            lexeme: frequency * tuples
            for lexeme, frequency in zip(lexemes, frequencies, strict=False)
        }
        stats = (rows, tuples)
    _frequencies_cache[cr.dbname] = (now + STATS_TTL_SECONDS, stats)
    return stats


@dataclass
class _Group:
    """The lexemes of one word (or of one glossary phrase, ``pos`` None) of the
    query: (lexeme, is a prefix) pairs, all required."""

    pos: int | None
    terms: list


def _group_rows(group, rows):
    """Estimated number of articles a group matches."""
    estimates = []
    for lexeme, prefix in group.terms:
        if prefix:
            estimates.append(
                sum(count for word, count in rows.items() if word.startswith(lexeme))
            )
        else:
            estimates.append(rows.get(lexeme, 0))
    return min(estimates, default=0)


def _match_groups(groups, stats):
    """The groups that pick the candidates from the index: each group few articles
    match, and pairs of common groups that few articles should match together
    ("vpn" and "coupe"): estimated as independent, and never neighbours in the
    query, since neighbours often form a common expression ("mise à jour").
    All the groups together when every group is common."""
    rows, total = stats
    selective, common = [], []
    for group in groups:
        estimate = _group_rows(group, rows)
        (common if estimate > COMMON_LEXEME_ROWS else selective).append(
            (group, estimate)
        )
    pairs = [
        _Group(None, first.terms + second.terms)
        for (first, first_rows), (second, second_rows) in itertools.combinations(
            common[:MAX_PAIRED_GROUPS], 2
        )
        if first.pos is not None
        and second.pos is not None
        and abs(first.pos - second.pos) > MAX_EXPRESSION_GAP
        and first_rows * second_rows / total <= PAIR_ROWS
    ]
    if selective or pairs:
        return [group for group, __ in selective] + pairs
    return [_Group(None, [term for group, __ in common for term in group.terms])]


def _tsquery_lexeme(lexeme, prefix=False):
    quoted = "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


def _or_query(groups):
    """OR of groups, each an AND of its terms."""
    parts = []
    for group in groups:
        terms = [_tsquery_lexeme(lexeme, prefix) for lexeme, prefix in group.terms]
        if not terms:
            continue
        parts.append(terms[0] if len(terms) == 1 else "(" + " & ".join(terms) + ")")
    return " | ".join(dict.fromkeys(parts)) or None


def parse_query(cr, text, prefix=True, phrases=()):
    """Correct, stem and combine the words of ``text``, plus extra ``phrases``
    (e.g. technical terms from the glossary, each matched as a whole).

    ``prefix``: the user is still typing the last word (no trailing space), so it
    matches as a prefix when long enough."""
    text = _WHITESPACE_RE.sub(" ", text or "")
    prefix = prefix and bool(text) and not text.endswith(" ")
    fr_config, en_config = CONFIGURATIONS["fr"][0], CONFIGURATIONS["en"][0]
    cr.execute(
        SQL(
            """
            WITH tokens AS (
                SELECT t.lexeme AS word, t.positions
                  FROM unnest(to_tsvector(%(simple)s::regconfig, %(text)s)) AS t
            ), words AS (
                SELECT word, positions,
                       (SELECT max(p) FROM tokens, unnest(tokens.positions) AS p)
                           = ANY(positions) AS is_last
                  FROM tokens
            ), checked AS MATERIALIZED (
                SELECT w.word, w.positions[1] AS pos, w.is_last,
                  CASE
                    WHEN length(w.word) < %(min_len)s OR w.word ~ '[0-9]'
                         OR EXISTS (SELECT 1 FROM %(words)s v WHERE v.word = w.word)
                      THEN w.word
                    WHEN %(prefix)s AND w.is_last
                         AND EXISTS (SELECT 1 FROM %(words)s v
                                      WHERE v.word ~>=~ w.word
                                        AND v.word ~<~ (w.word || chr(1114111)))
                      THEN w.word
                    ELSE coalesce((SELECT v.word FROM %(words)s v
                                    WHERE %(similar)s
                                      AND similarity(v.word, w.word) >= %(similarity)s
                                    ORDER BY similarity(v.word, w.word) DESC, v.word
                                    LIMIT 1), w.word)
                  END AS used
                  FROM words w
            )
            SELECT word, pos, used, is_last,
                   tsvector_to_array(to_tsvector(%(fr)s::regconfig, used)),
                   tsvector_to_array(to_tsvector(%(en)s::regconfig, used))
              FROM checked
             UNION ALL
            SELECT NULL, NULL, phrase, FALSE,
                   tsvector_to_array(to_tsvector(%(fr)s::regconfig, phrase)),
                   tsvector_to_array(to_tsvector(%(en)s::regconfig, phrase))
              FROM unnest(%(phrases)s::text[]) AS phrase
            """,
            simple=SIMPLE_CONFIGURATION[0],
            text=text,
            words=SQL.identifier(WORD_TABLE),
            min_len=MIN_CORRECTED_LENGTH,
            prefix=prefix,
            similar=_SIMILAR,
            similarity=MIN_SIMILARITY,
            fr=fr_config,
            en=en_config,
            phrases=list(phrases),
        )
    )
    groups = {"fr": [], "en": []}
    corrections = {}
    for word, pos, used, is_last, fr_lexemes, en_lexemes in cr.fetchall():
        if word is not None and used != word:
            corrections[word] = used
        as_prefix = bool(is_last and prefix and len(used) >= MIN_PREFIX_LENGTH)
        for lang, lexemes in (("fr", fr_lexemes), ("en", en_lexemes)):
            # a stemmed partial word is still a prefix of the whole one
            terms = [
                (lexeme, as_prefix)
                for lexeme in lexemes
                if len(lexeme) > 1 and lexeme not in QUERY_STOP_LEXEMES[lang]
            ]
            if terms and all(terms != group.terms for group in groups[lang]):
                groups[lang].append(_Group(pos, terms))
    stats = lexeme_rows(cr)
    return ParsedQuery(
        tsqueries={
            lang: _or_query(lang_groups) for lang, lang_groups in groups.items()
        },
        match_tsqueries={
            lang: _or_query(_match_groups(lang_groups, stats))
            for lang, lang_groups in groups.items()
        },
        corrections=corrections,
    )


def match_and_rank(alias, parsed, langs):
    """(WHERE condition, rank expression) for the articles of ``alias`` in ``langs``:
    each article is matched and ranked with the query stemmed in its own language.
    One scan of the GIN index with both languages' words picks the candidates; each
    is then checked against its own language's words."""
    vector = SQL.identifier(alias, VECTOR_COLUMN)
    lang_column = SQL.identifier(alias, "lang")
    langs = [lang for lang in langs if parsed.tsqueries.get(lang)]

    def per_language(queries):
        if len(langs) == 1:
            return SQL("%s::tsquery", queries[langs[0]])
        return SQL(
            "CASE %s WHEN 'en' THEN %s::tsquery ELSE %s::tsquery END",
            lang_column,
            queries["en"],
            queries["fr"],
        )

    candidates = SQL(" || ").join(
        SQL("%s::tsquery", parsed.match_tsqueries[lang]) for lang in langs
    )
    condition = SQL(
        "(%s @@ (%s) AND %s @@ %s)",
        vector,
        candidates,
        vector,
        per_language(parsed.match_tsqueries),
    )
    if len(langs) == 1:
        condition = SQL("(%s AND %s = %s)", condition, lang_column, langs[0])
    rank = SQL(
        "ts_rank(%s::float4[], %s, %s, %s)",
        RANK_WEIGHTS,
        vector,
        per_language(parsed.tsqueries),
        RANK_NORMALIZATION,
    )
    return condition, rank


def with_snippets(ranked, parsed):
    """SQL: the rows (id, score) of ``ranked``, in its order, each with its snippet
    (to give to ``highlight``): the symptoms and solution around the matched words.
    ts_headline runs on these rows only."""
    return SQL(
        """
        SELECT top.id, top.score,
               ts_headline(
                   %(config)s,
                   left(concat_ws(' — ', a.symptoms, %(body)s), %(max_length)s),
                   CASE a.lang WHEN 'en' THEN %(en)s::tsquery ELSE %(fr)s::tsquery END,
                   %(options)s
               )
          FROM (%(ranked)s) AS top (id, score)
          JOIN %(articles)s a ON a.id = top.id
      ORDER BY top.score DESC, top.id DESC
        """,
        config=_configuration_sql(SQL("a.lang")),
        body=_plain_text_sql(SQL("a.body")),
        max_length=SNIPPET_SOURCE_LENGTH,
        en=parsed.tsqueries.get("en") or "",
        fr=parsed.tsqueries.get("fr") or "",
        options=_HEADLINE_OPTIONS,
        ranked=ranked,
        articles=SQL.identifier(ARTICLE_TABLE),
    )


def guess_language(cr, text):
    """fr or en: the language whose stop words take more of ``text`` (None when
    neither does): its configuration keeps fewer lexemes."""
    cr.execute(
        SQL(
            "SELECT length(to_tsvector(%s::regconfig, %s)), "
            "length(to_tsvector(%s::regconfig, %s))",
            CONFIGURATIONS["fr"][0],
            text or "",
            CONFIGURATIONS["en"][0],
            text or "",
        )
    )
    fr_kept, en_kept = cr.fetchone()
    if fr_kept == en_kept:
        return None
    return "fr" if fr_kept < en_kept else "en"


def highlight(headline):
    """A snippet as HTML: the text escaped, the matched words in <mark>."""
    text = _WHITESPACE_RE.sub(" ", headline or "").strip()
    return Markup(
        escape(text).replace(_START, Markup("<mark>")).replace(_STOP, Markup("</mark>"))
    )
