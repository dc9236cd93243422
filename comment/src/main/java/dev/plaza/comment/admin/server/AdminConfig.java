package dev.plaza.comment.admin.server;

import dev.plaza.comment.data.db.CommentDbConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the comment admin role (config prefix {@code comment.admin}).
 *
 * @param db               the comment tables (the same layout the job writes)
 * @param opensearchUrl    {@code http://host:port} of the search cluster
 * @param indexAlias       the search alias ({@code plaza-comments}); concrete indices are {@code <alias>-<suffix>}
 * @param dataDir          where the binlog reader keeps its position and schema history; must survive restarts
 * @param followBinlog     run the binlog indexer in this process (exactly one process per database server should)
 * @param binlogServerId   the replica id the binlog reader announces; 0 derives a stable one from {@code dataDir}
 * @param snapshotExisting on the binlog reader's first start, index the rows already in the tables
 * @param indexShards      primary shards of a new search index
 * @param indexReplicas    replicas of a new search index (0 on a single node)
 */
public record AdminConfig(CommentDbConfig db, String opensearchUrl, String indexAlias, Path dataDir, boolean followBinlog,
                          int binlogServerId, boolean snapshotExisting, int indexShards, int indexReplicas) {
    public AdminConfig {
        Objects.requireNonNull(db, "comment.admin.db is required");
        if (opensearchUrl == null || opensearchUrl.isBlank()) {
            throw new IllegalArgumentException("comment.admin.opensearchUrl is required");
        }
        if (indexAlias == null || indexAlias.isBlank()) {
            throw new IllegalArgumentException("comment.admin.indexAlias is required");
        }
        Objects.requireNonNull(dataDir, "comment.admin.dataDir is required");
        if (binlogServerId < 0) {
            throw new IllegalArgumentException("comment.admin.binlogServerId must be positive, or 0 to derive one");
        }
        if (indexShards < 1 || indexReplicas < 0) {
            throw new IllegalArgumentException("comment.admin.indexShards must be >= 1 and indexReplicas >= 0");
        }
    }

    /** Follows the binlog, snapshots existing rows on the first start, one shard without replicas. */
    public static AdminConfig defaults(CommentDbConfig db, String opensearchUrl, Path dataDir) {
        return new AdminConfig(db, opensearchUrl, "plaza-comments", dataDir, true, 0, true, 1, 0);
    }
}
