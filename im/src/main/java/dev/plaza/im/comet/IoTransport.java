package dev.plaza.im.comet;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The I/O transport for the servers: native epoll when it loads (fewer copies and wakeups on Linux), NIO otherwise.
 * The epoll jar is a runtime-only dependency of the module, hence the reflective lookup.
 */
record IoTransport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel) {
    static IoTransport best() {
        try {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            if ((Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                IoHandlerFactory factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                        .getMethod("newFactory").invoke(null);
                Class<? extends ServerChannel> server = Class.forName("io.netty.channel.epoll.EpollServerSocketChannel")
                        .asSubclass(ServerChannel.class);
                return new IoTransport("epoll", factory, server);
            }
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            // no usable epoll: NIO below
        }
        return nio();
    }

    static IoTransport nio() {
        return new IoTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
