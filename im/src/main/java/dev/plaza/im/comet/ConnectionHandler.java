package dev.plaza.im.comet;

import dev.plaza.im.protocol.Auth;
import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import dev.plaza.im.protocol.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import dev.plaza.kit.http.HttpEdge;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's state machine, the same for TCP and WebSocket (both decode to {@link Packet}s before it):
 * NEW (the first packet must be auth, within the handshake timeout) -> AUTHENTICATING (the listener is asked, off the
 * event loop) -> OPEN (heartbeats, room changes, sub/unsub, messages) -> CLOSED. Every field is touched on the
 * channel's event loop only.
 *
 * <p>A browser's WebSocket may leave the auth's key empty and be known by its session cookie instead: the handshake's
 * {@code SESSDATA} is used as the key, so that pages need not keep the token where scripts can read it. Only when
 * the handshake's {@code Origin} is on the comet's own host (or absent: not a browser), so that another site's page
 * cannot connect as its visitor; and a cookie the listener refuses leaves the connection anonymous, as asked.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Packets a client may send right behind its auth before the answer; reading pauses meanwhile, so few come. */
    private static final int MAX_EARLY_PACKETS = 16;
    private static final int MAX_ROOM_LENGTH = 256;

    private enum State { NEW, AUTHENTICATING, OPEN, CLOSED }

    private final Comet comet;
    private final Transport transport;
    private final ArrayDeque<Packet> early = new ArrayDeque<>(2);
    private State state = State.NEW;
    private Connection connection;
    private ScheduledFuture<?> handshakeTimer;
    /** The session cookie of a WebSocket handshake from this host, or null. */
    private String cookieToken;

    ConnectionHandler(Comet comet, Transport transport) {
        this.comet = comet;
        this.transport = transport;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        comet.opened(ctx.channel());
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state == State.NEW || state == State.AUTHENTICATING) {
                refuse(ctx, CometMetrics.TIMEOUT, "no auth within " + comet.config().handshakeTimeout());
            }
        }, comet.config().handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Packet p)) {
            ReferenceCountUtil.release(msg);
            protocolError(ctx, "unexpected message " + msg.getClass().getSimpleName());
            return;
        }
        switch (state) {
            case NEW -> authenticate(ctx, p);
            case AUTHENTICATING -> {
                if (early.size() >= MAX_EARLY_PACKETS) {
                    protocolError(ctx, "too many packets before the auth reply");
                } else {
                    early.add(p);
                }
            }
            case OPEN -> operate(ctx, p);
            case CLOSED -> {
                // the rest of a read that arrived after we decided to close
            }
        }
    }

    private void authenticate(ChannelHandlerContext ctx, Packet p) {
        if (p.op() != Op.AUTH) {
            refuse(ctx, CometMetrics.PROTOCOL, "first packet was op " + p.op() + ", not auth");
            return;
        }
        Auth auth;
        try {
            auth = Auth.parse(p.body());
        } catch (ProtocolException e) {
            refuse(ctx, CometMetrics.PROTOCOL, e.getMessage());
            return;
        }
        state = State.AUTHENTICATING;
        // nothing else is read until the listener answers: the auth reply must be the first thing the client sees
        ctx.channel().config().setAutoRead(false);
        Auth asked = auth.key().isEmpty() && cookieToken != null ? auth.withKey(cookieToken) : auth;
        ask(ctx, p.seq(), asked, auth);
    }

    /** Asks the comet about {@code auth}; {@code fallback} is what to ask next if a cookie's key is refused. */
    private void ask(ChannelHandlerContext ctx, int seq, Auth auth, Auth fallback) {
        comet.authenticate(auth).whenComplete((session, error) -> {
            try {
                if (ctx.executor().inEventLoop()) {
                    authenticated(ctx, seq, auth, fallback, session, error);
                } else {
                    ctx.executor().execute(() -> authenticated(ctx, seq, auth, fallback, session, error));
                }
            } catch (RejectedExecutionException e) {
                // the comet is shutting down; the channel goes with it
                if (session != null) {
                    comet.disconnected(session, Comet.isAnonymous(auth));
                }
            }
        });
    }

    private void authenticated(ChannelHandlerContext ctx, int seq, Auth auth, Auth fallback, Session session,
                               Throwable error) {
        if (state != State.AUTHENTICATING || !ctx.channel().isActive()) {
            // closed while logic was thinking: tell logic the admitted session is gone already
            if (session != null) {
                comet.disconnected(session, Comet.isAnonymous(auth));
            }
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof AuthRefusedException && auth != fallback) {
                // the cookie's session is gone (expired, logged out): go on as the client asked, without it
                ask(ctx, seq, fallback, fallback);
                return;
            }
            if (cause instanceof AnonymousRefusedException) {
                refuse(ctx, CometMetrics.ANONYMOUS, cause.getMessage());
            } else if (cause instanceof AuthRefusedException) {
                refuse(ctx, CometMetrics.REFUSED, cause.getMessage());
            } else {
                log.warn("auth of {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
                refuse(ctx, CometMetrics.ERROR, cause.toString());
            }
            return;
        }
        handshakeTimer.cancel(false);
        connection = comet.newConnection(ctx.channel(), transport, auth, session);
        comet.register(connection);
        // pushes come from other threads and reach this channel as tasks queued behind the running one, so the auth
        // reply written here, in the same task, still goes out first
        connection.send(auth.dialect().authReply(seq));
        state = State.OPEN;
        log.debug("{} authenticated", connection);
        while (state == State.OPEN && !early.isEmpty()) {
            operate(ctx, early.poll());
        }
        ctx.channel().config().setAutoRead(true);
    }

    private void operate(ChannelHandlerContext ctx, Packet p) {
        Connection c = connection;
        switch (p.op()) {
            case Op.HEARTBEAT -> {
                c.send(c.dialect().heartbeatReply(p.seq(), comet.online(c.room())));
                comet.heartbeat(c);
            }
            case Op.CHANGE_ROOM -> {
                String room = p.bodyText().trim();
                if (room.length() > MAX_ROOM_LENGTH || !(room.isEmpty() || room.contains("://"))) {
                    protocolError(ctx, "room must look like type://id");
                    return;
                }
                comet.changeRoom(c, room);
                c.send(reply(p, Op.CHANGE_ROOM_REPLY));
            }
            case Op.SUB -> {
                c.filter(c.filter().sub(ops(p)));
                c.send(reply(p, Op.SUB_REPLY));
            }
            case Op.UNSUB -> {
                c.filter(c.filter().unsub(ops(p)));
                c.send(reply(p, Op.UNSUB_REPLY));
            }
            case Op.SEND_MSG -> {
                if (c.readOnly()) {
                    // anonymous viewers watch only; not worth closing over
                    log.debug("{} is read-only; message ignored", c);
                } else {
                    // until messages are routed through logic, the comet answers with the message itself
                    c.send(reply(p, Op.SEND_MSG_REPLY));
                }
            }
            default -> log.debug("{} sent op {}; ignored", c, p.op());
        }
    }

    private static Packet reply(Packet request, int op) {
        return new Packet(request.ver(), op, request.seq(), request.body());
    }

    /** Operations of a SUB/UNSUB body, comma-separated; what is not a number is skipped, as goim does. */
    private static List<Integer> ops(Packet p) {
        List<Integer> ops = new ArrayList<>();
        for (String s : p.bodyText().split(",")) {
            try {
                ops.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                // skipped
            }
        }
        return ops;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeComplete hs) {
            cookieToken = sameHostSessionCookie(hs.requestHeaders());
            ctx.fireUserEventTriggered(evt);
        } else if (evt instanceof IdleStateEvent) {
            log.debug("{} sent nothing for {}; closing", connection != null ? connection : ctx.channel(),
                    comet.config().heartbeatTimeout());
            close(ctx);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** The handshake's session cookie when its Origin is on the requested host (or absent), else null. */
    static String sameHostSessionCookie(HttpHeaders headers) {
        String cookies = headers.get(HttpHeaderNames.COOKIE);
        if (cookies == null) {
            return null;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameHost(origin, headers.get(HttpHeaderNames.HOST))) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(cookies)) {
            if (HttpEdge.SESSION_COOKIE.equals(c.name()) && !c.value().isEmpty()) {
                return c.value();
            }
        }
        return null;
    }

    /** Whether an Origin ({@code scheme://host[:port]}) names the Host header's host; ports may differ. */
    private static boolean sameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            String originHost = URI.create(origin).getHost();
            String requested = URI.create("http://" + host).getHost();
            return originHost != null && originHost.equalsIgnoreCase(requested);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        early.clear();
        if (connection != null) {
            comet.unregister(connection);
            connection = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof ProtocolException || c instanceof CorruptedFrameException
                || c instanceof TooLongFrameException) {
            protocolError(ctx, c.getMessage());
        } else if (c instanceof IOException) {
            log.debug("{}: {}", ctx.channel().remoteAddress(), c.toString());
            close(ctx);
        } else {
            log.warn("{} failed; closing", ctx.channel().remoteAddress(), c);
            close(ctx);
        }
    }

    private void protocolError(ChannelHandlerContext ctx, String why) {
        if (state == State.CLOSED) {
            return;
        }
        comet.metrics().protocolErrors.increment();
        log.debug("{} broke the protocol ({}); closing", ctx.channel().remoteAddress(), why);
        close(ctx);
    }

    private void refuse(ChannelHandlerContext ctx, String reason, String why) {
        if (state == State.CLOSED) {
            return;
        }
        comet.metrics().authFailure(reason).increment();
        log.debug("auth of {} failed ({}): {}", ctx.channel().remoteAddress(), reason, why);
        close(ctx);
    }

    private void close(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        ctx.close();
    }
}
