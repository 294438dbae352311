package io.github.rediskube.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One real redis-server on 127.0.0.1, started by the rendered start script from the rendered
 * redis.conf, with only the port, the bind address and the data directory substituted.
 */
public final class RedisNode implements AutoCloseable {

    private final String role;
    private final int port;
    private String password;
    private final Path home;
    private final Path log;
    private final ProcessBuilder launcher;
    private final SecretVolume secret;
    private TlsCertificates tls;
    private Process process;

    /** The file name of the password in a pod's Secret volume (the rendered volume's item path). */
    static final String PASSWORD_FILE = "password";

    RedisNode(String role, int port, String password, Path home, ProcessBuilder launcher, SecretVolume secret) {
        this.role = role;
        this.port = port;
        this.password = password;
        this.home = home;
        this.log = home.resolve("redis.log");
        this.launcher = launcher;
        this.secret = secret;
    }

    /**
     * The pod's Secret volume, written by the kubelet: its scripts read the password from this file
     * ({@code REDIS_PASSWORD_FILE}) at each use.
     *
     * @return the file, or {@code null} when auth is off
     */
    public Path passwordFile() {
        return secret == null ? null : secret.file(PASSWORD_FILE);
    }

    /**
     * The node serves TLS only, with these certificates: {@link #uri()} asks for TLS and the node's own waits
     * connect with {@link TlsCertificates#clientOptions()}.
     *
     * @param certificates the pod's TLS Secret volume
     * @return this node
     */
    RedisNode tls(TlsCertificates certificates) {
        this.tls = certificates;
        return this;
    }

    /** @return the certificates the node serves TLS with, or {@code null} for plain TCP */
    public TlsCertificates tls() {
        return tls;
    }

    /** Starts (or restarts) the server and waits until it answers PING. */
    public RedisNode start() {
        launch();
        awaitPing(Duration.ofSeconds(15));
        return this;
    }

