package dev.plaza.engines;

import java.util.Locale;

/** The engines Plaza embeds. Each one keeps its files in {@code <data dir>/<folder()>}. */
public enum EngineKind {
    MARIADB,
    REDIS,
    KAFKA,
    ZOOKEEPER,
    OPENSEARCH;

    /** Folder under the data dir, also the base name of the engine's log file ({@code mariadb/mariadb.log}). */
    public String folder() {
        return name().toLowerCase(Locale.ROOT);
    }
}
