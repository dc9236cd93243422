package dev.plaza.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A closed-loop HTTP/1.1 load generator for loopback benchmarks: {@code connections} keep-alive connections, each a
 * virtual thread sending its next request as soon as the previous answer is read. Latencies are recorded per request
 * (after the warm-up) and reported as percentiles. Plain blocking sockets keep the client's own cost low, which
 * matters when client and server share two cores; results are only compared as ratios within one run.
 */
public final class HttpLoad {
    private HttpLoad() {
    }

    /** One request. {@code body} null for GET. */
    public record Request(String method, String path, String contentType, String body, String authorization) {
        public static Request get(String path) {
            return new Request("GET", path, null, null, null);
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
     * @param next    the request of the i-th call made by a connection (connections interleave their counters)
     * @param success which answers count as successes (others are failures, still timed)
     */
    public static Result run(String name, String host, int port, int connections, Duration warmup, Duration duration,
                             IntFunction<Request> next, Predicate<Response> success) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        AtomicLong counter = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        long[] failures = new long[connections];
        long[] counts = new long[connections];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            long[][] mine = {new long[4096]};
            int slot = c;
            synchronized (latencies) {
                latencies.add(null);
            }
            threads.add(Thread.ofVirtual().start(() -> {
                int n = 0;
                Connection conn = null;
                try {
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        if (conn == null) {
                            conn = new Connection(host, port);
                        }
                        Request r = next.apply((int) counter.getAndIncrement());
                        long t0 = System.nanoTime();
                        Response resp;
                        try {
                            resp = conn.send(r, host + ":" + port);
                        } catch (IOException e) {
                            resp = null;
                            conn.closeQuietly();
                            conn = null;
                        }
                        long t1 = System.nanoTime();
                        if (t0 >= measureFrom && t1 <= end) {
                            if (n == mine[0].length) {
                                mine[0] = Arrays.copyOf(mine[0], n * 2);
                            }
                            mine[0][n++] = t1 - t0;
                            if (resp == null || !success.test(resp)) {
                                failures[slot]++;
                            }
                        }
                    }
                } finally {
                    if (conn != null) {
                        conn.closeQuietly();
                    }
                    counts[slot] = n;
                    synchronized (latencies) {
                        latencies.set(slot, Arrays.copyOf(mine[0], n));
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int i = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 0, all, i, l.length);
            i += l.length;
        }
        Arrays.sort(all);
        double seconds = duration.toNanos() / 1e9;
        return new Result(name, connections, total, Arrays.stream(failures).sum(), seconds, total / seconds,
                pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e6;
    }

    /** One keep-alive HTTP/1.1 connection; understands Content-Length and chunked answers. */
    public static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        public Connection(String host, int port) {
            try {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(host, port), 5000);
                socket.setSoTimeout(30_000);
                in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
                out = socket.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException("cannot connect to " + host + ":" + port, e);
            }
        }

        public Response send(Request r, String hostHeader) throws IOException {
            byte[] body = r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256)
                    .append(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader).append("\r\n");
            if (r.authorization() != null) {
                head.append("Authorization: ").append(r.authorization()).append("\r\n");
            }
            if (r.body() != null) {
                head.append("Content-Type: ").append(r.contentType()).append("\r\n")
                        .append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (body.length > 0) {
                out.write(body);
            }
            out.flush();
            return read();
        }

        private Response read() throws IOException {
            String status = line();
            if (status == null) {
                throw new IOException("connection closed");
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            String h;
            while ((h = line()) != null && !h.isEmpty()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim();
                String value = h.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                while (true) {
                    int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                    if (size == 0) {
                        line();
                        break;
                    }
                    body.write(in.readNBytes(size));
                    line();
                }
            } else if (length > 0) {
                body.write(in.readNBytes((int) length));
            }
            return new Response(code, body.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                sb.append((char) b);
            }
            return sb.isEmpty() ? null : sb.toString();
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
