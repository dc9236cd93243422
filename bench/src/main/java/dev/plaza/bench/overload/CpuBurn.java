package dev.plaza.bench.overload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The CPU half of the work route: SHA-256 over a 1 KiB buffer, {@code rounds} times, each round hashing the previous
 * digest in. A hash chain, so the JIT can neither skip nor vectorize it away, and the cost is linear in the rounds.
 * The bench calibrates the rounds once (in its own JVM, before any server runs) and passes the same number to every
 * server, so all modes do the same work per request.
 */
final class CpuBurn {
    private static final byte[] BUFFER = new byte[1024];

    static {
        for (int i = 0; i < BUFFER.length; i++) {
            BUFFER[i] = (byte) (i * 31 + 7);
        }
    }

    private final int rounds;

    CpuBurn(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be positive, got " + rounds);
        }
        this.rounds = rounds;
    }

    /** Burns the CPU; the returned byte keeps the work observable. */
    int burn() {
        MessageDigest sha = sha256();
        byte[] digest = new byte[32];
        for (int i = 0; i < rounds; i++) {
            sha.update(BUFFER);
            sha.update(digest);
            digest = sha.digest();
        }
        return digest[0];
    }

    /**
     * Rounds that take about {@code targetMicros} of one core on this machine. The best of several timings: on a
     * shared machine the fastest run is the one least disturbed by others, i.e. the CPU cost itself.
     */
    static int calibrate(long targetMicros) {
        CpuBurn probe = new CpuBurn(1000);
        long sink = 0;
        long warmEnd = System.nanoTime() + 1_500_000_000L; // let C2 compile the loop first
        while (System.nanoTime() < warmEnd) {
            sink += probe.burn();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 15; i++) {
            long t0 = System.nanoTime();
            sink += probe.burn();
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (sink == 42) {
            System.out.print(""); // keeps sink alive
        }
        double nanosPerRound = best / 1000.0;
        return (int) Math.max(1, Math.round(targetMicros * 1000 / nanosPerRound));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
