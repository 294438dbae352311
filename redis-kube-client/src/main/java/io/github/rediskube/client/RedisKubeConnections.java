package io.github.rediskube.client;

import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.models.role.RedisInstance;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Read/write-split Lettuce connections: writes (and transactions) to the master, reads to the replicas
 * as the {@link ReadFrom} says. The result is Lettuce's own {@link StatefulRedisMasterReplicaConnection}, so
 * the sync, async and reactive APIs stay the ones you know.
 *
 * <p>Reads scale with the replicas: with the default {@link ReadFrom#REPLICA_PREFERRED} each read goes to a
 * connected replica picked at random (uniformly), and to the master only while no replica is connected.
 * {@code REPLICA} and {@code UPSTREAM_PREFERRED} spread the same way within their role; order-insensitive
 * settings ({@code ANY}, {@code ANY_REPLICA}, {@code subnet}, one of your own by default) over every connected
 * node they select; any other order-sensitive {@code ReadFrom} (one of your own, {@code LOWEST_LATENCY}) over
 * the connected nodes of the first role in its order. (Lettuce's {@code MasterReplica} sends every
 * {@code REPLICA_PREFERRED} read to one replica.) {@link ZoneReadFrom} keeps reads on the replicas in the
 * client's zone while one is connected.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create();
 * client.setOptions(RedisKubeConnections.recommendedClientOptions());   // optional: fail fast while down
 *
 * try (StatefulRedisMasterReplicaConnection<String, String> redis =
 *          RedisKubeConnections.connect(client, RedisEndpoints.of(deployment))) {
 *     redis.sync().set("k", "v");          // master
 *     redis.sync().get("k");               // a replica
 * }
 * client.shutdown();
 * }</pre>
 *
 * <p>Unlike Lettuce's static {@code MasterReplica.connect(client, codec, uris)}, which checks the nodes'
 * roles once, the replica set is re-checked every {@link ConnectionSettings#topologyRefresh()}: replicas the
 * master reports online start serving reads, replicas that left stop. The caller's {@link RedisClient}
 * (its options and {@code ClientResources}) is used as given; the connections are its connections and
 * close with it. With {@link RedisEndpoints} failover to a new master is not followed; with
 * {@link RedisSentinels} it is ({@link #connect(RedisClient, RedisSentinels)}).
 *
 * <p>What goes where: Lettuce's read-only commands go to the {@link ReadFrom}'s choice, except those bound to
 * one server connection, which go to the master: SCRIPT and EVALSHA_RO (the script cache is per server and
 * not replicated: EVALSHA after SCRIPT LOAD meets the same server; use EVAL_RO or FCALL_RO to run read-only
 * scripts on replicas), CLIENT, FUNCTION. From MULTI to EXEC/DISCARD, and from WATCH to EXEC/DISCARD/UNWATCH,
 * every command goes to the master, so reads of watched keys never come from a lagging replica. A MULTI or
 * WATCH that fails (e.g. rejected while the master is down) ends that. SELECT is rejected with a
 * {@code RedisException}: the master and each replica have a connection of their own, and a database selected
 * on one would not be on the others. {@code waitForReplication} (WAIT) fails with a {@code RedisException}
 * instead of answering when a write since the previous WAIT went to an earlier master (after a failover): WAIT
 * on the new master would count replicas at once for writes it never saw; write again, then WAIT. A write
 * counts once it was handed to the master's connection without failing there: one rejected while the master
 * was disconnected never reached a server and does not count. Pipelined commands and batches
 * ({@code dispatch(Collection)}) are routed command by command as if each were sent alone.
 *
 * <p>Thread-safety: this class is stateless. A returned connection is as thread-safe as Lettuce's own: many
 * threads may send commands on it at once (the topology is an immutable snapshot swapped atomically; the
 * re-check runs on a thread of its own). As with any Lettuce connection, MULTI/EXEC and WATCH are state of
 * the connection, not of a thread: a thread that runs a transaction needs a connection of its own (or a pool).
 */
public final class RedisKubeConnections {

    private RedisKubeConnections() {
    }

    /**
     * Connects to a deployment described by a spec, from inside the cluster (see {@link RedisEndpoints#of}),
     * when its auth is disabled. With auth, a spec cannot know the password the deployment runs with: a
     * generated one is made by each {@code build()} (a process that restarts and builds its spec again holds
     * a new one) while the live Secret keeps the first; so this refuses, saying how to connect instead:
     * {@link #connect(RedisClient, RedisDeployment)} with {@code RedisKube.deploy(..)}'s or
     * {@code RedisKube.attach(kubernetesClient, namespace, name)}'s handle, which reads the Secret.
     *
     * @param client the caller's client
     * @param spec   a built spec with auth disabled
     * @return a split String connection reading from replicas preferably
     * @throws IllegalArgumentException before connecting, when the spec's auth is on
     */
    public static StatefulRedisMasterReplicaConnection<String, String> connect(RedisClient client,
            RedisReplicationSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.auth().enabled()) {
            throw new IllegalArgumentException("connect(client, spec) cannot know the password " + spec.namespace()
                    + "/" + spec.name() + " runs with, was asked for a spec with auth " + spec.auth().kind()
                    + ": a spec holds the password its own build() generated, and the deployment keeps the one in its"
                    + " Secret (a spec built again, e.g. after a restart, holds another). Fix: connect(client,"
                    + " RedisKube.attach(kubernetesClient, \"" + spec.namespace() + "\", \"" + spec.name()
                    + "\")) or connect(client, deployment), which read the Secret; or connect(client,"
                    + " RedisEndpoints.of(spec).toBuilder().password(password).build())");
        }
        return connect(client, RedisEndpoints.of(spec));
    }

    /**
     * Connects to a live deployment from inside the cluster: writes to its master Service, reads spread
     * over its replica pods, the password read from its Secret (see {@link RedisEndpoints#of(RedisDeployment)}).
     *
     * <pre>{@code
     * try (var connection = RedisKubeConnections.connect(redisClient, deployment)) {
     *     connection.sync().set("k", "v");      // master
     *     connection.sync().get("k");           // a replica
     * }
     * }</pre>
     *
     * @param client     the caller's client
     * @param deployment a deployment handle
     * @return a split String connection reading from replicas preferably
     */
    public static StatefulRedisMasterReplicaConnection<String, String> connect(RedisClient client,
            RedisDeployment deployment) {
        return connect(client, RedisEndpoints.of(deployment));
    }

    /**
     * @param client    the caller's client
     * @param endpoints where the master and replicas are
     * @return a split String connection reading from the replicas ({@link ReadFrom#REPLICA_PREFERRED}: spread
     *         over the connected replicas, the master only while none is connected)
     */
    public static StatefulRedisMasterReplicaConnection<String, String> connect(RedisClient client,
            RedisEndpoints endpoints) {
        return connect(client, StringCodec.UTF8, endpoints, ReadFrom.REPLICA_PREFERRED);
    }

    /**
     * @param client    the caller's client
     * @param codec     the codec of keys and values
     * @param endpoints where the master and replicas are
     * @param <K>       key type
     * @param <V>       value type
     * @return a split connection reading from replicas preferably
     */
    public static <K, V> StatefulRedisMasterReplicaConnection<K, V> connect(RedisClient client,
            RedisCodec<K, V> codec, RedisEndpoints endpoints) {
        return connect(client, codec, endpoints, ReadFrom.REPLICA_PREFERRED);
    }

    /**
     * Connects to the master (failing with a {@link RedisConnectionException} that says why when it cannot),
     * then to the replicas; a replica that cannot be reached yet is skipped and retried at each re-check.
     *
     * @param client    the caller's client
     * @param codec     the codec of keys and values
     * @param endpoints where the master and replicas are
     * @param readFrom  where reads go; changeable later with {@code setReadFrom}
     * @param <K>       key type
     * @param <V>       value type
     * @return a split connection; close it to close every node connection it opened
     */
    public static <K, V> StatefulRedisMasterReplicaConnection<K, V> connect(RedisClient client,
            RedisCodec<K, V> codec, RedisEndpoints endpoints, ReadFrom readFrom) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(readFrom, "readFrom");
        return open(client, codec, endpoints, readFrom).connection();
    }

    /**
     * Connects to a set watched by Sentinels, following failover: the master is the one the Sentinels
     * name; when they announce a new one ({@code +switch-master}, subscribed on every Sentinel) writes move
     * to it at once, and reads follow the replicas the current master reports. The Sentinels are also
     * re-checked every {@link ConnectionSettings#topologyRefresh()}; a re-check moves writes only to the master of
     * a newer config epoch than the one followed that reports role master, never back to a master the
     * Sentinels have left (e.g. while the leader of a failover still reconfigures the replicas).
     *
     * <pre>{@code
     * try (var redis = RedisKubeConnections.connect(redisClient, RedisSentinels.of(deployment))) {
     *     redis.sync().set("k", "v");      // the current master, also after a failover
     * }
     * }</pre>
     *
     * @param client    the caller's client
     * @param sentinels where the Sentinels are
     * @return a split String connection reading from replicas preferably
     */
    public static StatefulRedisMasterReplicaConnection<String, String> connect(RedisClient client,
            RedisSentinels sentinels) {
        return connect(client, StringCodec.UTF8, sentinels, ReadFrom.REPLICA_PREFERRED);
    }

    /**
     * Like {@link #connect(RedisClient, RedisSentinels)} with a codec and a {@link ReadFrom}. Writes issued
     * while the master is down fail (or queue, as the client's {@code disconnectedBehavior} says) until the
     * Sentinels announce its successor; then they go to it without waiting for a topology refresh.
     *
     * @param client    the caller's client
     * @param codec     the codec of keys and values
     * @param sentinels where the Sentinels are
     * @param readFrom  where reads go
     * @param <K>       key type
     * @param <V>       value type
     * @return a split connection that follows failover; close it to close every connection it opened
     * @throws RedisConnectionException when no Sentinel names a master, or the master cannot be reached
     */
    public static <K, V> StatefulRedisMasterReplicaConnection<K, V> connect(RedisClient client,
            RedisCodec<K, V> codec, RedisSentinels sentinels, ReadFrom readFrom) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(sentinels, "sentinels");
        Objects.requireNonNull(readFrom, "readFrom");
        return following(client, codec, sentinels, readFrom).connection();
    }

    /** A split connection that follows Sentinels, and its follower (which tests drive directly). */
    record Following<K, V>(SentinelFollower<K, V> follower, SplitConnection<K, V> connection) {
    }

    static <K, V> Following<K, V> following(RedisClient client, RedisCodec<K, V> codec, RedisSentinels sentinels,
            ReadFrom readFrom) {
        SentinelFollower<K, V> follower = new SentinelFollower<>(client, codec, sentinels);
        Split<K, V> split;
        FollowedMaster.Answer first;
        try {
            first = follower.askMaster();
            split = open(client, codec, sentinels.endpoints(first.master()), readFrom);
        } catch (RuntimeException e) {
            follower.stop();
            throw e;
        }
        follower.start(split.writer(), split.watcher(), first);
        return new Following<>(follower, split.connection());
    }

    /** The parts of one split connection. */
    private record Split<K, V>(RoutingWriter writer, TopologyWatcher<K, V> watcher,
                               SplitConnection<K, V> connection) {
    }

    private static <K, V> Split<K, V> open(RedisClient client, RedisCodec<K, V> codec, RedisEndpoints endpoints,
            ReadFrom readFrom) {
        RedisURI masterUri = endpoints.uri(endpoints.master());
        StatefulRedisConnection<K, V> master;
        try {
            master = client.connect(codec, masterUri);
        } catch (RedisConnectionException e) {
            throw new RedisConnectionException("cannot connect to the Redis master at " + where(endpoints, masterUri)
                    + ": " + describe(e) + hint(e), e);
        }
        ClientOptions options = client.getOptions();
        RoutingWriter writer = new RoutingWriter(client.getResources(), options.getReadOnlyCommands(),
                new Topology(new Node(endpoints.master(), masterUri, RedisInstance.Role.UPSTREAM, master), List.of()),
                readFrom);
        TopologyWatcher<K, V> watcher = new TopologyWatcher<>(client, codec, endpoints, writer);
        try {
            watcher.start();
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        SplitConnection<K, V> connection = new SplitConnection<>(writer, codec, endpoints.settings().timeout(),
                options.getJsonParser());
        connection.setOptions(options);
        return new Split<>(writer, watcher, connection);
    }

    /**
     * Moves a running set to a new password while clients keep reading and writing: every server first
     * accepts both passwords, replication follows ({@code CONFIG SET masterauth} on every server), the
     * endpoints' {@link RotatingPassword} switches so new connections (reconnects, replicas found later)
     * use the new one, {@code store} records it (e.g. writes the deployment's Secret, which pods read as a mounted
     * file at start and at every probe, and waits until their kubelets refreshed that file), and only then every server — found again, so one restarted meanwhile counts — stops accepting
     * the old one. Connections already authenticated stay open: no command fails. Servers are reached at the
     * endpoints' addresses after {@code addressMapper}: the master, the listed replicas and those the master
     * reports. See the README's "Password rotation" for what this does not cover.
     *
     * <pre>{@code
     * RotatingPassword password = RotatingPassword.of(deployment.password());
     * RedisEndpoints endpoints = RedisEndpoints.of(deployment).toBuilder().credentials(password).build();
     * var redis = RedisKubeConnections.connect(redisClient, endpoints);
     * RedisKubeConnections.rotatePassword(redisClient, endpoints, newPassword, deployment::storePassword);
     * }</pre>
     *
     * @param client      a client to open the rotation's own short-lived connections with
     * @param endpoints   the set, built with {@code credentials(RotatingPassword)}; every connection built from
     *                    them follows the rotation
     * @param newPassword the password to move to: {@code Auth.PASSWORD_RULE}, not the current one
     * @param store       records the new password where restarting servers and the pods' scripts read it, and
     *                    returns once all of them can (the old one is retired right after);
     *                    {@code deployment::storePassword} waits the kubelets' refresh bound
     *                    ({@code DeployOptions.passwordFileRefresh}); called once every server accepts the new
     *                    password; when it throws, nothing is retired
     * @throws IllegalArgumentException before any command, when the endpoints have no {@link RotatingPassword}
     *                                  or the new password breaks the rule or is the current one
     * @throws io.lettuce.core.RedisException naming the servers a step failed on, and what state it left
     */
    public static void rotatePassword(RedisClient client, RedisEndpoints endpoints, String newPassword,
                                      Consumer<String> store) {
        Objects.requireNonNull(endpoints, "endpoints");
        RotatingPassword password = rotating(endpoints.settings().credentials(), "endpoints");
        String next = usable(newPassword);
        new PasswordRotation(client, password, (first, second) -> PasswordRotation.servers(client, endpoints, first,
                second), null).rotate(next, Objects.requireNonNull(store, "store"));
    }

    /**
     * Like {@link #rotatePassword(RedisClient, RedisEndpoints, String, Consumer)} for a set
     * watched by Sentinels: the Sentinels too accept both passwords first ({@code ACL SETUSER} works on
     * Sentinel 7), then authenticate to Redis ({@code SENTINEL SET <set> auth-pass}) and to each other
     * ({@code SENTINEL CONFIG SET sentinel-pass}) with the new one, and in the end refuse the old one. The
     * servers are the master and replicas the Sentinels name.
     *
     * @param client      a client to open the rotation's own short-lived connections with
     * @param sentinels   the Sentinels, built with {@code credentials(RotatingPassword)}
     * @param newPassword the password to move to
     * @param store       records the new password where restarting servers and Sentinels read it
     */
    public static void rotatePassword(RedisClient client, RedisSentinels sentinels, String newPassword,
                                      Consumer<String> store) {
        Objects.requireNonNull(sentinels, "sentinels");
        RotatingPassword password = rotating(sentinels.settings().credentials(), "sentinels");
        String next = usable(newPassword);
        new PasswordRotation(client, password, (first, second) -> PasswordRotation.servers(client, sentinels, first,
                second), sentinels.masterName()).rotate(next, Objects.requireNonNull(store, "store"));
    }

    /** The rule the deployment's scripts need (they quote the password into redis.conf and sentinel.conf). */
    private static String usable(String newPassword) {
        if (!Auth.isUsablePassword(newPassword)) {
            throw new IllegalArgumentException("newPassword " + Auth.PASSWORD_RULE
                    + ", was " + (newPassword == null ? "null" : "<" + newPassword.length() + " characters>")
                    + ": use PasswordGenerator.secureRandom().generate()");
        }
        return newPassword;
    }

    private static RotatingPassword rotating(RotatingPassword credentials, String what) {
        if (credentials == null) {
            throw new IllegalArgumentException(what + ".credentials must be a RotatingPassword to rotate, was none"
                    + " (a fixed password or no auth): connections built from fixed passwords cannot follow a rotation."
                    + " Fix: build them with toBuilder().credentials(RotatingPassword.of(password))");
        }
        return credentials;
    }

    /**
     * Client options this library recommends for split connections (the caller's client stays the
     * caller's: apply them with {@code client.setOptions(..)} or start from them with {@code mutate()}):
     * commands are rejected at once while a node is disconnected instead of queueing until the timeout,
     * and the connection reconnects in the background, so a write during a master outage fails fast with
     * "Currently not connected" and succeeds again once the master is back.
     *
     * <pre>{@code
     * client.setOptions(RedisKubeConnections.recommendedClientOptions());
     * }</pre>
     *
     * @return auto-reconnect on, disconnected commands rejected, command timeouts applied, 5 s connect timeout
     */
    public static ClientOptions recommendedClientOptions() {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled())
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).keepAlive(true).build())
                .build();
    }

    private static String where(RedisEndpoints endpoints, RedisURI uri) {
        String mapped = uri.getHost() + ":" + uri.getPort();
        String given = endpoints.master().toString();
        return given.equals(mapped) ? given : mapped + " (mapped from " + given + ")";
    }

    /** @return the innermost cause's message, the one that says what happened */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String hint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException && t.getMessage() != null
                    && (t.getMessage().startsWith("WRONGPASS") || t.getMessage().startsWith("NOAUTH"))) {
                return "; check the password given to RedisEndpoints (the deployment's Secret holds it)";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "; cluster DNS names resolve only inside the cluster: from outside map them with "
                        + "RedisEndpoints.Builder.addressMapper (NodePort or port-forward)";
            }
            if (t instanceof java.net.ConnectException) {
                return "; is the server running and the address right? From outside the cluster map addresses "
                        + "with RedisEndpoints.Builder.addressMapper";
            }
        }
        return "";
    }
}
