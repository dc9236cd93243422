package dev.plaza.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The comet of a running {@code ./plaza up} under fan-out, with the clients on the same machine:
 * <ol>
 *   <li>connections: {@code --connections} goim clients (anonymous viewers) connect and join {@code --rooms}
 *   rooms; the server's heap is read from its metrics after a full GC ({@code jcmd <pid> GC.run}) before and after,
 *   for the heap per 10,000 connections;</li>
 *   <li>room broadcast: {@code --push-connections} closed-loop callers push small messages to the rooms through
 *   logic's HTTP API (logic -> Kafka -> job -> comet) for {@code --seconds}; the clients count every message that
 *   reaches them (op 9 batches are opened and their packets counted): deliveries per second.</li>
 * </ol>
 * The clients run on one selector thread and only walk packet headers. Usage: {@code java -Xmx1g -cp
 * bench/target/benchmarks.jar dev.plaza.bench.load.ImBench --pid <plaza pid> [--port 8080] [--comet-port 3101]
 * [--push-port 3111] [--connections 10000] [--rooms 1] [--push-connections 4] [--seconds 15]}.
 */
public final class ImBench {
    private static final int OP_AUTH = 7;
    private static final int OP_AUTH_REPLY = 8;
    private static final int OP_HEARTBEAT = 2;
    private static final int OP_RAW = 9;
    private static final int MESSAGE_OP = 1000;

