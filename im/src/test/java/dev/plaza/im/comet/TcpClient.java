package dev.plaza.im.comet;

import dev.plaza.im.protocol.Packet;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A plain-socket client reading packets back to back on a virtual thread. */
public final class TcpClient implements PacketClient {
    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private TcpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    public static TcpClient connect(int port) {
        TcpClient c = open(port, 0);
        c.startReading();
        return c;
    }

    /** A client that reads nothing until {@link #startReading}, with a small receive buffer: a stalled reader. */
    static TcpClient stalled(int port) {
        return open(port, 4096);
    }

    private static TcpClient open(int port, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return new TcpClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startReading() {
        Thread.ofVirtual().name("tcp-client-reader").start(this::read);
    }

    private void read() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = in.readInt();
                int headerLength = in.readUnsignedShort();
                int ver = in.readUnsignedShort();
                int op = in.readInt();
                int seq = in.readInt();
                if (headerLength != Packet.HEADER_LENGTH) {
                    throw new IOException("server sent header length " + headerLength);
                }
                byte[] body = in.readNBytes(length - Packet.HEADER_LENGTH);
                if (body.length != length - Packet.HEADER_LENGTH) {
                    throw new IOException("truncated packet");
                }
                received.add(new Packet(ver, op, seq, body));
            }
        } catch (IOException e) {
            closed = true;
        }
    }

    @Override
    public void send(Packet p) {
        sendRaw(p.toBytes());
    }

    @Override
    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public BlockingQueue<Packet> received() {
        return received;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
