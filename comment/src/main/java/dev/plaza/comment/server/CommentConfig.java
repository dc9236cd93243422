package dev.plaza.comment.server;

import dev.plaza.comment.admin.server.AdminConfig;
import dev.plaza.kit.text.SensitiveFilter;
import dev.plaza.comment.data.db.CommentDbConfig;
import dev.plaza.comment.job.CommentJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the comment service, interface and job roles (config prefix {@code comment}); the admin role has its
 * own ({@code comment.admin}, {@link dev.plaza.comment.admin.server.AdminConfig}).
 *
 * @param db              the sharded tables
 * @param workerId        the snowflake worker id of rpids; unique per service instance (0-1023)
 * @param eventPartitions partitions of {@code comment-events} when a role has to create the topic
 * @param rpcTimeout      deadline of each look-up in the account and archive services
 * @param ownerTtl        how long a video's owner is remembered (owners do not change)
 * @param memberTtl       how long a member's name and face are remembered
 * @param limits          per-user write limits and the per-subject post quota
 * @param sensitive       the sensitive-word filter
 * @param job             the job role in this process
 * @param admin           the admin role in this process
 */
public record CommentConfig(CommentDbConfig db, int workerId, int eventPartitions, Duration rpcTimeout,
                            Duration ownerTtl, Duration memberTtl, Limits limits, Sensitive sensitive, Job job,
                            Admin admin) {
    public CommentConfig {
        Objects.requireNonNull(db, "comment.db is required");
        if (workerId < 0 || workerId > 1023) {
            throw new IllegalArgumentException("comment.workerId must be 0 to 1023");
        }
        if (eventPartitions < 1) {
            throw new IllegalArgumentException("comment.eventPartitions must be at least 1");
        }
        positive("comment.rpcTimeout", rpcTimeout);
        positive("comment.ownerTtl", ownerTtl);
        positive("comment.memberTtl", memberTtl);
        Objects.requireNonNull(limits, "comment.limits is required");
        Objects.requireNonNull(sensitive, "comment.sensitive is required");
        Objects.requireNonNull(job, "comment.job is required");
        Objects.requireNonNull(admin, "comment.admin is required");
    }

    /**
     * @param enabled        run the job (Kafka consumer) in this process
     * @param maxPollRecords events taken per poll
     * @param concurrency    partitions applied at the same time (events of one subject never are)
     */
    public record Job(boolean enabled, int maxPollRecords, int concurrency) {
        public Job {
            if (maxPollRecords < 1 || maxPollRecords > 10_000) {
                throw new IllegalArgumentException("comment.job.maxPollRecords must be 1 to 10000");
            }
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("comment.job.concurrency must be 1 to 64");
            }
        }

        /** The job with the given settings, topics created with the service's partition count. */
        public CommentJob.Settings settings(int eventPartitions) {
            CommentJob.Settings d = CommentJob.Settings.defaults();
            return new CommentJob.Settings(eventPartitions, d.archivePartitions(), maxPollRecords, d.closeTimeout(),
                    concurrency, d.usecase());
        }
    }

    /**
     * The admin role; the database is {@code comment.db}, the search cluster and data directory come from the host.
     *
     * @param enabled          run the admin role (moderation, search, binlog indexer) in this process
     * @param indexAlias       the search alias
     * @param followBinlog     run the binlog indexer here (exactly one process per database server should)
     * @param binlogServerId   the replica id of the binlog reader; 0 derives one from the data directory
     * @param snapshotExisting on the binlog reader's first start, index the rows already in the tables
     * @param indexShards      primary shards of a new search index
     * @param indexReplicas    replicas of a new search index
     */
    public record Admin(boolean enabled, String indexAlias, boolean followBinlog, int binlogServerId,
                        boolean snapshotExisting, int indexShards, int indexReplicas) {

        /** The admin role's settings over these tables, this search cluster and this data directory. */
        public AdminConfig config(CommentDbConfig db, String opensearchUrl, Path dataDir) {
            return new AdminConfig(db, opensearchUrl, indexAlias, dataDir, followBinlog, binlogServerId,
                    snapshotExisting, indexShards, indexReplicas);
        }
    }

    /**
     * @param posts           posts (comments and replies) one user may make per {@code window}
     * @param actions         likes, dislikes, deletes, pins and closes one user may make per {@code window}
     * @param window          the rate-limit window
     * @param duplicateWindow the same text from the same user in the same subject within this is refused (12051)
     * @param perSubjectRate  posts per second to one subject by all users together, over all instances (a token
     *                        bucket in Redis); 0 turns the quota off
     * @param perSubjectBurst posts one subject takes at once before the rate applies
     */
    public record Limits(int posts, int actions, Duration window, Duration duplicateWindow, double perSubjectRate,
                         int perSubjectBurst) {
        public Limits {
            if (posts < 1 || actions < 1) {
                throw new IllegalArgumentException("comment.limits.posts and actions must be at least 1");
            }
            positive("comment.limits.window", window);
            positive("comment.limits.duplicateWindow", duplicateWindow);
            if (!(perSubjectRate >= 0) || Double.isInfinite(perSubjectRate) || perSubjectBurst < 1) {
                throw new IllegalArgumentException("comment.limits.perSubjectRate must be 0 (off) or positive and "
                        + "perSubjectBurst at least 1");
            }
        }

        /**
         * 10 posts and 30 actions per 10 s, duplicates refused for 60 s; 50 posts/s per subject, 200 at once (far
         * above what people write under one video, so only a flood meets it).
         */
        public static Limits defaults() {
            return new Limits(10, 30, Duration.ofSeconds(10), Duration.ofSeconds(60), 50, 200);
        }
    }

    /**
     * @param mode  {@code reject} refuses a post with a listed word (12016); {@code review} holds it for moderators
     * @param words listed words (matched ignoring case and width, NFKC)
     * @param file  optional file of more words, one per line ({@code #} starts a comment)
     */
    public record Sensitive(SensitiveFilter.Mode mode, List<String> words, Optional<Path> file) {
        public Sensitive {
            Objects.requireNonNull(mode, "comment.sensitive.mode is required");
            words = words == null ? List.of() : List.copyOf(words);
            file = file == null ? Optional.empty() : file;
        }

        /** The filter these settings describe: the listed words plus the file's. */
        public SensitiveFilter filter() {
            return filter(mode);
        }

        /** The same words with another mode (live danmaku can only be refused, never held for review). */
        public SensitiveFilter filter(SensitiveFilter.Mode withMode) {
            List<String> all = new ArrayList<>(words);
            file.ifPresent(f -> all.addAll(SensitiveFilter.readList(f)));
            return new SensitiveFilter(all, withMode);
        }
    }

    /** Defaults around the given tables: worker 1, 8 partitions, 2 s look-ups, no sensitive words, job and admin on. */
    public static CommentConfig defaults(CommentDbConfig db) {
        return new CommentConfig(db, 1, 8, Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(30),
                Limits.defaults(), new Sensitive(SensitiveFilter.Mode.REJECT, List.of(), Optional.empty()),
                new Job(true, 200, 4), new Admin(true, "plaza-comments", true, 0, true, 1, 0));
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }
}
