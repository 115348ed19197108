-- eventscribe SQLite schema, version 1.
-- Every record keeps its exact JSON in `record` (what get_event/get_article return); the other
-- columns are copies for filtering. No wall-clock timestamps: saving the same input twice must
-- leave the same rows. Children are keyed by (article_hash, seq) so row order is deterministic.

PRAGMA application_id = 1165388131;  -- 0x45766963 "Evic": marks the file as ours

CREATE TABLE articles (
    hash        TEXT PRIMARY KEY,          -- Article.content_hash
    id          TEXT NOT NULL,
    title       TEXT,
    published   TEXT,
    url         TEXT,
    source      TEXT,
    language    TEXT,
    section     TEXT,
    author      TEXT,
    text        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    errors      TEXT NOT NULL,             -- JSON list of StageError
    findings    TEXT NOT NULL,             -- JSON of Findings without its lists: id, schema, title, published
    record      TEXT NOT NULL              -- JSON of the Article
);
CREATE INDEX articles_id ON articles (id);
CREATE INDEX articles_status ON articles (status);

CREATE TABLE events (
    article_hash         TEXT NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,  -- position in Findings.events
    event_id             TEXT NOT NULL,
    type                 TEXT NOT NULL,
    mode                 TEXT,
    acled_event_type     TEXT,
    acled_sub_event_type TEXT,
    date                 TEXT,
    date_precision       TEXT,
    location_name        TEXT,
    location_admin1      TEXT,
    location_admin2      TEXT,
    location_country     TEXT,
    location_lat         REAL,
    location_lon         REAL,
    confidence           REAL NOT NULL,
    evidence             TEXT NOT NULL,
    record               TEXT NOT NULL,     -- JSON of the Event
    PRIMARY KEY (article_hash, seq)
);
CREATE INDEX events_event_id ON events (event_id);
CREATE INDEX events_date ON events (date, event_id);
CREATE INDEX events_type ON events (type, mode);
CREATE INDEX events_acled ON events (acled_event_type);
CREATE INDEX events_country ON events (location_country);

CREATE TABLE event_actors (
    article_hash TEXT NOT NULL,
    event_seq    INTEGER NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('source', 'target', 'claimed_by')),
    position     INTEGER NOT NULL,          -- index in source_actors / target_actors; 0 for claimed_by
    event_id     TEXT NOT NULL,
    name         TEXT NOT NULL,
    text         TEXT NOT NULL,
    aliases      TEXT NOT NULL,             -- aliases joined by newlines, for substring search
    country      TEXT,
    sector       TEXT,
    PRIMARY KEY (article_hash, event_seq, role, position),
    FOREIGN KEY (article_hash, event_seq) REFERENCES events (article_hash, seq) ON DELETE CASCADE
);
CREATE INDEX event_actors_event_id ON event_actors (event_id);
CREATE INDEX event_actors_name ON event_actors (name);

CREATE TABLE quotes (
    article_hash TEXT NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    speaker_name TEXT,
    record       TEXT NOT NULL,
    PRIMARY KEY (article_hash, seq)
);

CREATE TABLE places (
    article_hash TEXT NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    geonames_id  INTEGER,
    admin1       TEXT,
    country      TEXT,
    lat          REAL,
    lon          REAL,
    record       TEXT NOT NULL,
    PRIMARY KEY (article_hash, seq)
);

CREATE TABLE actors (
    article_hash TEXT NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT,
    country      TEXT,
    sector       TEXT,
    record       TEXT NOT NULL,
    PRIMARY KEY (article_hash, seq)
);
CREATE INDEX actors_name ON actors (name);
