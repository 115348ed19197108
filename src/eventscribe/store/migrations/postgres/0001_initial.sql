-- eventscribe PostgreSQL schema, version 1 (the same tables as the SQLite schema).
-- Every record keeps its exact JSON text in `record` (what get_event/get_article return); the
-- other columns are copies for filtering. Text that is compared or sorted is COLLATE "C", so
-- ordering is byte order whatever the server's locale, as in SQLite. The *_fold columns hold
-- Python's str.casefold() of their source column: PostgreSQL's lower() depends on the server's
-- locale (ASCII only under C), and the SQLite store matches casefolded text.

CREATE TABLE articles (
    hash        TEXT COLLATE "C" PRIMARY KEY,  -- Article.content_hash
    id          TEXT COLLATE "C" NOT NULL,
    title       TEXT,
    published   TEXT COLLATE "C",
    url         TEXT,
    source      TEXT,
    language    TEXT,
    section     TEXT,
    author      TEXT,
    text        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    errors      TEXT NOT NULL,                 -- JSON list of StageError
    findings    TEXT NOT NULL,                 -- JSON of Findings without its lists
    record      TEXT NOT NULL                  -- JSON of the Article
);
CREATE INDEX articles_id ON articles (id);
CREATE INDEX articles_status ON articles (status);

CREATE TABLE events (
    article_hash         TEXT COLLATE "C" NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,     -- position in Findings.events
    event_id             TEXT COLLATE "C" NOT NULL,
    type                 TEXT COLLATE "C" NOT NULL,
    mode                 TEXT COLLATE "C",
    acled_event_type     TEXT COLLATE "C",
    acled_sub_event_type TEXT COLLATE "C",
    date                 TEXT COLLATE "C",
    date_precision       TEXT,
    location_name        TEXT,
    location_admin1      TEXT,
    location_admin2      TEXT,
    location_country     TEXT COLLATE "C",
    location_lat         DOUBLE PRECISION,
    location_lon         DOUBLE PRECISION,
    confidence           DOUBLE PRECISION NOT NULL,
    evidence             TEXT NOT NULL,
    record               TEXT NOT NULL,        -- JSON of the Event
    location_name_fold   TEXT,
    location_admin1_fold TEXT,
    location_admin2_fold TEXT,
    evidence_fold        TEXT NOT NULL,
    PRIMARY KEY (article_hash, seq)
);
CREATE INDEX events_event_id ON events (event_id);
CREATE INDEX events_date ON events (date, event_id);
CREATE INDEX events_type ON events (type, mode);
CREATE INDEX events_acled ON events (acled_event_type);
CREATE INDEX events_country ON events (location_country);

CREATE TABLE event_actors (
    article_hash TEXT COLLATE "C" NOT NULL,
    event_seq    INTEGER NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('source', 'target', 'claimed_by')),
    position     INTEGER NOT NULL,             -- index in source_actors / target_actors
    event_id     TEXT COLLATE "C" NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    text         TEXT NOT NULL,
    aliases      TEXT NOT NULL,                -- aliases joined by newlines
    country      TEXT,
    sector       TEXT,
    name_fold    TEXT NOT NULL,
    text_fold    TEXT NOT NULL,
    aliases_fold TEXT NOT NULL,
    PRIMARY KEY (article_hash, event_seq, role, position),
    FOREIGN KEY (article_hash, event_seq) REFERENCES events (article_hash, seq) ON DELETE CASCADE
);
CREATE INDEX event_actors_event_id ON event_actors (event_id);
CREATE INDEX event_actors_name ON event_actors (name);

CREATE TABLE quotes (
    article_hash TEXT COLLATE "C" NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    speaker_name TEXT,
    record       TEXT NOT NULL,
    PRIMARY KEY (article_hash, seq)
);

CREATE TABLE places (
    article_hash TEXT COLLATE "C" NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    geonames_id  BIGINT,
    admin1       TEXT,
    country      TEXT,
    lat          DOUBLE PRECISION,
    lon          DOUBLE PRECISION,
    record       TEXT NOT NULL,
    PRIMARY KEY (article_hash, seq)
);

CREATE TABLE actors (
    article_hash TEXT COLLATE "C" NOT NULL REFERENCES articles (hash) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    kind         TEXT,
    country      TEXT,
    sector       TEXT,
    record       TEXT NOT NULL,
    PRIMARY KEY (article_hash, seq)
);
CREATE INDEX actors_name ON actors (name);
