package dev.plaza.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Private-message latency of a running {@code ./plaza up}, from the send to the receiver's socket, with the clients on
 * the same machine. {@code --pairs} sender/receiver pairs of fresh users; every receiver holds one goim TCP
 * connection to the comet (authenticated with its token, heartbeats every 20 s), all on one selector thread. The
 * senders send {@code POST /web_im/v1/web_im/send_msg} open loop at {@code --rate} messages per second in total,
 * round-robin over the pairs (send i leaves at start + i / rate on a pooled keep-alive connection, from its own
 * virtual thread, so slow answers do not lower the offered rate). Each text carries a nonce ({@code pm <pair> <i>});
 * the receivers parse the op 1001 {@code PM_MSG} pushes (stored in MariaDB, announced on Kafka, pushed by the pm job
 * through logic -> Kafka -> im job -> comet), dedup them by msg_key (pushes are at least once) and time them.
 *
 * <p>Reported for the sends scheduled after {@code --warmup}, over {@code --seconds}: sent, acknowledged (code 0),
 * refused (by code), received, lost (acknowledged but not on the receiver's socket 10 s after the last send),
 * duplicates, and the percentiles of send -> receiver's socket next to those of the send_msg HTTP answer (the rest
 * is the asynchronous delivery). Latencies count from just before the request is written.
 *
 * <p>Usage: start the server with the per-user send limit out of the way ({@code ./plaza up --set
 * im.pm.rules.sendBurst=1000000}; the default, 20 messages per user per 10 s, refuses with -509), then {@code java
 * -cp bench/target/benchmarks.jar dev.plaza.bench.load.PmBench [--port 8080] [--comet-port 3101] [--pairs 50]
 * [--rate 200] [--seconds 20] [--warmup 5] [--connections 64] [--grace 10]}.
 */
public final class PmBench {
    private static final String USAGE = "usage: java -cp bench/target/benchmarks.jar dev.plaza.bench.load.PmBench "
            + "[--host 127.0.0.1] [--port 8080] [--comet-port 3101] [--pairs 50] [--rate 200] [--seconds 20] "
            + "[--warmup 5] [--connections 64] [--grace 10]\n"
            + "Start the server with --set im.pm.rules.sendBurst=1000000 (the default per-user send limit, 20 "
            + "messages per 10 s, refuses a bench's sends with -509).";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEND_PATH = "/web_im/v1/web_im/send_msg";
    private static final int OP_HEARTBEAT = 2;
    private static final int OP_AUTH = 7;
    private static final int OP_AUTH_REPLY = 8;
    private static final int OP_RAW = 9;
    private static final int OP_PM = 1001;
    private static final long HEARTBEAT_NANOS = 20_000_000_000L;
    private static final int MAX_PACKET = 1 << 20;
    /** The outcome of a send whose answer is not in (yet). */
    private static final String NO_ANSWER = "no answer";
    private static final String OK = "0";
    private static final String TOO_FAST = "-509";

    private final String host;
    private final int port;

    // per send i (all sends, warm-up included)
    private AtomicLongArray sentAt;     // System.nanoTime() just before the request was written
    private AtomicLongArray answerNanos; // the HTTP answer's latency
    private AtomicLongArray msgKeys;     // from the answer
    private AtomicReferenceArray<String> outcomes; // the answer's code, or what went wrong
    private AtomicLongArray receivedAt;  // first push of it on the receiver's socket
    private AtomicLongArray copies;      // pushes of it beyond the first

    // the receivers' side
    private final AtomicLong authed = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong(); // pushes that are not one of this run's messages
    private final AtomicLong pushes = new AtomicLong();

