package dev.plaza.kit.db;

import dev.plaza.kit.errors.PlazaError;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lost lock races on InnoDB: a deadlock (1213, SQLState 40001) or a lock wait timeout (1205) rolled the work back,
 * so running it again is safe. Writers that take row locks in a shared order still lose such races now and then
 * under load; they retry a few times with jitter.
 */
public final class LockRaces {
    private static final Logger log = LoggerFactory.getLogger(LockRaces.class);
    /** Attempts in all, the first included. */
    public static final int MAX_ATTEMPTS = 4;

    private LockRaces() {
    }

    /** True when {@code e} or one of its causes is a lost lock race. */
    public static boolean isLockRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s
                    && (s.getErrorCode() == 1213 || s.getErrorCode() == 1205 || "40001".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code once} and, while it fails with a lost lock race (which rolled its work back), runs it again after a
     * jittered pause, {@link #MAX_ATTEMPTS} times in all; any other failure, or the last, is thrown as it came. The
     * work must be safe to run again: one statement, a whole transaction, or statements each idempotent.
     *
     * @param where names the database in the debug line of a retry
     */
    public static <T> T retrying(String where, Supplier<T> once) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once.get();
            } catch (RuntimeException e) {
                if (!isLockRace(e) || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                log.debug("work on {} lost a lock race (attempt {}), retrying: {}", where, attempt, e.toString());
                pause(attempt);
            }
        }
    }

    /** Sleeps a jittered moment before attempt {@code attempt + 1}, longer each time. */
    public static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PlazaError.internal("interrupted while retrying after a lost lock race", e);
        }
    }
}