    /**
     * Starts (or restarts) the process without waiting for it to answer, as a pod starts beside others;
     * {@link #awaitPing(Duration)} waits for it.
     */
    public void launch() {
        try {
            process = launcher.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + this, e);
        }
    }

    /** @return the port the server listens on */
    public int port() {
        return port;
    }

    /** @return {@code master} or {@code replica} */
    public String role() {
        return role;
    }

    /** @return the node's working directory (config, runtime config, data, log) */
    public Path home() {
        return home;
    }

    /**
     * @return a Lettuce URI for this node, with the password; with TLS on it asks for TLS and checks the chain
     *         only (the test certificates need not name 127.0.0.1): connect with a client whose options trust the
     *         CA ({@link TlsCertificates#clientOptions()})
     */
    public RedisURI uri() {
        RedisURI.Builder builder = RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            builder.withSsl(true).withVerifyPeer(io.lettuce.core.SslVerifyMode.CA);
        }
        if (password != null) {
            builder.withPassword(password.toCharArray());
        }
        return builder.build();
    }

    /**
     * Sends {@code PING} in plain text to the node's port, as a client that does not speak TLS would.
     *
     * @return what the server answered before it closed the connection or 2 s passed: {@code +PONG} from a
     *         plain-text server, nothing (or TLS bytes) from one that serves TLS only
     */
    public String plainTextPing() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[256];
            int n = socket.getInputStream().read(buffer);
            return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketTimeoutException | java.net.SocketException dropped) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + this, e);
        }
    }

    /** @return whether the process runs */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * The kubelet refreshed this pod's Secret volume after the Secret changed: {@link #passwordFile()} holds the
     * new value (swapped atomically, as the kubelet does), so the pod's probes and scripts use it at their next
     * run, the next {@link #start()} runs with it, and {@link #uri()} authenticates with it from now on.
     *
     * @param value the new password
     * @return this node
     * @throws IllegalStateException when the node runs without auth
     */
    public RedisNode secretPassword(String value) {
        if (secret == null) {
            throw new IllegalStateException(this + " runs without auth: no Secret volume to refresh");
        }
        this.password = value;
        secret.write(PASSWORD_FILE, value);
        return this;
    }

    /**
     * Stops the process with SIGSTOP: it keeps its port and the kernel still accepts connections, but it
     * answers nothing, as a hung or starved pod does (a client sees a timeout, not a refusal).
     * {@link #resume()} lets it go on; {@link #kill()} ends it either way.
     */
    public void pause() {
        signal("STOP");
    }

    /** Continues a process {@link #pause() paused} with SIGSTOP (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(this + " does not run: cannot send SIG" + name);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed for " + this);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill for " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the server with SIGKILL (no shutdown, no save). */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    /** Stops the server with SIGTERM (graceful shutdown), SIGKILL after 15 s. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(Duration.ofSeconds(15))) {
                kill();
            }
        }
    }

    /** @return the server's log so far */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e + ">";
        }
    }

    /**
     * Runs one command batch against the node on a fresh connection.
     *
     * @param client a Lettuce client
     * @param action what to do
     * @param <T>    result type
     * @return the action's result
     */
    public <T> T call(RedisClient client, java.util.function.Function<RedisCommands<String, String>, T> action) {
        try (StatefulRedisConnection<String, String> connection = client.connect(uri())) {
            return action.apply(connection.sync());
        }
    }

    /**
     * @param client  a Lettuce client
     * @param command the command as {@code INFO commandstats} names it, e.g. {@code get} or {@code script|load}
     * @return how often the server itself counted it since its last {@code CONFIG RESETSTAT}
     */
    public long commandCalls(RedisClient client, String command) {
        String prefix = "cmdstat_" + command + ":calls=";
        String stats = commandStats(client);
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith(prefix)) {
                String value = line.substring(prefix.length());
                return Long.parseLong(value.substring(0, value.indexOf(',')));
            }
        }
        return 0;
    }

    /**
     * {@code INFO commandstats} on a connection of its own, tried again for up to 5 s when it fails with no reply of
     * the server among the causes: on a loaded machine a fresh Lettuce connection to a running server was seen
     * rejecting its first command ("Currently not connected", after "Closing channel because endpoint is already
     * closed"), also just after a replica came online. INFO changes no count it reports, so a second try reads the
     * same counts; a server reply is final.
     */
    private String commandStats(RedisClient client) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                return call(client, c -> c.info("commandstats"));
            } catch (RedisCommandExecutionException replied) {
                throw replied;
            } catch (RuntimeException unanswered) {
                if (System.nanoTime() > deadline) {
                    throw unanswered;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw unanswered;
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "redis " + role + " on 127.0.0.1:" + port + " (" + home + ")";
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the server answers PING.
     *
     * @param timeout the bound
     */
    public void awaitPing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RedisClient client = RedisClient.create();
        if (tls != null) {
            client.setOptions(tls.clientOptions());
        }
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(this + " exited with " + process.exitValue() + ":\n" + log());
                }
                try (StatefulRedisConnection<String, String> connection = client.connect(uri())) {
                    if ("PONG".equals(connection.sync().ping())) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(this + " did not answer PING within " + timeout + ":\n" + log(),
                                notYet);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + this, e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * Connects with {@code uri} and PINGs: {@code PONG}, or the refusal with every cause. A connection that fails
     * with no reply of the server in its causes is tried again (up to 5 times): under load Lettuce may see its own
     * channel closed by a failed handshake before its connect listener runs ("RedisHandshakeHandler not
     * registered", "Connection closed prematurely"), which hides the server's WRONGPASS. A server reply
     * (WRONGPASS, NOAUTH, ...) or PONG is final.
     *
     * @param client the client to connect with
     * @param uri    the server and the credentials to try
     * @return {@code PONG}, or every cause of the refusal
     */
    public static String authenticate(RedisClient client, RedisURI uri) {
        String outcome = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
                return connection.sync().ping();
            } catch (RuntimeException refused) {
                StringBuilder causes = new StringBuilder();
                boolean replied = false;
                for (Throwable t = refused; t != null; t = t.getCause()) {
                    causes.append(t).append("; ");
                    replied |= t instanceof RedisCommandExecutionException;
                }
                outcome = causes.toString();
                if (replied) {
                    return outcome;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return outcome;
    }
}