    private PmBench(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public static void main(String[] argv) throws Exception {
        if (Arrays.asList(argv).contains("--help") || Arrays.asList(argv).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Map<String, String> a = BenchClient.args(argv);
        PmBench bench = new PmBench(a.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(a.getOrDefault("port", "8080")));
        bench.run(Integer.parseInt(a.getOrDefault("comet-port", "3101")),
                Integer.parseInt(a.getOrDefault("pairs", "50")),
                Double.parseDouble(a.getOrDefault("rate", "200")),
                Double.parseDouble(a.getOrDefault("warmup", "5")),
                Double.parseDouble(a.getOrDefault("seconds", "20")),
                Integer.parseInt(a.getOrDefault("connections", "64")),
                Double.parseDouble(a.getOrDefault("grace", "10")));
    }

    private void run(int cometPort, int pairs, double rate, double warmupSeconds, double seconds, int connections,
                     double graceSeconds) throws Exception {
        if (pairs < 1 || rate <= 0 || seconds <= 0 || warmupSeconds < 0 || connections < 1) {
            throw new IllegalArgumentException("--pairs, --rate, --seconds and --connections must be positive\n"
                    + USAGE);
        }
        System.out.println("(the server must run with --set im.pm.rules.sendBurst=1000000, see --help)");
        BenchClient admin = new BenchClient(host, port);
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<String> tokens = admin.users("pm_" + runId, 2 * pairs);
        long[] mids = new long[2 * pairs];
        for (int u = 0; u < mids.length; u++) {
            JsonNode nav = admin.call("GET", "/x/web-interface/nav", null, tokens.get(u));
            mids[u] = nav.path("data").path("mid").asLong();
            if (mids[u] <= 0) {
                throw new IllegalStateException("could not log in bench user " + u + ": " + nav);
            }
        }

        // receivers: user pairs + p, one goim connection each
        Selector selector = Selector.open();
        List<Receiver> receivers = new ArrayList<>(pairs);
        for (int p = 0; p < pairs; p++) {
            long mid = mids[pairs + p];
            String key = tokens.get(pairs + p).substring("Bearer ".length());
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, cometPort));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            String auth = "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"\",\"platform\":\"bench\","
                    + "\"accepts\":[]}";
            ch.write(ByteBuffer.wrap(packet(OP_AUTH, 1, auth.getBytes(StandardCharsets.UTF_8))));
            ch.configureBlocking(false);
            Receiver r = new Receiver(ch, mid);
            receivers.add(r);
            ch.register(selector, SelectionKey.OP_READ, r);
        }
        int total = (int) Math.ceil((warmupSeconds + seconds) * rate);
        int firstMeasured = (int) Math.ceil(warmupSeconds * rate);
        sentAt = new AtomicLongArray(total);
        answerNanos = new AtomicLongArray(total);
        msgKeys = new AtomicLongArray(total);
        outcomes = new AtomicReferenceArray<>(total);
        receivedAt = new AtomicLongArray(total);
        copies = new AtomicLongArray(total);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread reader = Thread.ofPlatform().name("pm-bench-receivers").start(() -> read(selector, receivers, running));
        long authDeadline = System.nanoTime() + 30_000_000_000L;
        while (authed.get() + closed.get() < pairs && System.nanoTime() < authDeadline) {
            Thread.sleep(20);
        }
        if (authed.get() < pairs) {
            running.set(false);
            selector.wakeup();
            reader.join();
            throw new IllegalStateException(authed.get() + " of " + pairs + " receiver connections authenticated on "
                    + host + ":" + cometPort + " (" + closed.get() + " closed by the comet): is the comet on that "
                    + "port, and does it take account tokens?");
        }
        System.out.printf("%d pairs (%d users), %d receiver connections authenticated; %.0f messages/s offered "
                        + "(%.2f per sender per second), %.0f s warm-up, %.0f s measured, up to %d HTTP "
                        + "connections%n%n",
                pairs, 2 * pairs, pairs, rate, rate / pairs, warmupSeconds, seconds, connections);

        // senders: open loop, send i at t0 + i / rate
        String hostHeader = host + ":" + port;
        ConcurrentLinkedQueue<HttpLoad.Connection> pool = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(connections);
        CountDownLatch answered = new CountDownLatch(total);
        long[] lag = new long[total];
        double periodNanos = 1e9 / rate;
        long t0 = System.nanoTime() + 100_000_000L;
        for (int i = 0; i < total; i++) {
            outcomes.set(i, NO_ANSWER);
        }
        for (int i = 0; i < total; i++) {
            int idx = i;
            int pair = i % pairs;
            String body = BenchClient.form("msg[receiver_id]", Long.toString(mids[pairs + pair]),
                    "msg[receiver_type]", "1", "msg[msg_type]", "1",
                    "msg[content]", "{\"content\":\"pm " + pair + " " + i + "\"}");
            HttpLoad.Request request = new HttpLoad.Request("POST", SEND_PATH, BenchClient.FORM, body,
                    tokens.get(pair));
            long due = t0 + (long) (i * periodNanos);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            Thread.ofVirtual().start(() -> {
                try {
                    slots.acquireUninterruptibly();
                    try {
                        send(idx, request, hostHeader, pool, due, lag);
                    } finally {
                        slots.release();
                    }
                } finally {
                    answered.countDown();
                }
            });
        }
        long sendEnd = System.nanoTime();
        long graceEnd = sendEnd + (long) (graceSeconds * 1e9);
        if (!answered.await(60, TimeUnit.SECONDS)) {
            System.out.println("(some send_msg answers did not come within 60 s of the last send)");
        }
        // until every acknowledged message is in, or the grace period is over; a little longer for duplicates
        while (System.nanoTime() < graceEnd && !allIn(0, total)) {
            Thread.sleep(20);
        }
        Thread.sleep(Math.max(0, Math.min(500, (graceEnd - System.nanoTime()) / 1_000_000)));
        running.set(false);
        selector.wakeup();
        reader.join();
        for (Receiver r : receivers) {
            r.channel.close();
        }
        pool.forEach(HttpLoad.Connection::closeQuietly);
        report(firstMeasured, total, seconds, graceSeconds, lag);
    }

