package io.github.rediskube.client;

import io.github.rediskube.client.RedisEndpoints.Address;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.role.RedisInstance;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a split connection's writes to the master the Sentinels announce. Subscribes to
 * {@code +switch-master} on every Sentinel (Lettuce pub/sub) and swaps the master in the
 * {@link RoutingWriter} as soon as one announces a new master, without Lettuce's 5 s refresh delay;
 * re-checks with the Sentinels when a subscription reconnects and every {@code topologyRefresh}, so a
 * missed announcement is caught up. Swaps run on one daemon thread per connection, never on Netty's.
 */
final class SentinelFollower<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(SentinelFollower.class);
    private static final String SWITCH_MASTER = "+switch-master";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final RedisClient client;
    private final RedisCodec<K, V> codec;
    private final RedisSentinels sentinels;
    private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new ArrayList<>();
    /** Swaps the master; never blocked by a re-check that waits on an unreachable Sentinel. */
    private final ScheduledExecutorService switcher;
    /** Asks the Sentinels on reconnects and periodically. */
    private final ScheduledExecutorService checker;
    private RoutingWriter writer;
    private TopologyWatcher<K, V> watcher;

    SentinelFollower(RedisClient client, RedisCodec<K, V> codec, RedisSentinels sentinels) {
        this.client = client;
        this.codec = codec;
        this.sentinels = sentinels;
        int id = THREADS.incrementAndGet();
        this.switcher = daemon("redis-kube-sentinel-" + id);
        this.checker = daemon("redis-kube-sentinel-check-" + id);
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @return the master the Sentinels agree on (highest config epoch among those answering)
     * @throws RedisConnectionException naming every Sentinel and why it did not answer
     */
    Address askMaster() {
        Address best = null;
        long bestEpoch = -1;
        List<String> failures = new ArrayList<>();
        for (Address sentinel : sentinels.sentinels()) {
            try (StatefulRedisSentinelConnection<String, String> connection =
                         client.connectSentinel(StringCodec.UTF8, sentinels.uri(sentinel))) {
                Map<String, String> master = connection.sync().master(sentinels.masterName());
                long epoch = Long.parseLong(master.getOrDefault("config-epoch", "0"));
                if (epoch > bestEpoch) {
                    best = new Address(master.get("ip"), Integer.parseInt(master.get("port")));
                    bestEpoch = epoch;
                }
            } catch (RuntimeException e) {
                failures.add(sentinel + ": " + RedisKubeConnections.describe(e));
            }
        }
        if (best == null) {
            throw new RedisConnectionException("no Sentinel names a master for " + sentinels.masterName() + ": "
                    + String.join("; ", failures));
        }
        return best;
    }

    /** Subscribes to every Sentinel reachable now; unreachable ones are logged (the others suffice). */
    void start(RoutingWriter routingWriter, TopologyWatcher<K, V> topologyWatcher) {
        this.writer = routingWriter;
        this.watcher = topologyWatcher;
        for (Address sentinel : sentinels.sentinels()) {
            StatefulRedisPubSubConnection<String, String> subscription = null;
            try {
                subscription = client.connectPubSub(StringCodec.UTF8, sentinels.uri(sentinel));
                subscription.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        if (SWITCH_MASTER.equals(channel)) {
                            onSwitchMaster(message);
                        }
                    }
                });
                subscription.addListener(new RedisConnectionStateListener() {
                    @Override
                    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                        checker.execute(SentinelFollower.this::recheck);
                    }
                });
                subscription.sync().subscribe(SWITCH_MASTER);
                subscriptions.add(subscription);
            } catch (RuntimeException e) {
                if (subscription != null) {
                    subscription.closeAsync();
                }
                LOG.warn("redis-kube: cannot subscribe to Sentinel {} ({}); following the others",
                        sentinel, RedisKubeConnections.describe(e));
            }
        }
        if (subscriptions.isEmpty()) {
            LOG.warn("redis-kube: no Sentinel of {} could be subscribed to; a failover is noticed only at the "
                    + "re-check every {}", sentinels.sentinels(), sentinels.topologyRefresh());
        }
        long period = sentinels.topologyRefresh().toMillis();
        if (period > 0) {
            checker.scheduleWithFixedDelay(this::recheck, period, period, TimeUnit.MILLISECONDS);
        }
        writer.onClose(this::stop);
    }

    /** {@code <name> <old-host> <old-port> <new-host> <new-port>}, on a Netty thread: hand over at once. */
    private void onSwitchMaster(String message) {
        String[] parts = message.split(" ");
        if (parts.length == 5 && parts[0].equals(sentinels.masterName())) {
            Address announced = new Address(parts[3], Integer.parseInt(parts[4]));
            switcher.execute(() -> switchTo(announced, "+switch-master"));
        }
    }

    private void recheck() {
        if (writer.closed()) {
            return;
        }
        if (clientShutDown()) {
            LOG.info("redis-kube: the RedisClient of the connection to {} was shut down before the connection was "
                    + "closed; no longer following its Sentinels", sentinels.masterName());
            stop();
            return;
        }
        try {
            Address named = askMaster();
            switcher.execute(() -> switchTo(named, "re-check"));
        } catch (RuntimeException e) {
            LOG.warn("redis-kube: re-check of the master of {} with the Sentinels failed, keeping {}: {}",
                    sentinels.masterName(), writer, RedisKubeConnections.describe(e));
        }
    }

    /** Makes {@code master} the write target unless it already is. Runs on the switcher thread only. */
    void switchTo(Address master, String why) {
        if (writer.closed() || writer.topology().master().address().equals(master)) {
            return;
        }
        RedisURI uri = sentinels.endpoints(master).uri(master);
        StatefulRedisConnection<K, V> connection;
        try {
            connection = client.connect(codec, uri);
        } catch (RuntimeException e) {
            LOG.warn("redis-kube: {} names {} the master of {}, but it cannot be reached yet ({}); re-checking",
                    why, master, sentinels.masterName(), RedisKubeConnections.describe(e));
            checker.schedule(this::recheck, 100, TimeUnit.MILLISECONDS);
            return;
        }
        Node next = new Node(master, uri, RedisInstance.Role.UPSTREAM, connection);
        Topology current;
        do {
            current = writer.topology();
        } while (!writer.replace(current, new Topology(next,
                current.replicas().stream().filter(r -> !r.address().equals(master)).toList())));
        LOG.info("redis-kube: {}: writes now go to {} (was {})", why, master, current.master().address());
        current.master().connection().closeAsync();
        current.replicas().stream().filter(r -> r.address().equals(master))
                .forEach(r -> r.connection().closeAsync());
        watcher.masterChanged();
        checker.execute(() -> {
            try {
                watcher.refresh();
            } catch (RuntimeException e) {
                LOG.warn("redis-kube: replica re-check after the switch to {} failed, the next one retries: {}",
                        master, RedisKubeConnections.describe(e));
            }
        });
        if (writer.closed()) {
            connection.closeAsync();
        }
    }

    /**
     * @return whether the caller shut down the client (which closes the node connections it opened) or its
     *         resources, leaving nothing to re-check with
     */
    private boolean clientShutDown() {
        return client.getResources().eventExecutorGroup().isShuttingDown()
                || TopologyWatcher.isClosedForGood(writer.topology().master().connection());
    }

    void stop() {
        switcher.shutdownNow();
        checker.shutdownNow();
        subscriptions.forEach(StatefulRedisPubSubConnection::closeAsync);
    }
}