    private final AtomicLong authed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchClient.args(argv);
        new ImBench().run(a.getOrDefault("host", "127.0.0.1"), Integer.parseInt(a.getOrDefault("port", "8080")),
                Integer.parseInt(a.getOrDefault("comet-port", "3101")),
                Integer.parseInt(a.getOrDefault("push-port", "3111")),
                Integer.parseInt(a.getOrDefault("connections", "10000")),
                Integer.parseInt(a.getOrDefault("rooms", "1")),
                Integer.parseInt(a.getOrDefault("push-connections", "4")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "15"))), a.get("pid"));
    }

    private void run(String host, int port, int cometPort, int pushPort, int connections, int rooms,
                     int pushConnections, Duration duration, String pid) throws Exception {
        BenchClient admin = new BenchClient(host, port);
        long roomBase = 900_000_000L + System.currentTimeMillis() % 1_000_000;
        double heapBefore = heap(admin, pid);
        double connectionsBefore = admin.metric("im_comet_connections{");

        Selector selector = Selector.open();
        List<SocketChannel> channels = new ArrayList<>(connections);
        long t0 = System.nanoTime();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread reader = Thread.ofPlatform().name("im-bench-reader").start(() -> read(selector, running));
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, cometPort));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            String auth = "{\"mid\":0,\"room_id\":\"live://" + (roomBase + i % rooms) + "\",\"platform\":\"bench\"}";
            ch.write(ByteBuffer.wrap(packet(1, OP_AUTH, 1, auth.getBytes(StandardCharsets.UTF_8))));
            ch.configureBlocking(false);
            channels.add(ch);
            ch.register(selector, SelectionKey.OP_READ, new Conn()); // does not wait for select() (JDK 11+)
            selector.wakeup();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (authed.get() < connections && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        double heapAfter = heap(admin, pid);
        double online = admin.metric("im_comet_connections{") - connectionsBefore;
        System.out.printf("connections: %,d opened, %,d authenticated in %.1f s, server gauge +%,.0f%n", connections,
                authed.get(), connectSeconds, online);
        System.out.printf("server heap after full GC: %,.1f MB before, %,.1f MB after: %,.1f MB per 10,000 "
                        + "connections%n", heapBefore / 1e6, heapAfter / 1e6,
                (heapAfter - heapBefore) / 1e6 / connections * 10_000);

        double droppedBefore = admin.metric("im_comet_packets_dropped_total{");
        byte[] body = "{\"cmd\":\"DANMU_MSG\",\"info\":[[0,1,25,16777215],\"bench\",[1,\"bench\"]]}"
                .getBytes(StandardCharsets.UTF_8);
        long deliveredBefore = delivered.get();
        long start = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        HttpLoad.Result pushes = HttpLoad.run("push room (HTTP -> Kafka -> job -> comet)", host, pushPort,
                pushConnections, Duration.ZERO, duration, i -> sent.incrementAndGet() > 0 ? new HttpLoad.Request("POST",
                        "/goim/push/room?operation=" + MESSAGE_OP + "&type=live&room=" + (roomBase + i % rooms),
                        "text/plain", new String(body, StandardCharsets.UTF_8), null) : null, BenchClient::codeZero);
        long pushedAt = System.nanoTime();
        // let what is in flight arrive: until deliveries stop growing for 3 s (at most 3 minutes)
        long last = -1;
        long quietSince = System.nanoTime();
        long lastGrowth = System.nanoTime();
        while (System.nanoTime() - quietSince < 3_000_000_000L && System.nanoTime() - start < 180_000_000_000L) {
            long now = delivered.get();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
                lastGrowth = quietSince;
            }
            Thread.sleep(200);
        }
        double seconds = (lastGrowth - start) / 1e9;
        long got = delivered.get() - deliveredBefore;
        // every push sent counts, also those still in flight when the measured window closed
        long expected = (sent.get() - pushes.failures()) * (connections / rooms);
        System.out.println(HttpLoad.Result.header());
        System.out.println(pushes.row(0));
        System.out.printf("room broadcast: %,d messages pushed (%,.0f/s), %,d deliveries to %,d connections in "
                        + "%.1f s = %,.0f deliveries/s; %.4f of the expected %,d; dropped by full send queues: %,.0f; "
                        + "connections lost: %d%n", sent.get() - pushes.failures(), pushes.throughput(), got,
                connections, seconds, got / seconds, expected == 0 ? 0 : (double) got / expected, expected,
                admin.metric("im_comet_packets_dropped_total{") - droppedBefore, closed.get());
        System.out.printf("(pushing took %.1f s; the rest is draining the backlog)%n", (pushedAt - start) / 1e9);
        running.set(false);
        selector.wakeup();
        reader.join();
        for (SocketChannel ch : channels) {
            ch.close();
        }
    }

    /** Server heap in use after a full GC (0 without a pid). */
    private static double heap(BenchClient admin, String pid) throws Exception {
        if (pid == null) {
            return 0;
        }
        String jcmd = ProcessHandle.current().info().command().orElse("java").replaceAll("java$", "jcmd");
        new ProcessBuilder(jcmd, pid, "GC.run").redirectErrorStream(true).start().waitFor();
        admin.reconnect();
        double sum = 0;
        for (String line : admin.raw("GET", "/metrics", null, null).body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Per connection: bytes of a packet not complete yet, and when it last sent a heartbeat. */
    private static final class Conn {
        byte[] pending = new byte[0];
        long lastBeat = System.nanoTime();
    }

    private void read(Selector selector, AtomicBoolean running) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 18);
        byte[] beat = packet(1, OP_HEARTBEAT, 2, new byte[0]);
        try {
            while (running.get()) {
                selector.select(1000);
                long now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    Conn c = (Conn) key.attachment();
                    buf.clear();
                    buf.put(c.pending);
                    int n;
                    try {
                        n = ch.read(buf);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        closed.incrementAndGet();
                        key.cancel();
                        continue;
                    }
                    buf.flip();
                    consume(buf);
                    c.pending = new byte[buf.remaining()];
                    buf.get(c.pending);
                    if (now - c.lastBeat > 20_000_000_000L) {
                        c.lastBeat = now;
                        try {
                            ch.write(ByteBuffer.wrap(beat));
                        } catch (IOException ignored) {
                            // counted when the read fails
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Walks the complete packets at the buffer's position, leaving a partial one unread. */
    private void consume(ByteBuffer b) {
        while (b.remaining() >= 16) {
            int at = b.position();
            int len = b.getInt(at);
            if (b.remaining() < len) {
                return;
            }
            int op = b.getInt(at + 8);
            if (op == OP_AUTH_REPLY) {
                authed.incrementAndGet();
            } else if (op == OP_RAW) {
                int inner = at + 16;
                while (inner < at + len) {
                    delivered.incrementAndGet();
                    inner += b.getInt(inner);
                }
            } else if (op == MESSAGE_OP) {
                delivered.incrementAndGet();
            }
            b.position(at + len);
        }
    }

    private static byte[] packet(int ver, int op, int seq, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putShort((short) 16)
                .putShort((short) ver).putInt(op).putInt(seq).put(body).array();
    }
}
