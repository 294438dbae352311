package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a real redis-server runs the rendered config of a 64Mi pod (maxmemory 48Mi), a replica that
 * asks for a full sync and then never reads (a raw socket, as a replica that hangs would) and a writer
 * streaming writes. The master's memory must stay under the pod's limit: the rendered replica output
 * buffer limit cuts the replica off long before its buffer outgrows the room above maxmemory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicaOutputBufferRedisTest {

    private static final String PASSWORD = "buffer-Password-0123456789";
    private static final long LIMIT = 64L * 1024 * 1024;
    private static final int VALUE_BYTES = 16 * 1024;
    private static final long STREAM_BYTES = 200L * 1024 * 1024;

    @Test
    void aReplicaThatDoesNotReadIsDisconnectedAndTheMasterStaysUnderItsMemoryLimit(@TempDir Path dir)
            throws Exception {
        RedisReplicationSpec spec = RedisKube.replication("orders").replicas(0)
                .passwordGenerator(PasswordGenerator.fixed(PASSWORD)).resources(r -> r.memoryLimit("64Mi")).build();
        assertThat(spec.maxmemoryBytes(Role.MASTER)).isEqualTo(48L * 1024 * 1024);
        RedisClient client = RedisClient.create();
        try (RedisTopology redis = RedisTopology.start(spec, dir);
             Socket stuck = stuckReplica(redis.master());
             StatefulRedisConnection<String, String> writer = client.connect(redis.master().uri());
             StatefulRedisConnection<String, String> monitor = client.connect(redis.master().uri())) {
            RedisNode master = redis.master();
            awaitLog(master, "Starting BGSAVE for SYNC", Duration.ofSeconds(20));

            String value = "v".repeat(VALUE_BYTES);
            RedisAsyncCommands<String, String> async = writer.async();
            long written = 0;
            long maxUsed = 0;
            long maxRss = 0;
            boolean cutOff = false;
            while (written < STREAM_BYTES && !cutOff) {
                List<RedisFuture<String>> batch = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    batch.add(async.set("key:" + (written / VALUE_BYTES % 512), value));
                    written += VALUE_BYTES;
                }
                for (RedisFuture<String> reply : batch) {
                    reply.get(10, TimeUnit.SECONDS);
                }
                String memory = monitor.sync().info("memory");
                maxUsed = Math.max(maxUsed, field(memory, "used_memory"));
                maxRss = Math.max(maxRss, field(memory, "used_memory_rss"));
                cutOff = master.log().contains("overcoming of output buffer limits");
            }
            String memory = monitor.sync().info("memory");
            long peak = field(memory, "used_memory_peak");
            String replication = monitor.sync().info("replication");
            System.out.printf("stuck replica: %d MiB written, cut off %s, used_memory max %d, rss max %d,"
                    + " peak %d, limit %d%n", written >> 20, cutOff, maxUsed, maxRss, peak, LIMIT);

            assertThat(cutOff).as("the replica was disconnected for its output buffer after %d MiB written; log:%n%s",
                    written >> 20, tail(master.log())).isTrue();
            assertThat(master.log()).contains("scheduled to be closed ASAP for overcoming of output buffer limits");
            assertThat(peak).as("used_memory_peak, limit %d", LIMIT).isLessThan(LIMIT);
            assertThat(maxUsed).as("used_memory sampled while writing").isLessThan(LIMIT);
            assertThat(maxRss).as("used_memory_rss sampled while writing").isLessThan(LIMIT);
            assertThat(replication).contains("connected_slaves:0");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * A replica that authenticates, asks for a full (diskless) sync and then reads nothing, ever. It reads
     * each handshake reply first: Redis refuses PSYNC from a client with replies still pending.
     */
    private static Socket stuckReplica(RedisNode master) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", master.port()), 5000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        String[][] handshake = {{"AUTH", PASSWORD}, {"REPLCONF", "listening-port", "1"},
                {"REPLCONF", "capa", "eof", "capa", "psync2"}, {"PSYNC", "?", "-1"}};
        for (int i = 0; i < handshake.length; i++) {
            StringBuilder resp = new StringBuilder("*" + handshake[i].length + "\r\n");
            for (String arg : handshake[i]) {
                resp.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
            }
            out.write(resp.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (i < handshake.length - 1) {
                assertThat(readLine(in)).as("reply to " + handshake[i][0]).isEqualTo("+OK");
            }
        }
        return socket;
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed after " + line);
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in INFO:\n" + info);
    }

    private static void awaitLog(RedisNode node, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!node.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + text + "\" in the log of " + node + ":\n" + tail(node.log()));
            }
            Thread.sleep(50);
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
