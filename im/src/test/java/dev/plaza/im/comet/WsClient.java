package dev.plaza.im.comet;

import dev.plaza.im.protocol.Packet;
import dev.plaza.im.protocol.Packets;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A WebSocket client on the JDK's HttpClient: binary frames in and out, each frame's packets collected. */
final class WsClient implements PacketClient, WebSocket.Listener {
    private final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final AtomicInteger frames = new AtomicInteger();
    private final WebSocket ws;
    private volatile boolean closed;

    WsClient(HttpClient http, int port) {
        this(http, port, Map.of());
    }

    /** Connects with these handshake headers (a browser's {@code Cookie} and {@code Origin}, say). */
    WsClient(HttpClient http, int port, Map<String, String> headers) {
        try {
            WebSocket.Builder b = http.newWebSocketBuilder();
            headers.forEach(b::header);
            ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/sub"), this).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("websocket connect failed", e);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partial.writeBytes(b);
        if (last) {
            frames.incrementAndGet();
            received.addAll(Packets.readAll(Unpooled.wrappedBuffer(partial.toByteArray()), Integer.MAX_VALUE));
            partial.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed = true;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed = true;
    }

    /** Binary frames received so far. */
    int frames() {
        return frames.get();
    }

    @Override
    public void send(Packet p) {
        sendRaw(p.toBytes());
    }

    @Override
    public void sendRaw(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void sendText(String text) {
        ws.sendText(text, true).join();
    }

    @Override
    public BlockingQueue<Packet> received() {
        return received;
    }

    @Override
    public boolean isClosed() {
        return closed || ws.isInputClosed();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
