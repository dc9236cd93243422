-- The table layout this database was created with (written by V2, a Java migration that creates the numbered
-- subject_NN / reply_index_NN / reply_content_NN / reply_action_NN tables for the configured counts). Opening the
-- tables with other counts fails: rows would be looked for in the wrong tables.
CREATE TABLE comment_shards (
  name  VARCHAR(32) NOT NULL,
  value INT         NOT NULL,
  PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
