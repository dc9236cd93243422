-- The table layout this database was created with (written by V2, a Java migration that creates the numbered
-- pm_msg_NN, pm_conv_NN, pm_session_NN and pm_block_NN tables for the configured count). Opening the tables with
-- other counts fails: rows would be looked for in the wrong tables.
CREATE TABLE pm_shards (
  name  VARCHAR(32) NOT NULL,
  value INT         NOT NULL,
  PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
