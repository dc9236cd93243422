package dev.plaza.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 load generator for loopback benchmarks, built like wrk: one thread runs a selector over
 * {@code connections} keep-alive connections, each sending its next request as soon as the previous answer is read
 * (closed loop), or at a fixed total rate ({@link #runPaced}). Latencies are recorded per request (after the
 * warm-up) and reported as percentiles. Client and server share the machine's two cores, so the client must cost
 * little: a blocked thread per connection (park, poller, unpark per answer) cost it more CPU than the server spent
 * on a trivial answer. Results are only compared as ratios within one run.
 */
public final class HttpLoad {
    private HttpLoad() {
    }

    /** One request. {@code body} null for GET. */
    public record Request(String method, String path, String contentType, String body, String authorization) {
        public static Request get(String path) {
            return new Request("GET", path, null, null, null);
        }

        byte[] encode(String hostHeader) {
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader).append("\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n")
                        .append("Content-Length: ").append(b.length).append("\r\n");
            }
            head.append("\r\n");
            byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] packet = Arrays.copyOf(h, h.length + b.length);
            System.arraycopy(b, 0, packet, h.length, b.length);
            return packet;
        }
    }

    public record Response(int status, String body) {
    }

    public record Result(String name, int connections, long requests, long failures, double seconds,
                         double throughput, double p50ms, double p90ms, double p99ms, double maxMs) {
        public String row(double baselineThroughput) {
            return String.format("| %s | %d | %,d | %,d | %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f |", name, connections,
                    requests, failures, throughput, p50ms, p90ms, p99ms, maxMs,
                    baselineThroughput > 0 ? throughput / baselineThroughput : 1.0);
        }

        public static String header() {
            return "| load | conns | requests | failures | req/s | p50 ms | p90 ms | p99 ms | max ms | ratio to trivial |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        }
    }

    /**
     * Closed loop: every connection sends again as soon as its answer is in.
     *
     * @param next    the i-th request of the run (connections share the counter)
     * @param success which answers count as successes (others are failures, still timed)
     */
    public static Result run(String name, String host, int port, int connections, Duration warmup, Duration duration,
                             IntFunction<Request> next, Predicate<Response> success) throws InterruptedException {
        return new EventLoop(host, port, connections, 0).run(name, warmup, duration, next, success);
    }

    /**
     * Open loop at {@code perSecond} requests in total: request i leaves at start + i / perSecond on a free
     * connection (when all are busy it leaves as soon as one is free, and its latency counts from then).
     */
    public static Result runPaced(String name, String host, int port, int connections, Duration duration,
                                  double perSecond, IntFunction<Request> next, Predicate<Response> success)
            throws InterruptedException {
        return new EventLoop(host, port, connections, (long) (1e9 / perSecond)).run(name, Duration.ZERO, duration,
                next, success);
    }

    /** The selector loop of one run. */
    private static final class EventLoop {
        private final String host;
        private final int port;
        private final int connections;
        private final long periodNanos; // 0: closed loop

        EventLoop(String host, int port, int connections, long periodNanos) {
            this.host = host;
            this.port = port;
            this.connections = connections;
            this.periodNanos = periodNanos;
        }

        Result run(String name, Duration warmup, Duration duration, IntFunction<Request> next,
                   Predicate<Response> success) throws InterruptedException {
            String hostHeader = host + ":" + port;
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            long[] latencies = new long[1 << 16];
            int count = 0;
            long failures = 0;
            int sent = 0;
            ArrayDeque<NioConnection> idle = new ArrayDeque<>();
            List<NioConnection> all = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                for (int c = 0; c < connections; c++) {
                    NioConnection conn = new NioConnection(host, port, selector);
                    all.add(conn);
                    idle.add(conn);
                }
                while (true) {
                    long now = System.nanoTime();
                    // hand out requests: all idle connections in a closed loop, those whose slot came when paced
                    while (!idle.isEmpty() && now < end) {
                        if (periodNanos > 0 && start + sent * periodNanos > now) {
                            break;
                        }
                        NioConnection conn = idle.poll();
                        conn.send(next.apply(sent++).encode(hostHeader), System.nanoTime());
                    }
                    if (now >= end && idle.size() == all.size()) {
                        break;
                    }
                    long waitNanos = now >= end ? 1_000_000 : periodNanos > 0 && !idle.isEmpty()
                            ? Math.max(1, start + sent * periodNanos - now) : end - now;
                    selector.select(Math.max(1, waitNanos / 1_000_000));
                    for (SelectionKey key : selector.selectedKeys()) {
                        NioConnection conn = (NioConnection) key.attachment();
                        Response r;
                        try {
                            r = conn.onReady();
                        } catch (IOException e) {
                            r = new Response(-1, e.toString());
                            conn.reconnect(host, port, selector);
                        }
                        if (r == null) {
                            continue; // the answer is not complete yet
                        }
                        long t1 = System.nanoTime();
                        if (conn.sentAt >= measureFrom && t1 <= end) {
                            if (count == latencies.length) {
                                latencies = Arrays.copyOf(latencies, count * 2);
                            }
                            latencies[count++] = t1 - conn.sentAt;
                            if (r.status() < 0 || !success.test(r)) {
                                failures++;
                            }
                        }
                        idle.add(conn);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new IllegalStateException("load run " + name + " failed", e);
            } finally {
                all.forEach(NioConnection::closeQuietly);
            }
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            double seconds = duration.toNanos() / 1e9;
            return new Result(name, connections, count, failures, seconds, count / seconds, pct(sorted, 0.50),
                    pct(sorted, 0.90), pct(sorted, 0.99), count == 0 ? 0 : sorted[count - 1] / 1e6);
        }
    }

    /** A non-blocking keep-alive connection: one request out, then its answer parsed as bytes arrive. */
    private static final class NioConnection {
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer out;
        private byte[] in = new byte[16 * 1024];
        private int filled;
        long sentAt;

        NioConnection(String host, int port, Selector selector) throws IOException {
            open(host, port, selector);
        }

        private void open(String host, int port, Selector selector) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress(host, port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            key = channel.register(selector, 0, this);
        }

        void reconnect(String host, int port, Selector selector) {
            closeQuietly();
            try {
                open(host, port, selector);
            } catch (IOException e) {
                throw new IllegalStateException("cannot reconnect to " + host + ":" + port, e);
            }
        }

        void send(byte[] request, long now) throws IOException {
            sentAt = now;
            filled = 0;
            out = ByteBuffer.wrap(request);
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** @return the answer once complete, else null */
        Response onReady() throws IOException {
            if (out.hasRemaining()) {
                channel.write(out);
                if (out.hasRemaining()) {
                    return null;
                }
                key.interestOps(SelectionKey.OP_READ);
                return null;
            }
            while (true) {
                if (filled == in.length) {
                    in = Arrays.copyOf(in, in.length * 2);
                }
                int n = channel.read(ByteBuffer.wrap(in, filled, in.length - filled));
                if (n < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (n == 0) {
                    return null;
                }
                filled += n;
                Response r = ResponseParser.parse(in, filled);
                if (r != null) {
                    key.interestOps(0);
                    return r;
                }
            }
        }

        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing to do
            }
        }
    }

    /** Parses one complete HTTP/1.1 answer (Content-Length or chunked) from the start of a buffer. */
    static final class ResponseParser {
        private ResponseParser() {
        }

        /** @return the answer, or null while {@code len} bytes do not hold all of it yet */
        static Response parse(byte[] b, int len) {
            int headEnd = indexOf(b, 0, len, "\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            int code = Integer.parseInt(lines[0].substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim();
                String value = lines[i].substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                }
            }
            int bodyStart = headEnd + 4;
            if (!chunked) {
                int bodyLen = (int) Math.max(0, length);
                if (len < bodyStart + bodyLen) {
                    return null;
                }
                return new Response(code, new String(b, bodyStart, bodyLen, StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int at = bodyStart;
            while (true) {
                int lineEnd = indexOf(b, at, len, "\r\n");
                if (lineEnd < 0) {
                    return null;
                }
                String sizeLine = new String(b, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                int dataStart = lineEnd + 2;
                if (len < dataStart + size + 2) {
                    return null;
                }
                if (size == 0) {
                    return new Response(code, body.toString(StandardCharsets.UTF_8));
                }
                body.write(b, dataStart, size);
                at = dataStart + size + 2;
            }
        }

        private static int indexOf(byte[] b, int from, int len, String what) {
            byte[] w = what.getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = from; i <= len - w.length; i++) {
                for (int j = 0; j < w.length; j++) {
                    if (b[i + j] != w[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e6;
    }

    /** One blocking keep-alive connection, for the setup calls around a run (users, videos, metrics). */
    public static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private byte[] buf = new byte[16 * 1024];

        public Connection(String host, int port) {
            try {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), 5000);
                socket.setSoTimeout(30_000);
                in = socket.getInputStream();
                out = socket.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException("cannot connect to " + host + ":" + port, e);
            }
        }

        public Response send(Request r, String hostHeader) throws IOException {
            out.write(r.encode(hostHeader));
            int filled = 0;
            while (true) {
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    throw new IOException("connection closed");
                }
                filled += n;
                Response resp = ResponseParser.parse(buf, filled);
                if (resp != null) {
                    return resp;
                }
            }
        }

        public void closeQuietly() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing to do
            }
        }
    }
}