    /** One send on a pooled connection (a new one when none is free); its outcome into the arrays. */
    private void send(int i, HttpLoad.Request request, String hostHeader,
                      ConcurrentLinkedQueue<HttpLoad.Connection> pool, long due, long[] lag) {
        HttpLoad.Connection conn = pool.poll();
        try {
            if (conn == null) {
                conn = new HttpLoad.Connection(host, port);
            }
        } catch (RuntimeException e) {
            outcomes.set(i, "cannot connect");
            return;
        }
        long start = System.nanoTime();
        sentAt.set(i, start);
        lag[i] = start - due;
        HttpLoad.Response r;
        try {
            r = conn.send(request, hostHeader);
        } catch (IOException e) {
            answerNanos.set(i, System.nanoTime() - start);
            conn.closeQuietly();
            outcomes.set(i, "I/O error");
            return;
        }
        answerNanos.set(i, System.nanoTime() - start);
        pool.offer(conn);
        String outcome;
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n != null && n.has("code")) {
                outcome = n.get("code").asText();
                if (outcome.equals(OK)) {
                    msgKeys.set(i, n.path("data").path("msg_key").asLong());
                }
            } else {
                outcome = "HTTP " + r.status();
            }
        } catch (IOException e) {
            outcome = "HTTP " + r.status() + " (not JSON)";
        }
        outcomes.set(i, outcome);
    }

    private boolean allIn(int from, int to) {
        for (int i = from; i < to; i++) {
            if (outcomes.get(i).equals(OK) && receivedAt.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    private void report(int from, int to, double seconds, double graceSeconds, long[] lag) {
        int sent = to - from;
        long acked = 0;
        long received = 0;
        long lost = 0;
        long duplicates = 0;
        long receivedUnacked = 0;
        Map<String, Long> refused = new TreeMap<>();
        long[] endToEnd = new long[sent];
        long[] answers = new long[sent];
        long[] afterAnswer = new long[sent];
        long[] lags = Arrays.copyOfRange(lag, from, to);
        int e2e = 0;
        int http = 0;
        int after = 0;
        for (int i = from; i < to; i++) {
            String outcome = outcomes.get(i);
            boolean ok = outcome.equals(OK);
            long got = receivedAt.get(i);
            duplicates += copies.get(i);
            if (ok) {
                acked++;
                answers[http++] = answerNanos.get(i);
            } else {
                refused.merge(outcome, 1L, Long::sum);
            }
            if (got != 0) {
                received++;
                endToEnd[e2e] = got - sentAt.get(i);
                if (ok) {
                    afterAnswer[after++] = got - sentAt.get(i) - answerNanos.get(i);
                } else {
                    receivedUnacked++;
                }
                e2e++;
            } else if (ok) {
                lost++;
            }
        }
        long[] e2eSorted = sorted(endToEnd, e2e);
        long[] httpSorted = sorted(answers, http);
        long[] afterSorted = sorted(afterAnswer, after);
        Arrays.sort(lags);

        System.out.println("| messages | count |");
        System.out.println("|---|---:|");
        System.out.printf("| sent (scheduled after the warm-up) | %,d (%,.1f/s) |%n", sent, sent / seconds);
        System.out.printf("| acknowledged (code 0) | %,d |%n", acked);
        if (refused.isEmpty()) {
            System.out.println("| refused | 0 |");
        }
        refused.forEach((code, n) -> System.out.printf("| refused: %s | %,d |%n", code, n));
        System.out.printf("| received on the receiver's socket | %,d |%n", received);
        System.out.printf("| lost (acknowledged, not received %.0f s after the last send) | %,d |%n", graceSeconds,
                lost);
        System.out.printf("| duplicates (same msg_key again) | %,d |%n", duplicates);
        if (receivedUnacked > 0) {
            System.out.printf("| received without a code-0 answer | %,d |%n", receivedUnacked);
        }
        System.out.println();
        System.out.println("| latency | n | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        System.out.println(row("send_msg HTTP answer (acknowledged)", httpSorted));
        System.out.println(row("send -> receiver's socket", e2eSorted));
        System.out.println(row("answer -> receiver's socket (same message)", afterSorted));
        System.out.println();
        System.out.printf("p50: the HTTP answer is %.0f%% of send -> socket, the asynchronous delivery after it the "
                        + "rest. Sends started late by p99 %.2f ms, max %.2f ms (client-side lag behind the schedule)."
                        + "%n", HttpLoad.pct(e2eSorted, 0.5) == 0 ? 0
                        : 100 * HttpLoad.pct(httpSorted, 0.5) / HttpLoad.pct(e2eSorted, 0.5),
                HttpLoad.pct(lags, 0.99), lags.length == 0 ? 0 : lags[lags.length - 1] / 1e6);
        if (closed.get() > 0 || foreign.get() > 0) {
            System.out.printf("receiver connections closed by the server: %d; pushes not from this run: %d%n",
                    closed.get(), foreign.get());
        }
        Long tooFast = refused.get(TOO_FAST);
        if (tooFast != null) {
            System.out.printf("%nHINT: %,d sends were refused with -509 (too frequent): the server's per-user send "
                    + "limit (im.pm.rules.sendBurst, default 20 messages per 10 s) is in the way. Restart the server "
                    + "with --set im.pm.rules.sendBurst=1000000.%n", tooFast);
        }
    }

    private static long[] sorted(long[] values, int n) {
        long[] s = Arrays.copyOf(values, n);
        Arrays.sort(s);
        return s;
    }

    private static String row(String name, long[] sorted) {
        return String.format("| %s | %,d | %.2f | %.2f | %.2f | %.2f |", name, sorted.length, HttpLoad.pct(sorted, 0.5),
                HttpLoad.pct(sorted, 0.9), HttpLoad.pct(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    // ---- the receivers: one selector thread ----

    /** One receiver's connection: bytes of a packet not complete yet, when it last sent a heartbeat. */
    private static final class Receiver {
        final SocketChannel channel;
        final long mid;
        byte[] pending = new byte[0];
        long lastBeat = System.nanoTime();
        int seq = 1;
        boolean authed;
        boolean open = true;
        final Set<Long> seen = new HashSet<>();

        Receiver(SocketChannel channel, long mid) {
            this.channel = channel;
            this.mid = mid;
        }
    }

    private void read(Selector selector, List<Receiver> receivers, AtomicBoolean running) {
        ByteBuffer buf = ByteBuffer.allocate(2 * MAX_PACKET);
        try {
            while (running.get()) {
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    Receiver r = (Receiver) key.attachment();
                    buf.clear();
                    buf.put(r.pending);
                    int n;
                    try {
                        n = r.channel.read(buf);
                    } catch (IOException e) {
                        n = -1;
                    }
                    long now = System.nanoTime();
                    buf.flip();
                    if (n < 0 || !consume(r, buf, now)) {
                        r.open = false;
                        closed.incrementAndGet();
                        key.cancel();
                        continue;
                    }
                    r.pending = new byte[buf.remaining()];
                    buf.get(r.pending);
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                for (Receiver r : receivers) {
                    if (r.open && r.authed && now - r.lastBeat > HEARTBEAT_NANOS) {
                        r.lastBeat = now;
                        try {
                            r.channel.write(ByteBuffer.wrap(packet(OP_HEARTBEAT, ++r.seq, new byte[0])));
                        } catch (IOException ignored) {
                            // counted when the read fails
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Handles the complete packets at the buffer's position, leaving a partial one unread.
     *
     * @return false when the stream is not goim packets
     */
    private boolean consume(Receiver r, ByteBuffer b, long now) {
        while (b.remaining() >= 16) {
            int at = b.position();
            int len = b.getInt(at);
            int headerLen = b.getShort(at + 4);
            if (len < 16 || len > MAX_PACKET || headerLen < 16 || headerLen > len) {
                return false;
            }
            if (b.remaining() < len) {
                return true;
            }
            int op = b.getInt(at + 8);
            if (op == OP_AUTH_REPLY && !r.authed) {
                r.authed = true;
                authed.incrementAndGet();
            } else if (op == OP_PM) {
                onPush(r, b, at + headerLen, len - headerLen, now);
            } else if (op == OP_RAW) {
                int inner = at + headerLen;
                while (inner + 16 <= at + len) {
                    int innerLen = b.getInt(inner);
                    int innerHeader = b.getShort(inner + 4);
                    if (innerLen < 16 || innerHeader < 16 || innerHeader > innerLen || inner + innerLen > at + len) {
                        return false;
                    }
                    if (b.getInt(inner + 8) == OP_PM) {
                        onPush(r, b, inner + innerHeader, innerLen - innerHeader, now);
                    }
                    inner += innerLen;
                }
            }
            b.position(at + len);
        }
        return true;
    }

    /** A {@code PM_MSG} push: its nonce names the send; the first copy of a msg_key times it. */
    private void onPush(Receiver r, ByteBuffer b, int from, int len, long now) {
        pushes.incrementAndGet();
        byte[] body = new byte[len];
        b.get(from, body);
        try {
            JsonNode data = JSON.readTree(body).path("data");
            long msgKey = data.path("msg_key").asLong();
            String text = JSON.readTree(data.path("content").asText()).path("content").asText();
            String[] parts = text.split(" ");
            if (parts.length != 3 || !parts[0].equals("pm") || data.path("receiver_id").asLong() != r.mid) {
                foreign.incrementAndGet();
                return;
            }
            int i = Integer.parseInt(parts[2]);
            if (i < 0 || i >= receivedAt.length()) {
                foreign.incrementAndGet();
                return;
            }
            if (!r.seen.add(msgKey)) {
                copies.incrementAndGet(i);
            } else if (receivedAt.get(i) == 0) {
                receivedAt.set(i, now);
            }
        } catch (IOException | RuntimeException e) {
            foreign.incrementAndGet();
        }
    }

    private static byte[] packet(int op, int seq, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putShort((short) 16)
                .putShort((short) 1).putInt(op).putInt(seq).put(body).array();
    }
}
