-- Videos. aid is the public id; it starts at 100001 and stays far below 2^53 so JavaScript clients read it exactly.
CREATE TABLE archive (
  aid        BIGINT        NOT NULL AUTO_INCREMENT,
  owner_mid  BIGINT        NOT NULL,
  title      VARCHAR(80)   NOT NULL,
  descr      TEXT          NOT NULL,
  duration   INT           NOT NULL,
  cover      VARCHAR(512)  NOT NULL DEFAULT '',
  media_url  VARCHAR(1024) NOT NULL,
  pubdate_ms BIGINT        NOT NULL,
  ctime_ms   BIGINT        NOT NULL,
  mtime_ms   BIGINT        NOT NULL,
  PRIMARY KEY (aid),
  KEY ix_owner_aid (owner_mid, aid)
) ENGINE = InnoDB AUTO_INCREMENT = 100001 DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_general_ci;

-- The pages (parts) of a video; every video has page 1 today. cid is what players and danmaku key on.
CREATE TABLE archive_page (
  cid        BIGINT        NOT NULL AUTO_INCREMENT,
  aid        BIGINT        NOT NULL,
  page       INT           NOT NULL,
  part       VARCHAR(80)   NOT NULL,
  duration   INT           NOT NULL,
  ctime_ms   BIGINT        NOT NULL,
  PRIMARY KEY (cid),
  UNIQUE KEY uk_aid_page (aid, page)
) ENGINE = InnoDB AUTO_INCREMENT = 1000001 DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_general_ci;

-- Transactional outbox: a row is written in the same transaction as the change it announces and deleted once Kafka
-- acknowledged the event. A relay claims due rows by setting a lease (lease_owner, lease_until_ms), so several
-- relays never publish the same row at once; a failed row gets a later lease_until_ms (backoff) and an attempt more.
CREATE TABLE archive_outbox (
  id             BIGINT        NOT NULL AUTO_INCREMENT,
  aid            BIGINT        NOT NULL,
  kind           VARCHAR(16)   NOT NULL,
  payload        MEDIUMBLOB    NOT NULL,
  traceparent    VARCHAR(128)  NOT NULL DEFAULT '',
  created_ms     BIGINT        NOT NULL,
  attempts       INT           NOT NULL DEFAULT 0,
  lease_owner    VARCHAR(64)   NOT NULL DEFAULT '',
  lease_until_ms BIGINT        NOT NULL DEFAULT 0,
  last_error     VARCHAR(512)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY ix_due (lease_until_ms, id),
  KEY ix_lease_owner (lease_owner)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
