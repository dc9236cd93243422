package dev.plaza.im.comet;

import dev.plaza.im.comet.RoomBatcher.Message;
import dev.plaza.im.protocol.Auth;
import dev.plaza.im.protocol.Dialect;
import dev.plaza.im.protocol.Packet;
import dev.plaza.im.protocol.PacketDecoder;
import dev.plaza.kit.app.Lifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comet: holds clients' long connections (TCP and WebSocket {@code /sub}, goim and Bilibili-live dialects),
 * authenticates them through a {@link CometListener}, and pushes to them: to connection keys, to a room (batched per
 * room), or to everyone.
 *
 * <p>Threads: one acceptor and {@link CometConfig#workers} I/O event loops shared by both servers; one push thread
 * that closes and delivers room batches and reports online counts; virtual threads for the listener's calls, which
 * may block (gRPC to logic).
 */
public final class Comet implements Lifecycle, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Comet.class);
    /** A WebSocket frame may carry several client packets back to back. */
    static final int MAX_WS_FRAME = 64 * 1024;
    static final String WS_PATH = "/sub";

    private final CometConfig config;
    private final CometListener listener;
    private final CometMetrics metrics;
    private final Buckets buckets;
    private final ChannelGroup channels = new DefaultChannelGroup("comet", GlobalEventExecutor.INSTANCE);
    private final Object lifecycleLock = new Object();
    private boolean started;
    private volatile boolean running;
    private boolean closed;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private ScheduledThreadPoolExecutor pushThread;
    private ExecutorService listenerCalls;
    private RoomBatcher batcher;
    private ScheduledFuture<?> onlineReport;
    private Channel tcpServer;
    private Channel wsServer;

    public Comet(CometConfig config, CometListener listener, MeterRegistry registry) {
        this.config = config;
        this.listener = listener;
        this.metrics = new CometMetrics(registry);
        this.buckets = new Buckets(config.buckets());
        metrics.connections(buckets, Buckets::size);
    }

    /** Binds the servers that are on; {@link #tcpPort()} and {@link #wsPort()} tell where. */
    @Override
    public void start() {
        synchronized (lifecycleLock) {
            if (started) {
                throw new IllegalStateException("comet already started");
            }
            started = true;
            IoTransport io = IoTransport.best();
            Class<? extends ServerChannel> serverClass = io.serverChannel();
            acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("comet-accept"), io.ioHandlers());
            workers = new MultiThreadIoEventLoopGroup(config.workers(), new DefaultThreadFactory("comet-io"),
                    io.ioHandlers());
            pushThread = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "comet-push"));
            // the batches' timers are worthless once close() has flushed the batches
            pushThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            pushThread.setRemoveOnCancelPolicy(true);
            listenerCalls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("comet-listener-", 0).factory());
            batcher = new RoomBatcher(pushThread, config.batchDelay(), config.batchMax(), this::deliverRoom);
            try {
                if (config.tcpPort() != CometConfig.OFF) {
                    tcpServer = bind(serverClass, config.tcpPort(), new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("idle", idleHandler());
                            p.addLast("packets", new PacketDecoder(Packet.MAX_CLIENT_BODY));
                            p.addLast("connection", new ConnectionHandler(Comet.this, Transport.TCP));
                        }
                    });
                }
                if (config.wsPort() != CometConfig.OFF) {
                    WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                            .websocketPath(WS_PATH)
                            .checkStartsWith(true) // allow a query string
                            .maxFramePayloadLength(MAX_WS_FRAME)
                            .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
                            .allowExtensions(false)
                            .build();
                    wsServer = bind(serverClass, config.wsPort(), new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("idle", idleHandler());
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("http-aggregator", new HttpObjectAggregator(8192));
                            p.addLast("websocket", new WebSocketServerProtocolHandler(ws));
                            p.addLast("frame-aggregator", new WebSocketFrameAggregator(MAX_WS_FRAME));
                            p.addLast("packets", new WebSocketPacketDecoder());
                            p.addLast("connection", new ConnectionHandler(Comet.this, Transport.WEBSOCKET));
                        }
                    });
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            long every = config.onlineInterval().toNanos();
            onlineReport = pushThread.scheduleAtFixedRate(this::reportOnline, every, every, TimeUnit.NANOSECONDS);
            running = true;
            log.info("comet listening: tcp {}, websocket {} ({}, {} workers, {} buckets)", tcpPort(), wsPort(),
                    io.name(), config.workers(), config.buckets());
        }
    }

    private Channel bind(Class<? extends ServerChannel> serverClass, int port, ChannelInitializer<SocketChannel> init) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(serverClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(init);
        var future = b.bind(config.host(), port).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IllegalStateException("comet cannot listen on " + config.host() + ":" + port, future.cause());
        }
        channels.add(future.channel());
        return future.channel();
    }

    private IdleStateHandler idleHandler() {
        return new IdleStateHandler(config.heartbeatTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS);
    }

    /** The TCP server's bound port, or -1 when it is off. */
    public int tcpPort() {
        return port(tcpServer);
    }

    /** The WebSocket server's bound port, or -1 when it is off. */
    public int wsPort() {
        return port(wsServer);
    }

    private static int port(Channel server) {
        return server == null ? CometConfig.OFF : ((InetSocketAddress) server.localAddress()).getPort();
    }

    // ---- pushes (the job calls these over gRPC) ----

    /**
     * Pushes one message to the connections with these keys that accept {@code op}.
     *
     * @return how many connections it was queued for
     */
    public int pushKeys(Collection<String> keys, int op, byte[] body) {
        ensureRunning();
        metrics.pushKeys.increment();
        Encoded single = new Encoded(op, body);
        try {
            int n = 0;
            for (String key : keys) {
                Connection c = buckets.get(key);
                if (c != null && c.accepts(op) && c.send(single.forDialect(c.dialect()).retainedDuplicate())) {
                    n++;
                }
            }
            return n;
        } finally {
            single.release();
        }
    }

    /**
     * Sends a message to everyone in a room. Messages are gathered per room for up to {@link CometConfig#batchDelay}
     * (or {@link CometConfig#batchMax} of them) and go out together: goim clients get one {@code RAW} batch, Bilibili
     * clients with protover 2/3 one compressed packet, others each message as it is. Room messages are not filtered
     * by the connections' accepts (as in goim): the room is what the client asked for.
     */
    public void broadcastRoom(String room, int op, byte[] body) {
        broadcastRoom(room, op, List.of(body));
    }

    /**
     * Several messages of a room, in order (the job gathers a room's messages into one call). With no batch delay
     * configured they go out together at once, as one batch where the client's protocol batches.
     */
    public void broadcastRoom(String room, int op, List<byte[]> bodies) {
        ensureRunning();
        metrics.pushRoom.increment();
        List<Message> messages = new ArrayList<>(bodies.size());
        for (byte[] body : bodies) {
            messages.add(new Message(op, body));
        }
        try {
            batcher.addAll(room, messages);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("comet is closed", e);
        }
    }

    /**
     * Pushes one message to every connection that accepts {@code op}.
     *
     * @return how many connections it was queued for
     */
    public int broadcast(int op, byte[] body) {
        ensureRunning();
        metrics.pushBroadcast.increment();
        Encoded single = new Encoded(op, body);
        AtomicInteger n = new AtomicInteger();
        try {
            buckets.forEach(c -> {
                if (c.accepts(op) && c.send(single.forDialect(c.dialect()).retainedDuplicate())) {
                    n.incrementAndGet();
                }
            });
        } finally {
            single.release();
        }
        return n.get();
    }

    /**
     * Pushes one message to every connection that accepts {@code op}, at most {@code perSecond} connections a second
     * (goim's broadcast speed; 0 or less: all at once), so a broadcast to a full comet does not fill every socket
     * buffer in the same instant. A paced broadcast goes out on the push thread in slices a tenth of a second
     * apart and this returns at once; slices still waiting when the comet closes are not sent.
     *
     * @return how many connections it will be queued for
     */
    public int broadcast(int op, byte[] body, int perSecond) {
        if (perSecond <= 0) {
            return broadcast(op, body);
        }
        ensureRunning();
        metrics.pushBroadcast.increment();
        List<Connection> targets = new ArrayList<>();
        buckets.forEach(c -> {
            if (c.accepts(op)) {
                targets.add(c);
            }
        });
        int slice = Math.max(1, perSecond / 10);
        for (int from = 0, n = 0; from < targets.size(); from += slice, n++) {
            List<Connection> part = targets.subList(from, Math.min(targets.size(), from + slice));
            try {
                pushThread.schedule(() -> {
                    Encoded single = new Encoded(op, body); // per slice: nothing is held across the waits
                    try {
                        part.forEach(c -> c.send(single.forDialect(c.dialect()).retainedDuplicate()));
                    } finally {
                        single.release();
                    }
                }, n * 100L, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                throw new IllegalStateException("comet is closed", e);
            }
        }
        return targets.size();
    }

    /** Online count per room (rooms with nobody in them are left out). */
    public Map<String, Integer> rooms() {
        return buckets.rooms();
    }

    /** How many connections are in the room. */
    public int online(String room) {
        return buckets.online(room);
    }

    /** How many authenticated connections there are. */
    public int connections() {
        return buckets.size();
    }

    private void ensureRunning() {
        if (!running) {
            throw new IllegalStateException("comet is not running");
        }
    }

    /** One message encoded once per dialect, shared (zero-copy) by every connection it goes to. */
    private static final class Encoded {
        private final int op;
        private final byte[] body;
        private final EnumMap<Dialect, ByteBuf> byDialect = new EnumMap<>(Dialect.class);

        Encoded(int op, byte[] body) {
            this.op = op;
            this.body = body;
        }

        ByteBuf forDialect(Dialect d) {
            return byDialect.computeIfAbsent(d, k -> Connection.encode(ByteBufAllocator.DEFAULT, k.message(op, body)));
        }

        void release() {
            byDialect.values().forEach(ByteBuf::release);
        }
    }

    /** How a batch is put for one kind of client: the dialect, and the protover when it decides the packets. */
    private record BatchForm(Dialect dialect, int protover) {
        static BatchForm of(Connection c) {
            return new BatchForm(c.dialect(), c.dialect().batches(c.protover()) ? c.protover() : -1);
        }

        List<ByteBuf> encode(List<Message> messages) {
            List<Packet> packets = new ArrayList<>(messages.size());
            for (Message m : messages) {
                packets.add(dialect.message(m.op(), m.body()));
            }
            if (protover < 0) {
                List<ByteBuf> each = new ArrayList<>(packets.size());
                for (Packet p : packets) {
                    each.add(Connection.encode(ByteBufAllocator.DEFAULT, p));
                }
                return each;
            }
            return List.of(Connection.encode(ByteBufAllocator.DEFAULT, dialect.batch(packets, protover)));
        }
    }

    /** Delivers one closed room batch (push thread): encoded once per kind of client, shared by all. */
    private void deliverRoom(String room, List<Message> messages) {
        Map<BatchForm, List<ByteBuf>> forms = new HashMap<>(4);
        try {
            buckets.forEachMember(room, c -> {
                for (ByteBuf packets : forms.computeIfAbsent(BatchForm.of(c), f -> f.encode(messages))) {
                    if (!c.send(packets.retainedDuplicate())) {
                        break;
                    }
                }
            });
        } catch (RuntimeException e) {
            log.warn("delivering {} messages to room {} failed", messages.size(), room, e);
        } finally {
            forms.values().forEach(list -> list.forEach(ByteBuf::release));
        }
    }

    // ---- connections (called by ConnectionHandler on the channel's event loop) ----

    CometConfig config() {
        return config;
    }

    CometMetrics metrics() {
        return metrics;
    }

    void opened(Channel channel) {
        channels.add(channel);
    }

    static boolean isAnonymous(Auth auth) {
        return auth.mid() == 0 && auth.key().isEmpty();
    }

    /** Resolves an auth to a session: anonymous viewers by config here, everyone else by the listener, off-loop. */
    CompletableFuture<Session> authenticate(Auth auth) {
        if (isAnonymous(auth)) {
            if (!config.allowAnonymous()) {
                return CompletableFuture.failedFuture(new AnonymousRefusedException());
            }
            return CompletableFuture.completedFuture(
                    new Session(0, "anonymous:" + UUID.randomUUID(), auth.room(), auth.accepts()));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                Session s = listener.connect(auth);
                if (s == null) {
                    throw new IllegalStateException("listener returned no session");
                }
                return s.key().isBlank() ? s.withKey(UUID.randomUUID().toString()) : s;
            }, listenerCalls);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("comet is closing"));
        }
    }

    Connection newConnection(Channel channel, Transport transport, Auth auth, Session session) {
        return new Connection(channel, transport, auth.dialect(), auth.protover(), session, isAnonymous(auth),
                config.sendQueue(), metrics.dropped);
    }

    void register(Connection c) {
        buckets.register(c);
    }

    void unregister(Connection c) {
        buckets.unregister(c);
        log.debug("{} closed{}", c, c.replaced() ? " (replaced)" : "");
        if (!c.replaced()) {
            disconnected(c.session(), c.anonymous());
        }
    }

    void disconnected(Session session, boolean anonymous) {
        if (!anonymous) {
            callListener(() -> listener.disconnect(session), "disconnect");
        }
    }

    void changeRoom(Connection c, String room) {
        buckets.changeRoom(c, room);
    }

    void heartbeat(Connection c) {
        // logic only keeps the route alive; once per heartbeat timeout is plenty
        if (!c.anonymous() && c.heartbeatReportDue(System.nanoTime(), config.heartbeatTimeout().toNanos())) {
            Session s = c.session();
            callListener(() -> listener.heartbeat(s), "heartbeat");
        }
    }

    private void reportOnline() {
        Map<String, Integer> counts = Map.copyOf(rooms());
        callListener(() -> listener.online(counts), "online");
    }

    private void callListener(Runnable call, String what) {
        try {
            listenerCalls.execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    log.warn("listener {} failed: {}", what, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("comet closed; listener {} not called", what);
        }
    }

    // ---- shutdown ----

    /**
     * Stops accepting, sends the open room batches, waits up to {@link CometConfig#drainTimeout} for queued packets
     * to be written, closes every connection and stops the threads.
     */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (closed || !started) {
                closed = true;
                return;
            }
            closed = true;
            long deadline = System.nanoTime() + config.drainTimeout().toNanos();
            for (Channel server : new Channel[] {tcpServer, wsServer}) {
                if (server != null) {
                    server.close().awaitUninterruptibly(remainingMillis(deadline));
                }
            }
            if (onlineReport != null) {
                onlineReport.cancel(false);
            }
            // refuse new pushes first, so no batch opens after the flush below and is lost
            running = false;
            batcher.flushAll();
            pushThread.shutdown();
            awaitQuietly(pushThread, deadline);
            drainSendQueues(deadline);
            channels.close().awaitUninterruptibly(remainingMillis(deadline));
            // a zero quiet period: nothing new can arrive, the connections are closed
            var w = workers.shutdownGracefully(0, remainingMillis(deadline), TimeUnit.MILLISECONDS);
            var a = acceptor.shutdownGracefully(0, remainingMillis(deadline), TimeUnit.MILLISECONDS);
            w.awaitUninterruptibly(remainingMillis(deadline) + 100);
            a.awaitUninterruptibly(remainingMillis(deadline) + 100);
            // after the event loops: the connections' last disconnect calls are queued by now
            listenerCalls.shutdown();
            awaitQuietly(listenerCalls, deadline);
            log.info("comet closed");
        }
    }

    @Override
    public void stop() {
        close();
    }

    private void drainSendQueues(long deadline) {
        while (System.nanoTime() < deadline) {
            AtomicInteger queued = new AtomicInteger();
            buckets.forEach(c -> queued.addAndGet(c.queued()));
            if (queued.get() == 0) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static void awaitQuietly(ExecutorService executor, long deadline) {
        try {
            if (!executor.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
