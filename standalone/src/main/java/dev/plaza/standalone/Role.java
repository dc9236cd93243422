package dev.plaza.standalone;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The roles a Plaza process can run ({@code ./plaza run <role>}); {@code ./plaza up} runs them all in one JVM.
 * A role names what the process serves: gRPC services, HTTP routes, a Kafka consumer or long connections.
 */
public enum Role {
    /** Account gRPC service and the passport HTTP routes (register, log in, nav, profiles). */
    ACCOUNT,
    /** Archive (videos) gRPC service and its HTTP routes. */
    ARCHIVE,
    /** Comment gRPC service and the comment interface (HTTP BFF). */
    COMMENT,
    /** Applies comment events from Kafka to the store. */
    COMMENT_JOB,
    /** Moderation and search HTTP routes, with the binlog-fed search index. */
    COMMENT_ADMIN,
    /** History gRPC service (with its write merger) and the history interface (HTTP). */
    HISTORY,
    /** Writes merged history from Kafka to the store. */
    HISTORY_JOB,
    /** im logic: routing, pushes (gRPC, goim push API), danmaku and private-message HTTP routes. */
    IM_LOGIC,
    /** The long-connection server (goim TCP and WebSocket), registered under {@code im.server}. */
    IM_COMET,
    /** Delivers pushes from Kafka to the comets, and private messages to sessions. */
    IM_JOB;

    /** The role's name on the command line: {@code comment-job}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Role parse(String name) {
        for (Role r : values()) {
            if (r.cliName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'; roles: " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Role::cliName).collect(Collectors.joining(", "));
    }

    public static Set<Role> all() {
        return EnumSet.allOf(Role.class);
    }
}
