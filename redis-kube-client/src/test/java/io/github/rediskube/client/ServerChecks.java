package io.github.rediskube.client;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the client's data-plane tests share: waiting on a condition, and resetting what servers counted. */
final class ServerChecks {

    private static final Duration BOUND = Duration.ofSeconds(20);

    /** A master and two replicas that sync at once (no 5 s diskless-sync delay): keeps each test short. */
    static final RedisReplicationSpec TWO_REPLICAS = RedisKube.replication("orders").replicas(2)
            .config("repl-diskless-sync-delay", "0")
            .build();

    private ServerChecks() {
    }

    /**
     * Waits (up to 20 s, polling every 50 ms) until {@code condition} holds; a condition that throws (a
     * server not answering yet) does not hold yet.
     */
    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                last = notYet;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + BOUND.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : "; last failure: " + last), last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Starts {@code spec}'s master and replicas in {@code dir} and waits until every replica is online; stops
     * them again when they do not get there.
     */
    static RedisTopology started(RedisClient client, RedisReplicationSpec spec, Path dir) {
        RedisTopology redis = RedisTopology.start(spec, dir);
        try {
            awaitOnlineReplicas(client, redis.master(), spec.replicas());
            return redis;
        } catch (RuntimeException | AssertionError e) {
            redis.close();
            throw e;
        }
    }

    /** @return the replicas, then the master */
    static List<RedisNode> nodes(RedisTopology redis) {
        List<RedisNode> nodes = new ArrayList<>(redis.replicas());
        nodes.add(redis.master());
        return nodes;
    }

    /** Waits until {@code master} reports {@code count} online replicas. */
    static void awaitOnlineReplicas(RedisClient client, RedisNode master, int count) {
        awaitTrue(() -> ReplicationInfo.parse(master.call(client, c -> c.info("replication")))
                .onlineReplicas().size() == count, count + " online replicas of " + master);
    }

    /**
     * {@code CONFIG RESETSTAT} on each node, so {@link RedisNode#commandCalls} counts from now. Retried while
     * a node drops the fresh connection (seen on a loaded machine just after a replica came online).
     */
    static void resetStats(RedisClient client, Collection<RedisNode> nodes) {
        nodes.forEach(n -> awaitTrue(() -> "OK".equals(n.call(client, RedisCommands::configResetstat)),
                "CONFIG RESETSTAT on " + n));
    }

    /** @return the routing writer under a split connection, to see which master it writes to */
    static RoutingWriter writer(StatefulRedisMasterReplicaConnection<?, ?> connection) {
        return (RoutingWriter) ((SplitConnection<?, ?>) connection).getChannelWriter();
    }
}
