package dev.plaza.bench.overload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One blocking keep-alive HTTP/1.1 connection that sends {@code GET /work} and classifies the answer, with a
 * deadline per request (the socket's read timeout is what is left of it). Blocking sockets on virtual threads: the
 * client's cost per request stays a few syscalls, which matters when it shares two cores with the server.
 */
final class WorkConnection implements AutoCloseable {
    enum Outcome { OK, REJECTED, ERROR, TIMEOUT }

    private static final byte[] OK_PREFIX = "{\"code\":0,".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REFUSED_PREFIX = "{\"code\":-503,".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] request;
    private byte[] buf = new byte[4096];

    WorkConnection(String host, int port, int connectTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), Math.max(1, connectTimeoutMillis));
        in = socket.getInputStream();
        out = socket.getOutputStream();
        request = ("GET /work HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Sends one request and waits for its answer until {@code deadlineNanos}. After a TIMEOUT or ERROR the connection
     * is unusable (an answer may still be on its way) and must be closed.
     */
    Outcome send(long deadlineNanos) {
        try {
            out.write(request);
            int filled = 0;
            int headerEnd = -1;
            int total = -1;
            while (total < 0 || filled < total) {
                long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return Outcome.TIMEOUT;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                if (filled == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    ErrorCounts.count("closed by server");
                    return Outcome.ERROR;
                }
                filled += n;
                if (headerEnd < 0) {
                    headerEnd = indexOf(buf, filled, "\r\n\r\n");
                    if (headerEnd >= 0) {
                        total = headerEnd + 4 + contentLength(headerEnd);
                    }
                }
            }
            return classify(headerEnd + 4);
        } catch (SocketTimeoutException e) {
            return Outcome.TIMEOUT;
        } catch (IOException e) {
            ErrorCounts.count(e.getClass().getSimpleName() + ": " + e.getMessage());
            return Outcome.ERROR;
        }
    }

    private Outcome classify(int bodyStart) {
        if (startsWith(bodyStart, OK_PREFIX)) {
            return Outcome.OK;
        }
        if (startsWith(bodyStart, REFUSED_PREFIX)) {
            return Outcome.REJECTED;
        }
        ErrorCounts.count("answer " + new String(buf, bodyStart, Math.min(40, buf.length - bodyStart),
                StandardCharsets.ISO_8859_1).split("\"message")[0]);
        return Outcome.ERROR;
    }

    private boolean startsWith(int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (buf[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private int contentLength(int headerEnd) throws IOException {
        String headers = new String(buf, 0, headerEnd, StandardCharsets.ISO_8859_1);
        for (String line : headers.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new IOException("answer without Content-Length: " + headers.lines().findFirst().orElse(""));
    }

    private static int indexOf(byte[] b, int len, String what) {
        outer:
        for (int i = 0; i + what.length() <= len; i++) {
            for (int j = 0; j < what.length(); j++) {
                if (b[i + j] != what.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken connection: nothing to report
        }
    }
}
