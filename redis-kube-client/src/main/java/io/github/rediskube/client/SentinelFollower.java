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
import java.net.InetSocketAddress;
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
 * {@link RoutingWriter} as soon as one announces a move away from the master followed, without Lettuce's
 * 5 s refresh delay; re-checks with the Sentinels when a subscription reconnects and every
 * {@code topologyRefresh}, so a missed announcement is caught up. A re-check moves writes only to a master
 * of a newer config epoch than the one followed, never back to one the Sentinels have left
 * ({@link FollowedMaster}), and only once that server reports role master. Swaps run on one daemon thread
 * per connection, never on Netty's.
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
    /** Read and changed on the switcher thread only. */
    private FollowedMaster followed;

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
     * Asks every Sentinel for its config epoch of the master ({@code SENTINEL MASTER}) and then for the
     * master's current address ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}, which names the promoted replica as
     * soon as the epoch is the new one, while {@code SENTINEL MASTER}'s address moves only at
     * {@code +switch-master}). Read in this order, an address is never older than its epoch.
     *
     * @param failures where the Sentinels that did not answer are described
     * @return the answers
     */
    private List<FollowedMaster.Answer> askSentinels(List<String> failures) {
        List<FollowedMaster.Answer> answers = new ArrayList<>();
        for (Address sentinel : sentinels.sentinels()) {
            try (StatefulRedisSentinelConnection<String, String> connection =
                         client.connectSentinel(StringCodec.UTF8, sentinels.uri(sentinel))) {
                Map<String, String> master = connection.sync().master(sentinels.masterName());
                long epoch = Long.parseLong(master.getOrDefault("config-epoch", "0"));
                SocketAddress current = connection.sync().getMasterAddrByName(sentinels.masterName());
                if (current instanceof InetSocketAddress inet) {
                    answers.add(new FollowedMaster.Answer(sentinel, epoch,
                            new Address(inet.getHostString(), inet.getPort())));
                } else {
                    failures.add(sentinel + ": names no master address");
                }
            } catch (RuntimeException e) {
                failures.add(sentinel + ": " + RedisKubeConnections.describe(e));
            }
        }
        return answers;
    }

    /**
     * @return the master the Sentinels name at the highest config epoch (the most of them, if they differ)
     * @throws RedisConnectionException naming every Sentinel and why it did not answer
     */
    FollowedMaster.Answer askMaster() {
        List<String> failures = new ArrayList<>();
        List<FollowedMaster.Answer> answers = askSentinels(failures);
        if (answers.isEmpty()) {
            throw new RedisConnectionException("no Sentinel names a master for " + sentinels.masterName() + ": "
                    + String.join("; ", failures));
        }
        long highest = answers.stream().mapToLong(FollowedMaster.Answer::epoch).max().orElseThrow();
        List<FollowedMaster.Answer> newest = answers.stream().filter(a -> a.epoch() == highest).toList();
        return newest.stream().max(java.util.Comparator.comparingLong(
                a -> newest.stream().filter(b -> b.master().equals(a.master())).count())).orElseThrow();
    }

    /**
     * Subscribes to every Sentinel reachable now; unreachable ones are logged (the others suffice).
     *
     * @param first what {@link #askMaster()} answered, the master the connection was opened to
     */
    void start(RoutingWriter routingWriter, TopologyWatcher<K, V> topologyWatcher, FollowedMaster.Answer first) {
        this.writer = routingWriter;
        this.watcher = topologyWatcher;
        this.followed = new FollowedMaster(sentinels.sentinels().size(), first.master(), first.epoch());
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
                    + "re-check every {}", sentinels.sentinels(), sentinels.settings().topologyRefresh());
        }
        long period = sentinels.settings().topologyRefresh().toMillis();
        if (period > 0) {
            checker.scheduleWithFixedDelay(this::recheck, period, period, TimeUnit.MILLISECONDS);
        }
        writer.onClose(this::stop);
    }

    /** {@code <name> <old-host> <old-port> <new-host> <new-port>}, on a Netty thread: hand over at once. */
    private void onSwitchMaster(String message) {
        String[] parts = message.split(" ");
        if (parts.length == 5 && parts[0].equals(sentinels.masterName())) {
            Address from = new Address(parts[1], Integer.parseInt(parts[2]));
            Address to = new Address(parts[3], Integer.parseInt(parts[4]));
            switcher.execute(() -> announced(from, to));
        }
    }

    /** Runs on the switcher thread. */
    private void announced(Address from, Address to) {
        if (followed.follows(from, to)) {
            if (switchTo(to, "+switch-master", false)) {
                followed.followed(to);
            }
        } else if (!to.equals(followed.master())) {
            LOG.info("redis-kube: ignoring +switch-master {} -> {} of {}: writes follow {}, not {}; re-checking",
                    from, to, sentinels.masterName(), followed, from);
            checker.execute(this::recheck);
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
        List<String> failures = new ArrayList<>();
        List<FollowedMaster.Answer> answers = askSentinels(failures);
        if (answers.isEmpty()) {
            LOG.warn("redis-kube: re-check of the master of {} with the Sentinels failed, keeping {}: {}",
                    sentinels.masterName(), writer, String.join("; ", failures));
            return;
        }
        switcher.execute(() -> rechecked(answers));
    }

    /**
     * Applies a re-check's answers as if the Sentinels had given them, on the switcher thread, and waits.
     *
     * @param answers what the Sentinels are taken to have answered
     */
    void recheckWith(List<FollowedMaster.Answer> answers) throws Exception {
        switcher.submit(() -> rechecked(answers)).get(30, TimeUnit.SECONDS);
    }

    /** Runs on the switcher thread: moves only to a newer master that reports role master. */
    private void rechecked(List<FollowedMaster.Answer> answers) {
        followed.recheck(answers).ifPresent(next -> {
            if (switchTo(next.master(), "re-check (" + answers + ")", true)) {
                followed.moved(next);
            }
        });
    }

    /**
     * Makes {@code master} the write target unless it already is. Runs on the switcher thread only.
     *
     * @param confirmRole whether {@code master} must report role master first (a re-check's choice; an
     *                    announcement comes from the Sentinel that saw it promoted)
     * @return whether writes go to {@code master} now
     */
    private boolean switchTo(Address master, String why, boolean confirmRole) {
        if (writer.closed()) {
            return false;
        }
        if (writer.topology().master().address().equals(master)) {
            return true;
        }
        RedisURI uri = sentinels.endpoints(master).uri(master);
        StatefulRedisConnection<K, V> connection;
        try {
            connection = client.connect(codec, uri);
        } catch (RuntimeException e) {
            LOG.warn("redis-kube: {} names {} the master of {}, but it cannot be reached yet ({}); re-checking",
                    why, master, sentinels.masterName(), RedisKubeConnections.describe(e));
            checker.schedule(this::recheck, 100, TimeUnit.MILLISECONDS);
            return false;
        }
        if (confirmRole) {
            String role = role(connection);
            if (!"master".equals(role)) {
                LOG.warn("redis-kube: {} names {} the master of {}, but it reports role {}; writes stay on {}",
                        why, master, sentinels.masterName(), role, writer.topology().master().address());
                connection.closeAsync();
                return false;
            }
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
        return true;
    }

    /** @return the role the server reports in {@code INFO replication}, or what went wrong asking */
    private String role(StatefulRedisConnection<K, V> connection) {
        try {
            return ReplicationInfo.parse(connection.async().info("replication")
                    .get(sentinels.settings().timeout().toMillis(), TimeUnit.MILLISECONDS)).role();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        } catch (Exception e) {
            return "unknown (" + RedisKubeConnections.describe(e) + ")";
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
