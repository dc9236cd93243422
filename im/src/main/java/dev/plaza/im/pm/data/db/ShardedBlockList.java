package dev.plaza.im.pm.data.db;

import dev.plaza.im.pm.biz.BlockList;
import dev.plaza.kit.db.TableShards;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Objects;

/**
 * {@link BlockList} on the {@code pm_block_NN} tables, split by the blocking user's mid. Each call is one statement on
 * the primary key; blocking twice or unblocking what is not blocked changes nothing and says so.
 */
public final class ShardedBlockList implements BlockList {
    private final PmShards shards;
    private final TableShards router;
    private final Clock clock;

    /** Stamps {@code ctime} with the system clock. */
    public ShardedBlockList(PmShards shards) {
        this(shards, Clock.systemUTC());
    }

    /** @param clock stamps {@code ctime}, when the block was made (for operators and a future "blocked since"). */
    public ShardedBlockList(PmShards shards, Clock clock) {
        this.shards = Objects.requireNonNull(shards, "shards");
        this.router = shards.router();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * {@code ON DUPLICATE KEY UPDATE} of nothing rather than {@code INSERT IGNORE}, which would also turn real errors
     * into warnings; with affected rows an existing block reports 0 and keeps its first {@code ctime}.
     */
    @Override
    public boolean block(long owner, long target) {
        requireMids(owner, target);
        return shards.withConnection(router.database(owner), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table(owner)
                    + " (owner_mid, target_mid, ctime) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE ctime = ctime")) {
                ps.setLong(1, owner);
                ps.setLong(2, target);
                ps.setLong(3, clock.millis());
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean unblock(long owner, long target) {
        requireMids(owner, target);
        return shards.withConnection(router.database(owner), c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(owner)
                    + " WHERE owner_mid = ? AND target_mid = ?")) {
                ps.setLong(1, owner);
                ps.setLong(2, target);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean isBlocked(long owner, long target) {
        if (owner <= 0 || target <= 0) {
            return false; // nobody blocks or is blocked by a non-user
        }
        return shards.withConnection(router.database(owner), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table(owner)
                    + " WHERE owner_mid = ? AND target_mid = ?")) {
                ps.setLong(1, owner);
                ps.setLong(2, target);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private String table(long owner) {
        return router.tableName(PmTables.BLOCK, owner);
    }

    private static void requireMids(long owner, long target) {
        if (owner <= 0 || target <= 0) {
            throw new IllegalArgumentException("owner and target must be positive mids, were " + owner + " and "
                    + target);
        }
    }
}
