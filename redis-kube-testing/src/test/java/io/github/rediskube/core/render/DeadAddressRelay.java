package io.github.rediskube.core.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Stands for a master pod's DNS name on 127.0.0.1: connections are relayed to the current master, until
 * {@link #die()} makes the address behave like a pod IP that is gone. Then, as with a dead IP, nothing comes
 * back and nothing is reset: open links go silent (nothing relayed in either direction, no FIN, no RST),
 * and connections made while it is dead are held open without ever an answer (the handshake of a replica
 * times out exactly as its connect to a dead IP does). {@link #moveTo(int)} is the master back under the
 * same name on a new address: only connections made from then on reach it.
 */
final class DeadAddressRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Integer target;
    private volatile CountDownLatch alive = new CountDownLatch(0);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptor;

    DeadAddressRelay(int targetPort) {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        target = targetPort;
        acceptor = new Thread(this::acceptLoop, "dead-address-relay-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the port replicas follow */
    int port() {
        return listener.getLocalPort();
    }

    /** The address dies: every open link and every new connection goes silent, none is closed. */
    void die() {
        alive = new CountDownLatch(1);   // relays of links made before check it and stop for good
        target = null;
    }

    /** The master is back on a new address: connections made from now on are relayed to it. */
    void moveTo(int port) {
        target = port;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                Integer now = target;
                if (now == null) {
                    continue;   // made while dead: held open, never answered
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), now);
                sockets.add(upstream);
                CountDownLatch diesWith = alive;
                relay(client, upstream, diesWith);
                relay(upstream, client, diesWith);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    continue;
                }
            }
        }
    }

    private void relay(Socket from, Socket to, CountDownLatch born) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (born != alive || target == null) {
                        closed.await();   // the address died under this link: silent until close()
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
                if (born == alive && target != null) {
                    to.shutdownOutput();
                }
            } catch (IOException | InterruptedException gone) {
                // closed by close()
            }
        }, "relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
