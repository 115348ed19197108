-- eventscribe SQLite schema, version 2: full-text search, near-duplicate articles, clusters of
-- events reported by several articles, and the columns actor and quote listings filter on.
-- Python fills the new columns of rows stored by version 1 right after this script (see
-- sqlite.py, _DATA_STEPS), with the same code that save() uses.

-- articles is rebuilt (SQLite cannot change a CHECK constraint in place), following SQLite's
-- documented procedure: the migration runner turns foreign keys off around it and checks them
-- before committing. `rid` is an INTEGER PRIMARY KEY because the full-text index refers to
-- articles by integer row id, and VACUUM renumbers the implicit rowid of other tables.
CREATE TABLE articles_v2 (
    rid          INTEGER PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,      -- Article.content_hash
    id           TEXT NOT NULL,
    title        TEXT,
    published    TEXT,
    url          TEXT,
    source       TEXT,
    language     TEXT,
    section      TEXT,
    author       TEXT,
    text         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'duplicate')),
    errors       TEXT NOT NULL,             -- JSON list of StageError
    findings     TEXT NOT NULL,             -- JSON of Findings without its lists
    record       TEXT NOT NULL,             -- JSON of the Article
    duplicate_of TEXT                       -- status 'duplicate': content hash of the original
);
INSERT INTO articles_v2 (rid, hash, id, title, published, url, source, language, section,
                         author, text, status, errors, findings, record)
SELECT rowid, hash, id, title, published, url, source, language, section, author, text, status,
       errors, findings, record
FROM articles ORDER BY rowid;
DROP TABLE articles;
ALTER TABLE articles_v2 RENAME TO articles;
CREATE INDEX articles_id ON articles (id);
CREATE INDEX articles_status ON articles (status);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of);
CREATE INDEX articles_published ON articles (published, id);

-- Contentless: the terms (computed in Python, see rows.py) are indexed, not stored twice.
-- rowid = articles.rid; one document per article: title, text and its events' evidence.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    terms, content = '', tokenize = 'unicode61 remove_diacritics 2'
);

ALTER TABLE events ADD COLUMN location_geonames_id INTEGER;

ALTER TABLE quotes ADD COLUMN speaker_text TEXT;      -- the speaker actor's text as written
ALTER TABLE quotes ADD COLUMN speaker_aliases TEXT;   -- its aliases joined by newlines
ALTER TABLE quotes ADD COLUMN speaker_country TEXT;
ALTER TABLE quotes ADD COLUMN speaker_sector TEXT;
CREATE INDEX quotes_speaker_name ON quotes (speaker_name);

-- MinHash signatures of every article text seen, to warm a NearDuplicateIndex at start;
-- seq is the save order (assigned under the write lock), so the index is rebuilt as it grew.
CREATE TABLE signatures (
    article_hash TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL UNIQUE,
    signature    BLOB NOT NULL
);

CREATE TABLE clusters (
    cluster_id TEXT PRIMARY KEY,
    reasons    TEXT NOT NULL,               -- JSON list of why-merged texts
    figures    TEXT NOT NULL                -- JSON {category: [FigureClaim]}
);

CREATE TABLE cluster_members (
    article_hash TEXT NOT NULL,
    event_seq    INTEGER NOT NULL,
    cluster_id   TEXT NOT NULL REFERENCES clusters (cluster_id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,          -- index in EventCluster.events
    PRIMARY KEY (article_hash, event_seq),  -- an event is in one cluster at most
    FOREIGN KEY (article_hash, event_seq) REFERENCES events (article_hash, seq) ON DELETE CASCADE
);
CREATE INDEX cluster_members_cluster ON cluster_members (cluster_id, position);
