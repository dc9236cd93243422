package dev.plaza.comment.admin;

import java.time.Duration;

/** Rebuilds the whole search index from the tables. */
public interface IndexRebuilder {
    Result reindexAll();

    /**
     * @param index     the concrete index now behind the search alias
     * @param documents comments written to it
     */
    record Result(String index, long documents, Duration took) {
    }
}
