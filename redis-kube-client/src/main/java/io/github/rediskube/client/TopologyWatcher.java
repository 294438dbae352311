package io.github.rediskube.client;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.role.RedisInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RoutingWriter}'s replicas in step with the set: asks the master which replicas are
 * online ({@code INFO replication}, on a connection of its own so the user's pipelining never delays it),
 * connects the new ones, and closes the ones that left. Runs on one daemon thread per split connection,
 * every {@link ConnectionSettings#topologyRefresh()}; restarts of known servers are Lettuce's auto-reconnect.
 */
final class TopologyWatcher<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyWatcher.class);
    private static final Duration MAX_QUERY_TIME = Duration.ofSeconds(5);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final RedisClient client;
    private final RedisCodec<K, V> codec;
    private final RedisEndpoints endpoints;
    private final RoutingWriter writer;
    private ScheduledExecutorService executor;
    private StatefulRedisConnection<String, String> control;
    private boolean warnedRole;

    TopologyWatcher(RedisClient client, RedisCodec<K, V> codec, RedisEndpoints endpoints, RoutingWriter writer) {
        this.client = client;
        this.codec = codec;
        this.endpoints = endpoints;
        this.writer = writer;
    }

    /** Connects the first replicas (on the caller's thread), then re-checks periodically. */
    void start() {
        refresh();
        Duration period = endpoints.settings().topologyRefresh();
        if (!period.isZero()) {
            executor = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "redis-kube-topology-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            executor.scheduleWithFixedDelay(this::refreshInBackground, period.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        writer.onClose(this::stop);
    }

    private void refreshInBackground() {
        if (writer.closed() || !writer.topology().master().connection().isOpen()
                && isClosedForGood(writer.topology().master().connection())) {
            stop();
            return;
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            // a failed re-check keeps the current topology; the next period tries again
            LOG.warn("redis-kube: topology re-check of {} failed, keeping {}: {}", endpoints.master(), writer, e.toString());
        }
    }

    /** @return whether the connection was closed (by us or by its client's shutdown), not just disconnected */
    static boolean isClosedForGood(StatefulRedisConnection<?, ?> connection) {
        return connection instanceof io.lettuce.core.RedisChannelHandler<?, ?> handler && handler.isClosed();
    }

    /** One re-check: which replicas should serve reads, connect the missing, drop the gone. */
    synchronized void refresh() {
        if (writer.closed()) {
            return;
        }
        List<RedisEndpoints.Address> wanted = endpoints.followReplication()
                ? onlineReplicas().orElseGet(this::currentOrSeeds)
                : endpoints.replicas();
        Topology current = writer.topology();
        List<Node> next = new ArrayList<>();
        Set<RedisEndpoints.Address> wantedSet = new LinkedHashSet<>(wanted);
        for (Node replica : current.replicas()) {
            if (wantedSet.remove(replica.address())) {
                next.add(replica);
            }
        }
        for (RedisEndpoints.Address address : wantedSet) {
            connect(address).ifPresent(next::add);
        }
        if (next.equals(current.replicas())) {
            return;
        }
        if (!writer.replace(current, current.withReplicas(next))) {
            // the master was switched meanwhile: drop what this round connected, the next round starts afresh
            next.stream().filter(n -> !current.replicas().contains(n)).forEach(n -> n.connection().closeAsync());
            return;
        }
        LOG.info("redis-kube: reads now go to {}", writer);
        for (Node replica : current.replicas()) {
            if (!next.contains(replica)) {
                replica.connection().closeAsync();
            }
        }
        if (writer.closed()) { // closed while we connected: nothing else will close the new ones
            next.forEach(n -> n.connection().closeAsync());
        }
    }

    private List<RedisEndpoints.Address> currentOrSeeds() {
        List<Node> current = writer.topology().replicas();
        return current.isEmpty() ? endpoints.replicas() : current.stream().map(Node::address).toList();
    }

    private Optional<Node> connect(RedisEndpoints.Address address) {
        RedisURI uri = endpoints.uri(address);
        try {
            StatefulRedisConnection<K, V> connection = client.connect(codec, uri);
            return Optional.of(new Node(address, uri, RedisInstance.Role.REPLICA, connection));
        } catch (RuntimeException e) {
            LOG.warn("redis-kube: replica {} is not reachable yet ({}); reads skip it until a re-check connects it",
                    address, RedisKubeConnections.describe(e));
            return Optional.empty();
        }
    }

    /** @return the replicas the master reports online, or empty when it cannot be asked */
    Optional<List<RedisEndpoints.Address>> onlineReplicas() {
        try {
            if (control == null) {
                control = client.connect(StringCodec.UTF8, writer.topology().master().uri());
            }
            String info = control.async().info("replication").get(
                    Math.min(endpoints.settings().timeout().toMillis(), MAX_QUERY_TIME.toMillis()), TimeUnit.MILLISECONDS);
            ReplicationInfo parsed = ReplicationInfo.parse(info);
            if (!parsed.master()) {
                if (!warnedRole) {
                    LOG.warn("redis-kube: {} reports role:{}, not master; keeping the current replicas (failover is "
                            + "Sentinel's job)", writer.topology().master().address(), parsed.role());
                    warnedRole = true;
                }
                return Optional.empty();
            }
            warnedRole = false;
            return Optional.of(parsed.onlineReplicas());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.debug("redis-kube: cannot ask {} for its replicas: {}", endpoints.master(), e.toString());
            return Optional.empty();
        }
    }

    /** The master changed: the next re-check asks the new one (its control connection is re-opened). */
    synchronized void masterChanged() {
        if (control != null) {
            control.closeAsync();
            control = null;
        }
        warnedRole = false;
    }

    synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (control != null) {
            control.closeAsync();
            control = null;
        }
    }
}
