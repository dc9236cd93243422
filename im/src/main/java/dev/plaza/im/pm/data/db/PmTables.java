package dev.plaza.im.pm.data.db;

/**
 * The families of numbered private-message tables. {@link #MSG} and {@link #CONV} are split by conversation (a
 * conversation's messages and its counters share a table number, so {@code append} is one transaction on one
 * database); {@link #SESSION} and {@link #BLOCK} by the owning user (a user's inbox list and block list are one
 * indexed query on one table). All four use the same {@link dev.plaza.kit.db.TableShards} counts.
 */
final class PmTables {
    /** A conversation's messages, one row each. */
    static final String MSG = "pm_msg";
    /** A conversation's sequence counter and delivery cursor. */
    static final String CONV = "pm_conv";
    /** A user's entry for one talker: unread count, read cursor, newest message. */
    static final String SESSION = "pm_session";
    /** Who a user has blocked. */
    static final String BLOCK = "pm_block";
    /** The layout table written by {@link V2__Pm_tables} (created by {@code V1__pm_shards.sql}). */
    static final String LAYOUT = "pm_shards";

    private PmTables() {
    }
}
