package dev.plaza.im.comet;

import dev.plaza.im.protocol.Dialect;
import dev.plaza.im.protocol.Packet;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One authenticated connection: its channel, how it speaks (dialect, protover, transport), who it is (session) and
 * what it wants (room, operation filter). Pushes come from any thread; the room and filter change on the channel's
 * event loop only, so they are volatile rather than locked.
 */
final class Connection {
    private final Channel channel;
    private final Transport transport;
    private final Dialect dialect;
    private final int protover;
    private final Session session;
    private final boolean anonymous;
    private final int maxQueued;
    private final Counter dropped;
    /** Packets handed to Netty and not yet written to the socket (or failed): the connection's send queue. */
    private final AtomicInteger queued = new AtomicInteger();
    private final ChannelFutureListener dequeue;
    private volatile String room;
    private volatile OpFilter filter;
    /** Set when a newer connection took this key: logic must not hear of a disconnect for a key still online. */
    private volatile boolean replaced;
    /** Event loop only. */
    private boolean heartbeatReported;
    private long lastHeartbeatReport;

    Connection(Channel channel, Transport transport, Dialect dialect, int protover, Session session,
               boolean anonymous, int maxQueued, Counter dropped) {
        this.channel = channel;
        this.transport = transport;
        this.dialect = dialect;
        this.protover = protover;
        this.session = session;
        this.anonymous = anonymous;
        this.maxQueued = maxQueued;
        this.dropped = dropped;
        this.room = session.room();
        this.filter = OpFilter.of(session.accepts());
        this.dequeue = f -> queued.decrementAndGet();
    }

    /**
     * Queues whole packets for writing, taking ownership of {@code packets}. When the connection already has its
     * fill waiting (a slow or stalled reader) the packets are dropped and counted instead: one slow client must not
     * grow the server's memory or hold up anyone else.
     *
     * @return whether the packets were queued
     */
    boolean send(ByteBuf packets) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            packets.release();
            dropped.increment();
            return false;
        }
        channel.writeAndFlush(transport.frame(packets)).addListener(dequeue);
        return true;
    }

    boolean send(Packet packet) {
        return send(encode(channel.alloc(), packet));
    }

    static ByteBuf encode(ByteBufAllocator alloc, Packet packet) {
        ByteBuf buf = alloc.buffer(packet.length());
        packet.writeTo(buf);
        return buf;
    }

    boolean accepts(int op) {
        return filter.accepts(op);
    }

    Channel channel() {
        return channel;
    }

    Dialect dialect() {
        return dialect;
    }

    int protover() {
        return protover;
    }

    Session session() {
        return session;
    }

    String key() {
        return session.key();
    }

    boolean anonymous() {
        return anonymous;
    }

    boolean readOnly() {
        return anonymous || session.readOnly();
    }

    String room() {
        return room;
    }

    void room(String newRoom) {
        this.room = newRoom;
    }

    OpFilter filter() {
        return filter;
    }

    void filter(OpFilter newFilter) {
        this.filter = newFilter;
    }

    int queued() {
        return queued.get();
    }

    boolean replaced() {
        return replaced;
    }

    void markReplaced() {
        this.replaced = true;
    }

    /** Whether logic should hear of a heartbeat now; at most once per {@code every} nanoseconds. */
    boolean heartbeatReportDue(long nowNanos, long everyNanos) {
        if (heartbeatReported && nowNanos - lastHeartbeatReport < everyNanos) {
            return false;
        }
        heartbeatReported = true;
        lastHeartbeatReport = nowNanos;
        return true;
    }

    @Override
    public String toString() {
        return "Connection[" + session.key() + " mid=" + session.mid() + " " + dialect + " " + transport + " room="
                + room + " " + channel.remoteAddress() + "]";
    }
}
