-- eventscribe PostgreSQL schema, version 2 (the same additions as the SQLite schema): full-text
-- search, near-duplicate articles, clusters of events reported by several articles, and the
-- columns actor and quote listings filter on. Python fills the new columns of rows stored by
-- version 1 right after this script (postgres.py, _DATA_STEPS), with the code save() uses.

ALTER TABLE articles DROP CONSTRAINT articles_status_check;
ALTER TABLE articles ADD CONSTRAINT articles_status_check
    CHECK (status IN ('ok', 'failed', 'duplicate'));
ALTER TABLE articles ADD COLUMN duplicate_of TEXT COLLATE "C";
-- The terms of title, text and evidence, computed in Python (rows.py) and stored with
-- array_to_tsvector: PostgreSQL's own parser splits words unlike SQLite's FTS5 and keeps
-- accents, so to_tsvector would make the two backends answer differently.
ALTER TABLE articles ADD COLUMN search TSVECTOR NOT NULL DEFAULT ''::tsvector;
CREATE INDEX articles_search ON articles USING gin (search);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of);
CREATE INDEX articles_published ON articles (published, id);

ALTER TABLE events ADD COLUMN location_geonames_id BIGINT;

ALTER TABLE quotes
    ADD COLUMN speaker_text TEXT,
    ADD COLUMN speaker_aliases TEXT,
    ADD COLUMN speaker_country TEXT COLLATE "C",
    ADD COLUMN speaker_sector TEXT COLLATE "C",
    ADD COLUMN text_fold TEXT,
    ADD COLUMN speaker_name_fold TEXT,
    ADD COLUMN speaker_text_fold TEXT,
    ADD COLUMN speaker_aliases_fold TEXT;
CREATE INDEX quotes_speaker_name ON quotes (speaker_name);

CREATE TABLE signatures (
    article_hash TEXT COLLATE "C" PRIMARY KEY,
    seq          INTEGER NOT NULL UNIQUE,   -- save order, assigned under the write lock
    signature    BYTEA NOT NULL
);

CREATE TABLE clusters (
    cluster_id TEXT COLLATE "C" PRIMARY KEY,
    reasons    TEXT NOT NULL,
    figures    TEXT NOT NULL
);

CREATE TABLE cluster_members (
    article_hash TEXT COLLATE "C" NOT NULL,
    event_seq    INTEGER NOT NULL,
    cluster_id   TEXT COLLATE "C" NOT NULL REFERENCES clusters (cluster_id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    PRIMARY KEY (article_hash, event_seq),
    FOREIGN KEY (article_hash, event_seq) REFERENCES events (article_hash, seq) ON DELETE CASCADE
);
CREATE INDEX cluster_members_cluster ON cluster_members (cluster_id, position);
