-- Users. mid is the public user id; the unique key on username is case-insensitive through the collation.
CREATE TABLE account_user (
  mid           BIGINT       NOT NULL AUTO_INCREMENT,
  username      VARCHAR(64)  NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  face          VARCHAR(512) NOT NULL DEFAULT '',
  sign          VARCHAR(255) NOT NULL DEFAULT '',
  is_admin      TINYINT(1)   NOT NULL DEFAULT 0,
  ctime_ms      BIGINT       NOT NULL,
  mtime_ms      BIGINT       NOT NULL,
  PRIMARY KEY (mid),
  UNIQUE KEY uk_username (username)
) ENGINE = InnoDB AUTO_INCREMENT = 10001 DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_general_ci;

-- Sessions, keyed by the SHA-256 of the token so that a copy of this table does not hand out log-ins.
CREATE TABLE account_session (
  token_hash    CHAR(64)     NOT NULL,
  mid           BIGINT       NOT NULL,
  csrf          CHAR(32)     NOT NULL,
  created_ms    BIGINT       NOT NULL,
  expires_ms    BIGINT       NOT NULL,
  PRIMARY KEY (token_hash),
  KEY ix_mid (mid),
  KEY ix_expires (expires_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
