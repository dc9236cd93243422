package dev.plaza.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Loopback port helpers. */
final class Ports {
    /** Ports handed out by this JVM, so two engines starting in parallel never get the same one. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    /** {@code fixed} if non-zero (checked to be free), else a free loopback port. */
    static int resolve(int fixed, String what) {
        if (fixed != 0) {
            if (!isFree(fixed)) {
                throw new IllegalStateException("port " + fixed + " for " + what + " on 127.0.0.1 is already in use");
            }
            return fixed;
        }
        return free();
    }

    static synchronized int free() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = s.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("cannot find a free port on 127.0.0.1");
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
